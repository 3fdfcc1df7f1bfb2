package io.handoff.core.digest;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DigestVerifierTests {
    private static final int CHUNK = 4096;
    private static final int MEMORY = 0x40000;

    @TempDir
    Path tmp;

    private List<Segment> segments;
    private List<SegmentDigest> digests;
    private byte[] memory;

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    @BeforeEach
    void load() throws IOException {
        Path kernel = tmp.resolve("kernel");
        Files.write(kernel, random(0x9000, 5));
        segments = List.of(
                new Segment("kernel", new SegmentData.FileSlice(kernel, 0x200, 0x8000), 0x10000, 0xa000),
                new Segment("setup", new SegmentData.Bytes(random(0x1234, 6)), 0x20000, 0x2000),
                new Segment("backup", new SegmentData.Zeros(), 0x30000, 0x3000));
        digests = new SegmentDigester(CHUNK, 4).digest(segments);
        memory = new byte[MEMORY];
        // what the loader leaves: the data, then zeros up to memsz; the rest of memory is garbage
        new Random(9).nextBytes(memory);
        for (Segment s : segments) {
            byte[] data = dataOf(s);
            System.arraycopy(data, 0, memory, (int) s.mem(), data.length);
            for (long a = s.mem() + data.length; a <= s.end(); a++) {
                memory[(int) a] = 0;
            }
        }
    }

    private static byte[] dataOf(Segment s) throws IOException {
        if (s.data() instanceof SegmentData.Bytes b) {
            return b.data();
        }
        if (s.data() instanceof SegmentData.FileSlice f) {
            byte[] all = Files.readAllBytes(f.file());
            byte[] out = new byte[(int) f.length()];
            System.arraycopy(all, (int) f.offset(), out, 0, out.length);
            return out;
        }
        return new byte[0];
    }

    private PhysicalMemory image() {
        return (address, length) -> ByteBuffer.wrap(memory, (int) address, length).slice().asReadOnlyBuffer();
    }

    @Test
    void intactMemoryVerifies() {
        assertThat(DigestVerifier.verifyAll(digests, image())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "0x10000 | segment 0 (kernel): chunk 0 at 0x10000 (0x1000 bytes) does not match its digest",
        "0x10fff | segment 0 (kernel): chunk 0 at 0x10000 (0x1000 bytes) does not match its digest",
        "0x11000 | segment 0 (kernel): chunk 1 at 0x11000 (0x1000 bytes) does not match its digest",
        "0x17fff | segment 0 (kernel): chunk 7 at 0x17000 (0x1000 bytes) does not match its digest",
        "0x21233 | segment 1 (setup): chunk 1 at 0x21000 (0x234 bytes) does not match its digest",
        "0x18000 | segment 0 (kernel): zero-tail byte at 0x18000 is 0x01, not zero",
        "0x19fff | segment 0 (kernel): zero-tail byte at 0x19fff is 0x01, not zero",
        "0x21234 | segment 1 (setup): zero-tail byte at 0x21234 is 0x01, not zero",
        "0x32fff | segment 2 (backup): zero-tail byte at 0x32fff is 0x01, not zero",
    })
    void everySingleByteCorruptionIsReportedWhereItIs(String address, String expected) {
        memory[Integer.decode(address)] ^= 0x01;
        assertThat(DigestVerifier.verifyAll(digests, image())).contains(expected);
    }

    @Test
    void bytesOutsideTheSegmentsAreNotChecked() {
        memory[0x1a000] ^= 0x01;
        memory[0x33000] ^= 0x01;
        assertThat(DigestVerifier.verifyAll(digests, image())).isEmpty();
    }

    @Test
    void aTableThatDisagreesWithItsChunksIsCaught() {
        SegmentDigest d = digests.get(1);
        SegmentDigest forged = new SegmentDigest(d.index(), d.role(), d.mem(), d.bufsz(), d.memsz(), new byte[32],
                d.chunks(), d.zeroTailOffset(), d.zeroTailLength());
        assertThat(DigestVerifier.verify(forged, image())).hasValueSatisfying(
                m -> assertThat(m).startsWith("segment 1 (setup): data at 0x20000 (0x1234 bytes) hashes to "));
    }
}
