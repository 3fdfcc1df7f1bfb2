package io.handoff.api.machine;

import java.util.Objects;

/**
 * One entry of {@code /sys/firmware/memmap/N}: the firmware's (e820's) view, before the kernel changed it.
 *
 * @param index the directory number N
 * @param start first byte
 * @param end last byte (inclusive)
 * @param type the firmware type name, such as {@code System RAM} or {@code Reserved}
 * @since 0.1
 */
public record FirmwareMemmapEntry(int index, long start, long end, String type) {
    public FirmwareMemmapEntry {
        Objects.requireNonNull(type, "type");
    }

    /** Return this entry as a typed memory range. */
    public MemoryRange range() {
        return new MemoryRange(start, end, RangeTypes.ofIomemName(type));
    }
}
