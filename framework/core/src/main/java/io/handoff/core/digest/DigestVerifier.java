package io.handoff.core.digest;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Purgatory's digest check, modelled in Java: re-reads a memory image and reports the first corruption.
 *
 * <p>For each segment it hashes every chunk in memory and compares it with the recorded digest, checks
 * the whole-data digest, then compares the zero tail with zero byte by byte. The first mismatch is
 * reported as one line naming the segment, the address and what differs.
 */
public final class DigestVerifier {
    /** Bytes of zero tail read at a time. */
    private static final int TAIL_BLOCK = 1 << 16;

    private DigestVerifier() {
    }

    /** Verify every segment in order; return the first problem, or empty when memory matches. */
    public static Optional<String> verifyAll(List<SegmentDigest> digests, PhysicalMemory memory) {
        for (SegmentDigest d : digests) {
            Optional<String> problem = verify(d, memory);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /** Verify one segment against memory; return the first problem, or empty when it matches. */
    public static Optional<String> verify(SegmentDigest d, PhysicalMemory memory) {
        MessageDigest whole = SegmentDigester.newSha256();
        for (int i = 0; i < d.chunks().size(); i++) {
            ChunkDigest chunk = d.chunks().get(i);
            ByteBuffer bytes = memory.read(d.mem() + chunk.offset(), Math.toIntExact(chunk.length()));
            MessageDigest md = SegmentDigester.newSha256();
            md.update(bytes.duplicate());
            whole.update(bytes);
            if (!Arrays.equals(md.digest(), chunk.sha256())) {
                return Optional.of(String.format(
                        "segment %d (%s): chunk %d at %#x (%#x bytes) does not match its digest",
                        d.index(), d.role(), i, d.mem() + chunk.offset(), chunk.length()));
            }
        }
        byte[] actual = whole.digest();
        if (!Arrays.equals(actual, d.sha256())) {
            return Optional.of(String.format("segment %d (%s): data at %#x (%#x bytes) hashes to %s, expected %s",
                    d.index(), d.role(), d.mem(), d.bufsz(), HexFormat.of().formatHex(actual), d.sha256Hex()));
        }
        long tail = d.mem() + d.zeroTailOffset();
        for (long done = 0; done < d.zeroTailLength(); done += TAIL_BLOCK) {
            int length = (int) Math.min(TAIL_BLOCK, d.zeroTailLength() - done);
            ByteBuffer bytes = memory.read(tail + done, length);
            for (int j = 0; j < length; j++) {
                byte b = bytes.get(bytes.position() + j);
                if (b != 0) {
                    return Optional.of(String.format("segment %d (%s): zero-tail byte at %#x is %#04x, not zero",
                            d.index(), d.role(), tail + done + j, b & 0xff));
                }
            }
        }
        return Optional.empty();
    }
}
