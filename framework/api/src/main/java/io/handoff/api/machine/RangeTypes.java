package io.handoff.api.machine;

/**
 * How kexec-tools classifies {@code /proc/iomem} and {@code /sys/firmware/memmap} names.
 *
 * @since 0.1
 */
public final class RangeTypes {
    private RangeTypes() {
    }

    /**
     * Classify a resource name as kexec-tools' {@code get_crash_memory_ranges()} does: any name containing
     * {@code System RAM} is RAM (so {@code System RAM (kmem)} too); the persistent-memory names are
     * matched legacy first.
     */
    public static RangeType ofIomemName(String name) {
        if (name.contains("System RAM")) {
            return RangeType.RAM;
        }
        if (name.startsWith("ACPI Tables")) {
            return RangeType.ACPI;
        }
        if (name.startsWith("ACPI Non-volatile Storage")) {
            return RangeType.ACPI_NVS;
        }
        if (name.startsWith("Persistent Memory (legacy)")) {
            return RangeType.PRAM;
        }
        if (name.startsWith("Persistent Memory")) {
            return RangeType.PMEM;
        }
        if (name.equals("reserved") || name.equals("Reserved")) {
            return RangeType.RESERVED;
        }
        if (name.startsWith("Uncached RAM")) {
            return RangeType.UNCACHED;
        }
        return RangeType.OTHER;
    }
}
