package io.handoff.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.plan.SegmentData;
import io.handoff.core.plan.HandoffImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code struct kexec_segment} array built from a plan.
 */
class KexecSegmentsTests {
    @TempDir
    Path dir;

    @Nested
    class FromAPlan {
        @Test
        void oneEntryPerSegmentWithThePlannedAddressesAndSizes() throws IOException {
            HandoffImage image = TestImages.kdump(dir, true);

            List<KexecSegment> s = KexecSegments.of(image);

            assertThat(s).extracting(KexecSegment::role)
                    .containsExactly("kernel", "setup", "purgatory", "elfcorehdr", "backup");
            assertThat(s).extracting(KexecSegment::mem)
                    .containsExactly(0x39e00000L, 0x3df4e000L, 0x3df54000L, 0x3df5d000L, 0x3df61000L);
            assertThat(s).extracting(KexecSegment::memsz)
                    .containsExactly(0x3f98000L, 0x6000L, 0x9000L, 0x4000L, 0x9f000L);
            assertThat(s).extracting(KexecSegment::bufsz).containsExactly(0x4000L, 0x50a5L, 0x70e0L, 0x400L, 0L);
            assertThat(s).allSatisfy(e -> assertThat(e.flipByteAt()).isEmpty());
            assertThat(s.get(0).data()).isInstanceOf(SegmentData.FileSlice.class);
        }

        @Test
        void theFlagsAreOnCrashAndTheX86_64Architecture() throws IOException {
            HandoffImage image = TestImages.kdump(dir, true);

            assertThat(image.kexecFlags()).isEqualTo(KexecFlags.KEXEC_ON_CRASH | KexecFlags.arch(62)).isEqualTo(0x3e0001L);
        }
    }

    @Nested
    class Encoding {
        @Test
        void fourWordsPerSegmentBufBufszMemMemsz() throws IOException {
            List<KexecSegment> s = KexecSegments.of(TestImages.kdump(dir, true));

            byte[] bytes = KexecSegments.encode(s, i -> 0x7f0000000000L + i * 0x100000L);

            assertThat(bytes).hasSize(5 * 32);
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(new long[] {b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24)})
                    .containsExactly(0x7f0000000000L, 0x4000L, 0x39e00000L, 0x3f98000L);
            assertThat(new long[] {b.getLong(64), b.getLong(72), b.getLong(80), b.getLong(88)})
                    .containsExactly(0x7f0000200000L, 0x70e0L, 0x3df54000L, 0x9000L);
        }

        @Test
        void aSegmentWithoutDataHasANullBuffer() throws IOException {
            List<KexecSegment> s = KexecSegments.of(TestImages.kdump(dir, true));

            ByteBuffer b = ByteBuffer.wrap(KexecSegments.encode(s, i -> 0x1000L)).order(ByteOrder.LITTLE_ENDIAN);

            assertThat(new long[] {b.getLong(128), b.getLong(136), b.getLong(144), b.getLong(152)})
                    .containsExactly(0L, 0L, 0x3df61000L, 0x9f000L);
        }

        @Test
        void noSegmentsIsAnEmptyArray() {
            assertThat(KexecSegments.encode(List.of(), i -> 1)).isEmpty();
        }
    }

    @Nested
    class Table {
        @Test
        void describesEverySegmentOnOneLine() throws IOException {
            String t = KexecSegments.table(KexecSegments.of(TestImages.kdump(dir, false)));

            assertThat(t).doesNotContain("\n").startsWith("#0 kernel mem=0x39e00000 memsz=0x3f98000 bufsz=0x4000; ")
                    .endsWith("#3 backup mem=0x3df61000 memsz=0x9f000 bufsz=0x0");
        }
    }

    @Nested
    class Corruption {
        @Test
        void flipsTheMiddleByteOfTheData() throws IOException {
            KexecSegment kernel = KexecSegments.of(TestImages.kdump(dir, true)).get(0);

            assertThat(kernel.corrupted().flipByteAt()).hasValue(0x2000L);
        }

        @Test
        void aSegmentWithoutDataCannotBeCorrupted() throws IOException {
            KexecSegment backup = KexecSegments.of(TestImages.kdump(dir, true)).get(4);

            assertThatThrownBy(backup::corrupted).hasMessageContaining("backup: has no data bytes");
        }
    }
}
