package io.handoff.core.digest;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The SHA-256 of one chunk of a segment's data.
 *
 * @param offset offset of the chunk from the start of the segment's data
 * @param length number of bytes in the chunk (the last chunk may be short)
 * @param sha256 the 32-byte digest
 */
public record ChunkDigest(long offset, long length, byte[] sha256) {
    public ChunkDigest {
        sha256 = sha256.clone();
    }

    /** Return a copy of the digest. */
    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** Compare by value, digest bytes included. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkDigest c && c.offset == offset && c.length == length
                && Arrays.equals(c.sha256, sha256);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(offset) + Long.hashCode(length)) + Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return String.format("chunk %#x+%#x %s", offset, length, HexFormat.of().formatHex(sha256));
    }
}
