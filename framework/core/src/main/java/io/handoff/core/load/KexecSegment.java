package io.handoff.core.load;

import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One entry of the {@code struct kexec_segment} array handed to {@code kexec_load}: where the bytes come
 * from, and where they go.
 *
 * @param role what the segment is ({@code kernel}, {@code purgatory} …), for messages
 * @param data the bytes; their length is {@code bufsz}
 * @param mem physical destination, page aligned
 * @param memsz bytes reserved at {@code mem}; the kernel zero-fills past {@code bufsz}
 * @param flipByteAt test only: the offset of one byte to invert in what is loaded (never in the file), so
 *     that purgatory's digest check fails; empty in every real load
 */
public record KexecSegment(String role, SegmentData data, long mem, long memsz, OptionalLong flipByteAt) {
    public KexecSegment {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(flipByteAt, "flipByteAt");
        if (flipByteAt.isPresent() && (flipByteAt.getAsLong() < 0 || flipByteAt.getAsLong() >= data.length())) {
            throw new IllegalArgumentException(role + ": byte to flip at " + flipByteAt.getAsLong()
                    + " is outside its " + data.length() + " bytes");
        }
    }

    /** Return the entry for a planned segment, loaded as planned. */
    public static KexecSegment of(Segment segment) {
        return new KexecSegment(segment.role(), segment.data(), segment.mem(), segment.memsz(), OptionalLong.empty());
    }

    /** Return the number of bytes copied from the buffer (kexec {@code bufsz}). */
    public long bufsz() {
        return data.length();
    }

    /** Return this entry with the byte in the middle of its data inverted (test only). */
    public KexecSegment corrupted() {
        if (bufsz() == 0) {
            throw new IllegalArgumentException(role + ": has no data bytes to corrupt");
        }
        return new KexecSegment(role, data, mem, memsz, OptionalLong.of(bufsz() / 2));
    }
}
