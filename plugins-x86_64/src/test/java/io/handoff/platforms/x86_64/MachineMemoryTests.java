package io.handoff.platforms.x86_64;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.core.system.IomemParser;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The machine's memory read from /proc/iomem when the kernel exports no firmware map, as kexec-tools reads it. */
class MachineMemoryTests {
    static List<MemoryRange> read(String text) {
        Iomem iomem = IomemParser.parse(text, "/proc/iomem");
        return X86_64Platform.iomemMemory(iomem);
    }

    @Nested
    class EveryLine {
        @Test
        void atAnyDepthInFileOrderOverlapsKept() {
            // a VMware-like file: reserved nested under the PCI MMCONFIG window, and RAM and reserved overlapping
            assertThat(read("""
                    00000000-00000fff : Reserved
                    00001000-0009ffff : System RAM
                    00100000-bfffffff : System RAM
                      01000000-01ffffff : Kernel code
                      bff00000-bfffffff : reserved
                    e0000000-efffffff : PCI MMCONFIG 0000 [bus 00-ff]
                      e0000000-efffffff : Reserved
                    """)).containsExactly(
                    new MemoryRange(0, 0xfff, RangeType.RESERVED),
                    new MemoryRange(0x1000, 0x9ffff, RangeType.RAM),
                    new MemoryRange(0x100000, 0xbfffffffL, RangeType.RAM),
                    new MemoryRange(0xbff00000L, 0xbfffffffL, RangeType.RESERVED),
                    new MemoryRange(0xe0000000L, 0xefffffffL, RangeType.RESERVED));
        }

        @ParameterizedTest(name = "\"{0}\"")
        @CsvSource(delimiter = '|', value = {
            "System RAM | RAM",
            "reserved | RESERVED",
            "RESERVED | RESERVED",
            "ACPI Tables | ACPI",
            "ACPI Non-volatile Storage | ACPI_NVS",
            "Persistent Memory (legacy) | PRAM",
            "Persistent Memory | PMEM",
            "System RAM (kmem) | ",
            "System RAM (virtio_mem) | ",
            "Crash kernel | ",
            "Reserved for the BIOS | ",
        })
        void byWholeNameAsKexecToolsMatchesIt(String name, RangeType type) {
            List<MemoryRange> ranges = read("00100000-001fffff : " + name + "\n");
            if (type == null) {
                assertThat(ranges).isEmpty();
            } else {
                assertThat(ranges).containsExactly(new MemoryRange(0x100000, 0x1fffff, type));
            }
        }

        @Test
        void onlyTheFirstKexecToolsLimitOfThem() {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < X86_64Platform.MAX_MEMORY_RANGES + 5; i++) {
                text.append(String.format("%x-%x : System RAM%n", (long) i << 20, ((long) i << 20) + 0xfffff));
            }
            List<MemoryRange> ranges = read(text.toString());
            assertThat(ranges).hasSize(X86_64Platform.MAX_MEMORY_RANGES);
            assertThat(ranges.get(ranges.size() - 1).start()).isEqualTo((long) (X86_64Platform.MAX_MEMORY_RANGES - 1) << 20);
        }
    }
}
