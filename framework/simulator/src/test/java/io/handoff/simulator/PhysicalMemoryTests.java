package io.handoff.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.core.digest.DigestVerifier;
import io.handoff.core.digest.SegmentDigester;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhysicalMemoryTests {
    @TempDir
    Path tmp;

    @Nested
    class Sparse {
        @Test
        void untouchedMemoryReadsZeroAndAllocatesNothing() {
            PhysicalMemory m = new PhysicalMemory();
            assertThat(m.bytes(0x3000_0000L, 10_000)).containsOnly(0);
            assertThat(m.readByte(0xFFFF_FFFF_FFFF_FFFFL)).isZero();
            assertThat(m.pagesAllocated()).isZero();
        }

        @Test
        void writingZerosToUntouchedPagesKeepsThemUnallocated() {
            PhysicalMemory m = new PhysicalMemory();
            m.write(0x10_0000, new byte[3 * PhysicalMemory.PAGE_SIZE], 0, 3 * PhysicalMemory.PAGE_SIZE);
            assertThat(m.pagesAllocated()).isZero();
        }

        @Test
        void aWriteAcrossAPageBoundaryAllocatesBothPagesAndReadsBack() {
            PhysicalMemory m = new PhysicalMemory();
            byte[] data = {1, 2, 3, 4, 5, 6};
            m.write(0x1FFD, data, 0, data.length);
            assertThat(m.pagesAllocated()).isEqualTo(2);
            assertThat(m.bytes(0x1FFC, 8)).containsExactly(0, 1, 2, 3, 4, 5, 6, 0);
            assertThat(m.read(0x1FFD, 6).array()).containsExactly(data);
        }

        @Test
        void addressesAbove4GiBAndNearTheTopOf64BitsWork() {
            PhysicalMemory m = new PhysicalMemory();
            m.writeByte(0x1_2345_6789L, 0xAB);
            m.writeByte(0xFFFF_FFFF_FFFF_F000L, 0xCD);
            assertThat(m.readByte(0x1_2345_6789L)).isEqualTo(0xAB);
            assertThat(m.readByte(0xFFFF_FFFF_FFFF_F000L)).isEqualTo(0xCD);
            assertThat(m.readByte(0x2345_6789L)).isZero();
        }
    }

    @Nested
    class Load {
        @Test
        void copiesBytesAndStreamsFileSlicesAndLeavesTheTailZero() throws IOException {
            byte[] file = new byte[300_000];
            for (int i = 0; i < file.length; i++) {
                file[i] = (byte) (i * 7 + 3);
            }
            Path kernel = Files.write(tmp.resolve("k"), file);
            PhysicalMemory m = new PhysicalMemory();
            m.writeByte(0x20_0000 + 200_000, 0x55); // garbage where the kernel's tail will be
            Segment k = new Segment("kernel", new SegmentData.FileSlice(kernel, 1000, 150_000), 0x20_0000, 0x40_000);
            Segment boot = new Segment("setup", new SegmentData.Bytes(new byte[] {9, 8, 7}), 0x9_0000, 0x1000);
            m.load(List.of(boot, k));
            assertThat(m.bytes(0x20_0000, 4)).containsExactly(file[1000], file[1001], file[1002], file[1003]);
            assertThat(m.readByte(0x20_0000 + 149_999)).isEqualTo(file[1000 + 149_999] & 0xFF);
            assertThat(m.readByte(0x20_0000 + 150_000)).isZero();
            assertThat(m.readByte(0x20_0000 + 200_000)).as("the zero tail is cleared").isZero();
            assertThat(m.bytes(0x9_0000, 4)).containsExactly(9, 8, 7, 0);
        }

        @Test
        void theLoadedImageMatchesThePlannersDigestsAndAFlippedByteIsFound() throws IOException {
            byte[] file = new byte[70_000];
            new java.util.Random(1).nextBytes(file);
            Path kernel = Files.write(tmp.resolve("k"), file);
            List<Segment> segments = List.of(new Segment("kernel", new SegmentData.FileSlice(kernel, 0, file.length),
                    0x100_0000, 0x2_0000));
            var digests = new SegmentDigester(4096, 1).digest(segments);
            PhysicalMemory m = new PhysicalMemory();
            m.load(segments);
            assertThat(DigestVerifier.verifyAll(digests, m)).isEmpty();
            m.writeByte(0x100_0000 + 70_001, 1);
            assertThat(DigestVerifier.verifyAll(digests, m)).get().asString().contains("zero-tail byte at 0x1011171");
        }

        @Test
        void aTruncatedFileFailsNamingTheFile() throws IOException {
            Path kernel = Files.write(tmp.resolve("short"), new byte[100]);
            PhysicalMemory m = new PhysicalMemory();
            Segment k = new Segment("kernel", new SegmentData.FileSlice(kernel, 0, 5000), 0x10_0000, 0x2000);
            assertThatThrownBy(() -> m.load(List.of(k))).isInstanceOf(HandoffException.class)
                    .hasMessageContaining(kernel.toString()).hasMessageContaining("ends at offset 0x64")
                    .extracting(e -> ((HandoffException) e).kind()).isEqualTo(FailureKind.UNREADABLE_FILE);
        }
    }
}
