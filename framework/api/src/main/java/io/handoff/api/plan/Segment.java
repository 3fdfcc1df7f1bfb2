package io.handoff.api.plan;

import java.util.Objects;

/**
 * One placed kexec segment: bytes, physical destination and size in memory.
 *
 * @param role what the segment is ({@code kernel}, {@code initrd}, {@code setup}, {@code elfcorehdr},
 *     {@code backup}, {@code setup-data}, {@code purgatory} …), used for file names and reports
 * @param data the bytes; {@code data.length()} is the kexec {@code bufsz}
 * @param mem physical base, page aligned
 * @param memsz size in memory, page rounded, at least {@code bufsz}; the rest is zero-filled
 * @since 0.1
 */
public record Segment(String role, SegmentData data, long mem, long memsz) {
    public Segment {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(data, "data");
        if (data.length() > memsz) {
            throw new IllegalArgumentException(role + ": bufsz " + data.length() + " > memsz " + memsz);
        }
    }

    /** Return the number of bytes of data (kexec {@code bufsz}). */
    public long bufsz() {
        return data.length();
    }

    /** Return the last byte in memory (inclusive). */
    public long end() {
        return mem + memsz - 1;
    }
}
