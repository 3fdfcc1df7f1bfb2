package io.handoff.platforms.x86_64;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.CaptureMemoryMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class E820TableTests {
    @TempDir
    Path dir;

    ZeroPage zeroPage() {
        return ZeroPage.create(BzImageParser.parse(new SyntheticBzImage().write(dir.resolve("k"))), "",
                Optional.empty());
    }

    @Nested
    class Entries {
        @Test
        void encodeAsTwentyLittleEndianBytes() {
            ByteBuffer out = ByteBuffer.allocate(20);

            new E820Entry(0x0000_00FD_0000_0000L, 0x3_0000_0000L, E820Entry.RESERVED).encode(out);

            assertThat(out.position()).isEqualTo(20);
            assertThat(HexFormat.of().formatHex(out.array()))
                    .isEqualTo("00000000fd000000" + "0000000003000000" + "02000000");
        }

        @ParameterizedTest
        @CsvSource({"RAM,1", "RESERVED,2", "ACPI,3", "ACPI_NVS,4", "PMEM,7", "PRAM,12", "UNCACHED,2", "OTHER,2"})
        void mapRangeTypesAsKexecTools(RangeType type, int e820) {
            assertThat(E820Entry.of(new MemoryRange(0x1000, 0x1FFF, type)))
                    .isEqualTo(new E820Entry(0x1000, 0x1000, e820));
        }
    }

    @Nested
    class InTheZeroPage {
        @Test
        void storesCountAndEntries() {
            ZeroPage page = zeroPage();
            E820Table table = new E820Table(List.of(new E820Entry(0, 0x9FC00, 1), new E820Entry(0x9FC00, 0x400, 2)));

            table.writeTo(page);

            byte[] bytes = page.bytes();
            assertThat(bytes[0x1E8]).isEqualTo((byte) 2);
            assertThat(HexFormat.of().formatHex(bytes, 0x2D0, 0x2D0 + 40)).isEqualTo(
                    "0000000000000000" + "00fc090000000000" + "01000000"
                            + "00fc090000000000" + "0004000000000000" + "02000000");
            assertThat(Arrays.copyOfRange(bytes, 0x2D0 + 40, 0x2D0 + 128 * 20)).containsOnly(0);
            assertThat(page.pendingSetupData()).isEmpty();
        }

        @Test
        void setsMemorySizesFromTheRamEntryStraddlingOneMegabyte() {
            ZeroPage page = zeroPage();

            new E820Table(List.of(new E820Entry(0x100000, 0x3FEE0000L, 1))).writeTo(page); // to 0x3ffdffff
            ByteBuffer b = page.block();

            long memK = (0x3FFDFFFFL >> 10) - 1024; // 1047423 KiB above 1 MiB
            assertThat(Short.toUnsignedInt(b.getShort(0x002))).isEqualTo(0xFC00); // capped at 64 MiB
            assertThat(Integer.toUnsignedLong(b.getInt(0x1E0))).isEqualTo(memK);
        }

        @Test
        void leavesMemorySizesZeroWhenNoRamStraddlesOneMegabyte() {
            ZeroPage page = zeroPage();

            E820Table.of(CrashMemoryTests.qemu().captureMap(CrashMemoryTests.BACKUP_COPY,
                    CrashMemoryTests.ELF_HEADER, 0x4000)).writeTo(page);

            assertThat(page.block().getShort(0x002)).isZero();
            assertThat(page.block().getInt(0x1E0)).isZero();
            assertThat(page.bytes()[0x1E8]).isEqualTo((byte) 9);
        }

        @Test
        void putsEntriesPast128InASetupE820ExtNode() {
            List<MemoryRange> ranges = new ArrayList<>();
            for (int i = 0; i < 130; i++) {
                ranges.add(MemoryRange.ofSize(0x100000L * i, 0x80000, i % 2 == 0 ? RangeType.RAM : RangeType.ACPI));
            }
            ZeroPage page = zeroPage();

            E820Table.of(new CaptureMemoryMap(ranges)).writeTo(page);

            assertThat(Byte.toUnsignedInt(page.bytes()[0x1E8])).isEqualTo(128);
            ByteBuffer b = page.block();
            assertThat(b.getLong(0x2D0 + 127 * 20)).isEqualTo(0x100000L * 127);
            assertThat(b.getInt(0x2D0 + 127 * 20 + 16)).isEqualTo(3);
            assertThat(page.pendingSetupData()).hasSize(1);
            SetupData ext = page.pendingSetupData().get(0);
            assertThat(ext.type()).isEqualTo(E820Table.SETUP_E820_EXT);
            ByteBuffer payload = ByteBuffer.wrap(ext.payload()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(payload.capacity()).isEqualTo(40);
            assertThat(payload.getLong(0)).isEqualTo(0x100000L * 128);
            assertThat(payload.getLong(8)).isEqualTo(0x80000);
            assertThat(payload.getInt(16)).isEqualTo(1);
            assertThat(payload.getLong(20)).isEqualTo(0x100000L * 129);
            assertThat(payload.getInt(36)).isEqualTo(3);
        }

        @Test
        void clearsAnEarlierLongerTable() {
            ZeroPage page = zeroPage();
            new E820Table(List.of(new E820Entry(0, 0x1000, 1), new E820Entry(0x2000, 0x1000, 2))).writeTo(page);

            new E820Table(List.of(new E820Entry(0x4000, 0x1000, 1))).writeTo(page);

            assertThat(page.bytes()[0x1E8]).isEqualTo((byte) 1);
            assertThat(Arrays.copyOfRange(page.bytes(), 0x2D0 + 20, 0x2D0 + 40)).containsOnly(0);
        }
    }

    @Nested
    class Passing {
        @Test
        void e820PassingWritesTheCaptureMapIntoTheZeroPage() {
            CaptureMemoryMap map = CrashMemoryTests.qemu().captureMap(CrashMemoryTests.BACKUP_COPY,
                    CrashMemoryTests.ELF_HEADER, 0x4000);
            ZeroPage page = zeroPage();

            new E820Passing().pass(map, page);

            ByteBuffer b = page.block();
            assertThat(page.bytes()[0x1E8]).isEqualTo((byte) 9);
            long[][] expected = {
                {0x0, 0x1000, 2}, {0x1000, 0x9EC00, 1}, {0x9FC00, 0x400, 2}, {0xF0000, 0x10000, 2},
                {0x2E000000L, 0xFF5D000L, 1}, {0x3DFFFC00L, 0x400, 1}, {0x3FFE0000L, 0x20000, 2},
                {0xFFFC0000L, 0x40000, 2}, {0xFD00000000L, 0x300000000L, 2}};
            for (int i = 0; i < expected.length; i++) {
                int at = 0x2D0 + i * 20;
                assertThat(new long[] {b.getLong(at), b.getLong(at + 8), b.getInt(at + 16)})
                        .as("entry %d", i).containsExactly(expected[i]);
            }
            assertThat(page.commandLine()).isEmpty();
        }

        @Test
        void hasTheIdUsedInConfiguration() {
            assertThat(new E820Passing().id()).isEqualTo("e820");
        }
    }
}
