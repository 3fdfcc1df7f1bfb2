package io.handoff.platforms.x86_64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.CaptureMemoryMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CmdlinePassingTests {
    @TempDir
    Path dir;

    ZeroPage zeroPage(String commandLine, long cmdlineSize) {
        BzImage image = BzImageParser.parse(new SyntheticBzImage().u32(0x238, cmdlineSize).write(dir.resolve("k")));
        return ZeroPage.create(image, commandLine, Optional.empty());
    }

    static CaptureMemoryMap map(MemoryRange... ranges) {
        return new CaptureMemoryMap(List.of(ranges));
    }

    @Test
    void hasTheIdUsedInConfiguration() {
        assertThat(new CmdlinePassing().id()).isEqualTo("cmdline");
    }

    @Nested
    class QemuGuest {
        @Test
        void appendsWhatKexecToolsPassMemmapCmdlineAppends() {
            CaptureMemoryMap map = CrashMemoryTests.qemu().captureMap(CrashMemoryTests.BACKUP_COPY,
                    CrashMemoryTests.ELF_HEADER, 0x4000);
            ZeroPage target = zeroPage("console=ttyS0 elfcorehdr=1015156K", 2047);

            new CmdlinePassing().pass(map, target);

            // 0x1000-0x9fbff: 4K..639K; 0x2e000000-0x3df5cfff: 753664K..1015156K; the 1 KiB tail and the
            // reserved ranges are not emitted
            assertThat(target.commandLine()).isEqualTo("console=ttyS0 elfcorehdr=1015156K memmap=exactmap"
                    + " memmap=635K@4K memmap=261492K@753664K");
        }
    }

    @Nested
    class Encoding {
        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                RAM                          | RAM      | 0x100000 | 0x1fffff | memmap=1024K@1024K
                RAM under 100 KiB is skipped | RAM      | 0x100000 | 0x118bff |
                RAM of exactly 100 KiB       | RAM      | 0x100000 | 0x118fff | memmap=100K@1024K
                ACPI, end rounded up         | ACPI     | 0x7ffe0000 | 0x7ffe1233 | memmap=5K#2097024K
                ACPI start truncated         | ACPI     | 0x7ffe0200 | 0x7ffe03ff | memmap=1K#2097024K
                NVS                          | ACPI_NVS | 0xfeffc000 | 0xfeffffff | memmap=16K#4177904K
                legacy persistent memory     | PRAM     | 0x100000000 | 0x13fffffff | memmap=1048576K!4194304K
                reserved is not emitted      | RESERVED | 0xfffc0000 | 0xffffffff |
                persistent memory is not emitted | PMEM | 0x200000000 | 0x2ffffffff |
                """)
        void writesOneWordPerRange(String what, RangeType type, String start, String end, String word) {
            MemoryRange range = new MemoryRange(Long.decode(start), Long.decode(end), type);

            List<String> expected = new ArrayList<>(List.of("memmap=exactmap"));
            if (word != null) {
                expected.add(word);
            }
            assertThat(CmdlinePassing.words(map(range))).containsExactlyElementsOf(expected);
        }

        @Test
        void skipsRamJustUnder100KiBButKeepsRamOf100KiB() {
            assertThat(CmdlinePassing.words(map(new MemoryRange(0x100000, 0x100000 + 99 * 1024 - 1, RangeType.RAM),
                    new MemoryRange(0x200000, 0x200000 + 100 * 1024 - 1, RangeType.RAM))))
                    .containsExactly("memmap=exactmap", "memmap=100K@2048K");
        }

        @Test
        void appendsToAnEmptyCommandLineWithoutALeadingSpace() {
            // kexec-tools starts such a line with a space; it cannot plan a kdump without --append at all
            ZeroPage target = zeroPage("", 2047);

            new CmdlinePassing().pass(map(new MemoryRange(0x100000, 0x1FFFFF, RangeType.RAM)), target);

            assertThat(target.commandLine()).isEqualTo("memmap=exactmap memmap=1024K@1024K");
        }
    }

    @Nested
    class Limit {
        @Test
        void refusesALineOverTheKernelsLimitAndLeavesItUnchanged() {
            List<MemoryRange> ranges = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ranges.add(MemoryRange.ofSize(0x1000_0000L * (i + 1), 0x100_0000, RangeType.RAM));
            }
            ZeroPage target = zeroPage("console=ttyS0", 100);

            assertThatThrownBy(() -> new CmdlinePassing().pass(new CaptureMemoryMap(ranges), target))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.COMMAND_LINE_TOO_LONG))
                    .hasMessage("memmap=cmdline: command line is 256 bytes with memmap= for 10 ranges; this kernel "
                            + "takes at most 100 (use memmap = e820)");
            assertThat(target.commandLine()).isEqualTo("console=ttyS0");
        }

        @Test
        void acceptsALineOfExactlyTheLimit() {
            String words = " memmap=exactmap memmap=1024K@1024K";
            ZeroPage target = zeroPage("x".repeat(100 - words.length()), 100);

            new CmdlinePassing().pass(map(new MemoryRange(0x100000, 0x1FFFFF, RangeType.RAM)), target);

            assertThat(target.commandLine()).hasSize(100).endsWith(words);
        }
    }
}
