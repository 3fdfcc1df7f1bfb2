package io.handoff.api.machine;

/**
 * The type of a physical memory range, with the distinctions kexec-tools makes.
 *
 * @since 0.1
 */
public enum RangeType {
    /** Usable RAM ({@code System RAM}). */
    RAM,
    /** Firmware or device reserved memory ({@code Reserved}, {@code reserved}). */
    RESERVED,
    /** ACPI tables, reclaimable after boot ({@code ACPI Tables}). */
    ACPI,
    /** ACPI non-volatile storage ({@code ACPI Non-volatile Storage}). */
    ACPI_NVS,
    /** Uncached RAM (ia64 {@code Uncached RAM}). */
    UNCACHED,
    /** Persistent memory ({@code Persistent Memory}). */
    PMEM,
    /** Legacy persistent memory ({@code Persistent Memory (legacy)}, e820 type 12). */
    PRAM,
    /** Anything else: I/O windows, devices, ROMs, unknown firmware types. */
    OTHER
}
