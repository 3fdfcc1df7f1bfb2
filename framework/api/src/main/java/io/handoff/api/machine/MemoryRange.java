package io.handoff.api.machine;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.util.Objects;

/**
 * A typed range of physical memory, {@code start} to {@code end} <em>inclusive</em> as in /proc/iomem.
 *
 * <p>Inclusive ends let a range reach the top of the address space without overflow and keep the
 * arithmetic identical to kexec-tools'.
 *
 * @param start first byte, never negative
 * @param end last byte, at least {@code start}
 * @param type what the memory is, never {@code null}
 * @since 0.1
 */
public record MemoryRange(long start, long end, RangeType type) {
    public MemoryRange {
        Objects.requireNonNull(type, "type");
        if (start < 0 || end < start) {
            throw new HandoffException(FailureKind.MALFORMED_PROFILE,
                    String.format("inverted or out-of-range memory range %#x-%#x", start, end));
        }
    }

    /** Create a range from a start address and a size in bytes. */
    public static MemoryRange ofSize(long start, long size, RangeType type) {
        return new MemoryRange(start, start + size - 1, type);
    }

    /** Return the size in bytes. */
    public long size() {
        return end - start + 1;
    }

    /** Return whether the address lies inside this range. */
    public boolean contains(long address) {
        return address >= start && address <= end;
    }

    /** Return whether {@code [first, last]} lies wholly inside this range. */
    public boolean contains(long first, long last) {
        return first >= start && last <= end;
    }

    /** Return whether the two ranges share at least one byte. */
    public boolean overlaps(MemoryRange other) {
        return start <= other.end && other.start <= end;
    }

    /** Return the same span with another type. */
    public MemoryRange withType(RangeType newType) {
        return new MemoryRange(start, end, newType);
    }

    @Override
    public String toString() {
        return String.format("%#x-%#x %s", start, end, type);
    }
}
