package io.handoff.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentDigesterTests {
    private static final int CHUNK = 4096;
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path tmp;

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static Segment bytes(String role, byte[] data, long mem, long memsz) {
        return new Segment(role, new SegmentData.Bytes(data), mem, memsz);
    }

    @Nested
    class KnownVectors {
        @ParameterizedTest(name = "\"{0}\"")
        @CsvSource({
            "'',  e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "abc, ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq, "
                + "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        })
        void shortMessages(String message, String sha256) {
            byte[] data = message.getBytes(StandardCharsets.US_ASCII);
            SegmentDigest d = new SegmentDigester(CHUNK, 2).digest(List.of(bytes("x", data, 0x1000, 0x1000))).get(0);
            assertThat(d.sha256Hex()).isEqualTo(sha256);
            if (data.length > 0) {
                assertThat(d.chunks()).singleElement().satisfies(c -> assertThat(HEX.formatHex(c.sha256()))
                        .isEqualTo(sha256));
            } else {
                assertThat(d.chunks()).isEmpty();
            }
        }

        @Test
        void aMillionAsSpanningManyChunksFromAFile() throws IOException {
            byte[] data = new byte[1_000_000];
            Arrays.fill(data, (byte) 'a');
            Path file = tmp.resolve("a.bin");
            Files.write(file, data);
            Segment s = new Segment("initrd", new SegmentData.FileSlice(file, 0, data.length), 0x100000, 0xf5000);
            SegmentDigest d = new SegmentDigester(CHUNK, 4).digest(List.of(s)).get(0);
            assertThat(d.sha256Hex()).isEqualTo("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
            assertThat(d.chunks()).hasSize(245);
            assertThat(d.chunks().get(244).offset()).isEqualTo(244L * CHUNK);
            assertThat(d.chunks().get(244).length()).isEqualTo(1_000_000 - 244L * CHUNK);
            assertThat(d.zeroTailOffset()).isEqualTo(1_000_000);
            assertThat(d.zeroTailLength()).isEqualTo(0xf5000 - 1_000_000);
        }
    }

    @Test
    void recordsTheSegmentAndItsZeroTail() {
        List<SegmentDigest> digests = new SegmentDigester(CHUNK, 2).digest(List.of(
                bytes("elfcorehdr", random(0x400, 1), 0x3df5d000L, 0x4000),
                new Segment("backup", new SegmentData.Zeros(), 0x3df61000L, 0x9f000)));
        SegmentDigest header = digests.get(0);
        assertThat(header.index()).isZero();
        assertThat(header.role()).isEqualTo("elfcorehdr");
        assertThat(header.mem()).isEqualTo(0x3df5d000L);
        assertThat(header.bufsz()).isEqualTo(0x400);
        assertThat(header.memsz()).isEqualTo(0x4000);
        assertThat(header.zeroTailOffset()).isEqualTo(0x400);
        assertThat(header.zeroTailLength()).isEqualTo(0x3c00);
        SegmentDigest backup = digests.get(1);
        assertThat(backup.index()).isEqualTo(1);
        assertThat(backup.chunks()).isEmpty();
        assertThat(backup.sha256Hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(backup.zeroTailOffset()).isZero();
        assertThat(backup.zeroTailLength()).isEqualTo(0x9f000);
    }

    @Nested
    class SingleByteChanges {
        private final byte[] original = random(10 * CHUNK + 123, 7);
        private final SegmentDigester digester = new SegmentDigester(CHUNK, 3);

        @ParameterizedTest(name = "byte {0}")
        @ValueSource(ints = {0, CHUNK - 1, CHUNK, 5 * CHUNK + 17, 10 * CHUNK, 10 * CHUNK + 122})
        void changeExactlyThatChunkAndTheWholeDigest(int position) {
            byte[] changed = original.clone();
            changed[position] ^= 0x01;
            SegmentDigest before = digester.digest(List.of(bytes("kernel", original, 0, 0xb000))).get(0);
            SegmentDigest after = digester.digest(List.of(bytes("kernel", changed, 0, 0xb000))).get(0);
            assertDiffersOnlyInChunk(before, after, position / CHUNK);
        }

        @ParameterizedTest(name = "file byte {0}")
        @ValueSource(ints = {0, CHUNK, 10 * CHUNK + 122})
        void inAFileSliceToo(int position) throws IOException {
            Path file = tmp.resolve("kernel.bin");
            // the slice starts 512 bytes into the file, as a kernel's protected-mode part does
            byte[] content = new byte[512 + original.length + 64];
            System.arraycopy(original, 0, content, 512, original.length);
            Files.write(file, content);
            Segment slice = new Segment("kernel", new SegmentData.FileSlice(file, 512, original.length), 0, 0xb000);
            SegmentDigest before = digester.digest(List.of(slice)).get(0);
            assertThat(before).isEqualTo(digester.digest(List.of(bytes("kernel", original, 0, 0xb000))).get(0));
            content[512 + position] ^= (byte) 0x80;
            Files.write(file, content);
            SegmentDigest after = digester.digest(List.of(slice)).get(0);
            assertDiffersOnlyInChunk(before, after, position / CHUNK);
        }

        private void assertDiffersOnlyInChunk(SegmentDigest before, SegmentDigest after, int chunk) {
            assertThat(after.sha256()).isNotEqualTo(before.sha256());
            assertThat(after.chunks()).hasSameSizeAs(before.chunks());
            for (int i = 0; i < before.chunks().size(); i++) {
                if (i == chunk) {
                    assertThat(after.chunks().get(i)).as("chunk %d", i).isNotEqualTo(before.chunks().get(i));
                } else {
                    assertThat(after.chunks().get(i)).as("chunk %d", i).isEqualTo(before.chunks().get(i));
                }
            }
        }
    }

    @Test
    void parallelResultEqualsSequential() throws IOException {
        Path file = tmp.resolve("initrd.bin");
        Files.write(file, random(300_000, 3));
        List<Segment> segments = List.of(
                bytes("kernel", random(123_457, 1), 0x1000000, 0x20000),
                new Segment("initrd", new SegmentData.FileSlice(file, 1000, 250_000), 0x2000000, 0x3e000),
                new Segment("backup", new SegmentData.Zeros(), 0x3000000, 0x9f000),
                bytes("setup", random(4096, 2), 0x4000000, 0x1000));
        List<SegmentDigest> sequential = new SegmentDigester(CHUNK, 1).digest(segments);
        List<SegmentDigest> parallel = new SegmentDigester(CHUNK, 8).digest(segments);
        assertThat(parallel).isEqualTo(sequential);
        // and a different chunk size leaves the whole-data digests alone
        List<SegmentDigest> bigChunks = new SegmentDigester(SegmentDigester.DEFAULT_CHUNK_SIZE, 4).digest(segments);
        for (int i = 0; i < segments.size(); i++) {
            assertThat(bigChunks.get(i).sha256()).isEqualTo(sequential.get(i).sha256());
        }
    }

    @Test
    void aFileOfManyMoreChunksThanBuffersStreamsThroughThemInOrder() throws IOException {
        // one hashing thread: four chunk buffers carry 1000 chunks, each reused about 250 times
        byte[] data = random(1000 * CHUNK - 5, 11);
        Path file = tmp.resolve("big-initrd");
        Files.write(file, data);
        SegmentDigester digester = new SegmentDigester(CHUNK, 1);
        SegmentDigest streamed = digester.digest(List.of(
                new Segment("initrd", new SegmentData.FileSlice(file, 0, data.length), 0, 1000 * CHUNK))).get(0);
        SegmentDigest inMemory = digester.digest(List.of(bytes("initrd", data, 0, 1000 * CHUNK))).get(0);
        assertThat(streamed).isEqualTo(inMemory);
        assertThat(streamed.chunks()).hasSize(1000);
        assertThat(streamed.chunks().get(999).length()).isEqualTo(CHUNK - 5);
    }

    @Nested
    class UnreadableFiles {
        @Test
        void aMissingFileIsNamed() {
            Path missing = tmp.resolve("no-such-initrd");
            Segment s = new Segment("initrd", new SegmentData.FileSlice(missing, 0, 10), 0, 0x1000);
            assertThatThrownBy(() -> new SegmentDigester(CHUNK, 2).digest(List.of(s)))
                    .isInstanceOf(HandoffException.class)
                    .hasMessageStartingWith(missing + ": cannot read initrd data")
                    .satisfies(e -> assertThat(((HandoffException) e).kind()).isEqualTo(FailureKind.UNREADABLE_FILE));
        }

        @Test
        void aSlicePastTheEndOfTheFileIsNamed() throws IOException {
            Path file = tmp.resolve("short");
            Files.write(file, new byte[100]);
            Segment s = new Segment("kernel", new SegmentData.FileSlice(file, 50, 60), 0, 0x1000);
            assertThatThrownBy(() -> new SegmentDigester(CHUNK, 2).digest(List.of(s)))
                    .isInstanceOf(HandoffException.class)
                    .hasMessage(file + ": kernel data 0x32+0x3c ends past the end of the file (0x64 bytes)")
                    .satisfies(e -> assertThat(((HandoffException) e).kind()).isEqualTo(FailureKind.UNREADABLE_FILE));
        }
    }

    @Test
    void rejectsNonPositiveSettings() {
        assertThatThrownBy(() -> new SegmentDigester(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SegmentDigester(CHUNK, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
