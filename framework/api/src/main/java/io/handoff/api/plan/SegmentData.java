package io.handoff.api.plan;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The bytes of a segment: a small buffer built in memory, or a slice of a file that is streamed.
 *
 * <p>Kernels and initrds are {@link FileSlice}s: they are memory-mapped for hashing and copied by
 * streaming, never held in the heap. Framework-owned, hence sealed.
 *
 * @since 0.1
 */
public sealed interface SegmentData {
    /** Return the number of bytes (the segment's {@code bufsz}). */
    long length();

    /** Bytes built in memory (zero page, ELF core header, purgatory). */
    record Bytes(byte[] data) implements SegmentData {
        public Bytes {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public long length() {
            return data.length;
        }
    }

    /** A slice of a file, read when needed. */
    record FileSlice(Path file, long offset, long length) implements SegmentData {
        public FileSlice {
            Objects.requireNonNull(file, "file");
            if (offset < 0 || length < 0) {
                throw new IllegalArgumentException("negative offset or length");
            }
        }
    }

    /** No bytes at all: the segment is zero-filled up to its memsz (a backup area). */
    record Zeros() implements SegmentData {
        @Override
        public long length() {
            return 0;
        }
    }
}
