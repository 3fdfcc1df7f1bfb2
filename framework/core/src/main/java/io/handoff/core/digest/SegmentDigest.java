package io.handoff.core.digest;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What purgatory checks for one segment: per-chunk digests of its data and the zero tail's extent.
 *
 * <p>The tail ({@code memsz - bufsz} bytes after the data) is recorded as offset and length only:
 * purgatory compares it with zero, which detects every corruption a hash would, faster.
 *
 * @param index position of the segment in the list given to the digester
 * @param role the segment's role
 * @param mem the segment's physical base
 * @param bufsz bytes of data
 * @param memsz bytes in memory
 * @param sha256 SHA-256 of the {@code bufsz} bytes of data
 * @param chunks the per-chunk digests covering the data in order (none when there is no data)
 * @param zeroTailOffset offset of the zero tail from {@code mem} (equals {@code bufsz})
 * @param zeroTailLength length of the zero tail ({@code memsz - bufsz})
 */
public record SegmentDigest(int index, String role, long mem, long bufsz, long memsz, byte[] sha256,
                            List<ChunkDigest> chunks, long zeroTailOffset, long zeroTailLength) {
    public SegmentDigest {
        Objects.requireNonNull(role, "role");
        sha256 = sha256.clone();
        chunks = List.copyOf(chunks);
    }

    /** Return a copy of the whole-data digest. */
    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** Return the whole-data digest in lower-case hex. */
    public String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }

    /** Compare by value, digest bytes included. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentDigest d && d.index == index && d.role.equals(role) && d.mem == mem
                && d.bufsz == bufsz && d.memsz == memsz && Arrays.equals(d.sha256, sha256)
                && d.chunks.equals(chunks) && d.zeroTailOffset == zeroTailOffset
                && d.zeroTailLength == zeroTailLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, role, mem, bufsz, memsz, Arrays.hashCode(sha256), chunks, zeroTailOffset,
                zeroTailLength);
    }

    @Override
    public String toString() {
        return String.format("segment %d %s mem=%#x bufsz=%#x memsz=%#x sha256=%s chunks=%d tail=%#x+%#x", index,
                role, mem, bufsz, memsz, sha256Hex(), chunks.size(), zeroTailOffset, zeroTailLength);
    }
}
