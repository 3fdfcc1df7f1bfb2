package io.handoff.core.digest;

import java.nio.file.Path;

/**
 * Hears how far {@link SegmentDigester} has read a file, so a command can show progress on a large initrd.
 *
 * <p>Called on the digesting thread after each chunk; an implementation must be quick and must not throw.
 *
 * @since 0.3
 */
@FunctionalInterface
public interface DigestProgress {
    /** Hears nothing. */
    DigestProgress NONE = (role, file, done, total) -> { };

    /**
     * A chunk of a file's data has been read and handed to the hashers.
     *
     * @param role the segment's role ({@code initrd}, {@code kernel} …)
     * @param file the file read
     * @param done bytes of the segment's data read so far
     * @param total bytes of the segment's data in all
     */
    void hashed(String role, Path file, long done, long total);
}
