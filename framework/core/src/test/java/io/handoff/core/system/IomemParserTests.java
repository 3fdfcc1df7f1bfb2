package io.handoff.core.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.IomemEntry;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.core.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IomemParserTests {
    private static final String IOMEM = "/proc/iomem";

    static Iomem fixture(String name) throws IOException {
        return IomemParser.parse(Files.readString(Fixtures.fixtures().resolve("iomem").resolve(name)), IOMEM);
    }

    static Iomem profile() throws IOException {
        return IomemParser.parse(Files.readString(Fixtures.profile("qemu-pc-x86_64-1g").resolve("proc/iomem")),
                IOMEM);
    }

    static List<IomemEntry> ram(Iomem iomem) {
        return iomem.all().stream().filter(e -> e.type() == RangeType.RAM).toList();
    }

    @Nested
    class RealFixtures {
        @ParameterizedTest(name = "{0}")
        @CsvSource({
            // file,                                  lines, roots, RAM ranges, crash regions
            "firecracker-24g-no-crashkernel.txt,      27,    9,     3,          0",
            "hyperv-gen2-unknown-e820-type.txt,       24,    19,    5,          0",
            "hyperv-gen2-vm-coreos.txt,               20,    15,    6,          0",
            "qemu-pc-1g-inside-kdump-kernel.txt,      30,    20,    3,          0",
            "qemu-pc-1g-nokaslr.txt,                  28,    17,    2,          1",
        })
        void parsesEveryLineIntoTheTree(String file, int lines, int roots, int ramRanges, int crashRegions)
                throws IOException {
            Iomem iomem = fixture(file);
            assertThat(iomem.all()).hasSize(lines);
            assertThat(iomem.roots()).hasSize(roots);
            assertThat(ram(iomem)).hasSize(ramRanges);
            assertThat(iomem.crashRegions()).hasSize(crashRegions);
            // line numbers run 1..n in depth-first order, which is file order
            assertThat(iomem.all()).extracting(IomemEntry::line)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, lines).boxed().toList());
        }

        @Test
        void profileHasTheCrashRegionUnderSystemRam() throws IOException {
            Iomem iomem = profile();
            assertThat(iomem.crashRegions()).containsExactly(new MemoryRange(0x2e000000L, 0x3dffffffL, RangeType.RAM));
            IomemEntry ram = iomem.roots().stream().filter(e -> e.start() == 0x100000L).findFirst().orElseThrow();
            assertThat(ram.name()).isEqualTo("System RAM");
            assertThat(ram.end()).isEqualTo(0x3ffdffffL);
            assertThat(ram.children()).extracting(IomemEntry::name).containsExactly(
                    "Kernel code", "Kernel rodata", "Kernel data", "Kernel bss", "Crash kernel");
            assertThat(ram.children()).allMatch(c -> c.depth() == 1);
            assertThat(iomem.first("Kernel code").orElseThrow().start()).isEqualTo(0x1f600000L);
            assertThat(ram(iomem)).extracting(IomemEntry::start).containsExactly(0x1000L, 0x100000L);
        }

        @Test
        void parsesAddressesAboveFourGigabytes() throws IOException {
            Iomem iomem = profile();
            IomemEntry last = iomem.roots().get(iomem.roots().size() - 1);
            assertThat(last.start()).isEqualTo(0xfd00000000L);
            assertThat(last.end()).isEqualTo(0xffffffffffL);
            assertThat(last.type()).isEqualTo(RangeType.RESERVED);
            assertThat(last.line()).isEqualTo(28);
        }

        @Test
        void parsesGuidNamesOfHyperV() throws IOException {
            Iomem iomem = fixture("hyperv-gen2-vm-coreos.txt");
            IomemEntry vmbus = iomem.first("5620e0c7-8062-4dce-aeb7-520c7ef76171").orElseThrow();
            assertThat(vmbus.start()).isEqualTo(0xf8800000L);
            assertThat(vmbus.end()).isEqualTo(0xf8ffffffL);
            assertThat(vmbus.type()).isEqualTo(RangeType.OTHER);
            assertThat(iomem.named("ACPI Tables")).hasSize(3).allMatch(e -> e.type() == RangeType.ACPI);
            assertThat(iomem.first("ACPI Non-volatile Storage").orElseThrow().type()).isEqualTo(RangeType.ACPI_NVS);
        }

        @Test
        void unknownE820RangesAreNotRam() throws IOException {
            Iomem iomem = fixture("hyperv-gen2-unknown-e820-type.txt");
            List<IomemEntry> unknown = iomem.named("Unknown E820 type");
            assertThat(unknown).hasSize(6).allMatch(e -> e.type() == RangeType.OTHER);
            assertThat(unknown.get(0).start()).isEqualTo(0x3ffb7000L);
            assertThat(unknown.get(4).size()).isEqualTo(0x2000L);
        }

        @Test
        void parsesNamesWithSpacesAndBracketsThreeLevelsDeep() throws IOException {
            Iomem iomem = fixture("firecracker-24g-no-crashkernel.txt");
            IomemEntry ecam = iomem.first("PCI ECAM 0000 [bus 00-00]").orElseThrow();
            assertThat(ecam.depth()).isEqualTo(1);
            assertThat(ecam.children()).singleElement().satisfies(c -> {
                assertThat(c.name()).isEqualTo("PCI Bus 0000:00");
                assertThat(c.depth()).isEqualTo(2);
            });
            assertThat(iomem.named("virtio-pci-modern")).hasSize(5).allMatch(e -> e.depth() == 2);
        }

        @Test
        void rejectsTheE820BootLogWhichIsNotIomem() {
            assertThatThrownBy(() -> fixture("hyperv-gen2-vm-coreos.e820.txt"))
                    .isInstanceOf(HandoffException.class)
                    .hasMessageStartingWith("/proc/iomem line 1: not 'start-end : name'");
        }
    }

    @Nested
    class Synthetic {
        @Test
        void findsLowAndHighCrashRegions() {
            Iomem iomem = IomemParser.parse("""
                    00001000-0009ffff : System RAM
                    00100000-bfffffff : System RAM
                      01000000-01ffffff : Kernel code
                      b0000000-bfffffff : Crash kernel
                    c0000000-febfffff : PCI Bus 0000:00
                    100000000-43fffffff : System RAM
                      430000000-43fffffff : Crash kernel
                    """, IOMEM);
            assertThat(iomem.crashRegions()).containsExactly(
                    new MemoryRange(0xb0000000L, 0xbfffffffL, RangeType.RAM),
                    new MemoryRange(0x430000000L, 0x43fffffffL, RangeType.RAM));
            assertThat(iomem.named("Crash kernel")).extracting(IomemEntry::line).containsExactly(4, 7);
            assertThat(iomem.roots().get(3).children()).singleElement()
                    .extracting(IomemEntry::size).isEqualTo(0x10000000L);
        }

        @Test
        void acceptsTheHighestSignedAddressAndEmptyNames() {
            Iomem iomem = IomemParser.parse("0-7fffffffffffffff : \n", IOMEM);
            assertThat(iomem.roots()).singleElement().satisfies(e -> {
                assertThat(e.end()).isEqualTo(Long.MAX_VALUE);
                assertThat(e.name()).isEmpty();
            });
        }

        @Test
        void acceptsAnEmptyFile() {
            assertThat(IomemParser.parse("", IOMEM).roots()).isEmpty();
        }

        @Test
        void popsBackSeveralLevelsAtOnce() {
            Iomem iomem = IomemParser.parse("""
                    1000-8fff : a
                      1000-4fff : b
                        1000-1fff : c
                    9000-9fff : d
                    """, IOMEM);
            assertThat(iomem.roots()).extracting(IomemEntry::name).containsExactly("a", "d");
            assertThat(iomem.roots().get(0).children().get(0).children()).extracting(IomemEntry::name)
                    .containsExactly("c");
        }

        @Test
        void namesTheFileItWasGiven() {
            assertThatThrownBy(() -> IomemParser.parse("junk\n", "/srv/profile/proc/iomem"))
                    .hasMessageStartingWith("/srv/profile/proc/iomem line 1:");
        }
    }

    @Nested
    class AcceptsWhatKernelsPrint {
        @Test
        void overlappingSiblingsKeepFileOrder() {
            // a VMware guest: the framebuffer's BAR overlaps the PCI window it is printed beside
            Iomem iomem = IomemParser.parse("""
                    e8000000-efffffff : 0000:00:0f.0
                      e8000000-efffffff : vmwgfx probe
                    e8000000-e87fffff : BOOTFB
                    f0000000-f7ffffff : PCI MMCONFIG 0000 [bus 00-7f]
                    """, IOMEM);
            assertThat(iomem.roots()).extracting(IomemEntry::name)
                    .containsExactly("0000:00:0f.0", "BOOTFB", "PCI MMCONFIG 0000 [bus 00-7f]");
            assertThat(iomem.roots().get(1).start()).isEqualTo(0xe8000000L);
            assertThat(iomem.roots().get(1).end()).isEqualTo(0xe87fffffL);
        }

        @Test
        void zeroAddressChildrenOutsideTheirParentStayItsChildren() {
            Iomem iomem = IomemParser.parse("""
                    00100000-bfffffff : System RAM
                      00000000-00000000 : Crash kernel
                      01000000-01ffffff : Kernel code
                    """, IOMEM);
            IomemEntry ram = iomem.roots().get(0);
            assertThat(ram.children()).extracting(IomemEntry::name).containsExactly("Crash kernel", "Kernel code");
            assertThat(ram.children().get(0).size()).isEqualTo(1);
            // a 0-0 Crash kernel line is a failed reservation, not a region
            assertThat(iomem.crashRegions()).isEmpty();
        }

        @Test
        void outOfOrderSiblingsAreKeptAsPrinted() {
            Iomem iomem = IomemParser.parse("3000-3fff : a\n1000-1fff : b\n", IOMEM);
            assertThat(iomem.roots()).extracting(IomemEntry::start).containsExactly(0x3000L, 0x1000L);
            assertThat(iomem.unprivileged()).isFalse();
        }

        @Test
        void aFileReadWithoutRootPrivilegesParsesAndSaysSo() {
            Iomem iomem = IomemParser.parse("00000000-00000000 : System RAM\n  00000000-00000000 : Kernel code\n"
                    + "00000000-00000000 : Reserved\n", IOMEM);
            assertThat(iomem.all()).hasSize(3);
            assertThat(iomem.unprivileged()).isTrue();
        }
    }

    @Nested
    class Rejects {
        @ParameterizedTest(name = "{2}")
        @CsvSource(delimiter = '|', value = {
            // iomem text (\n for new lines, ~ for a leading space) | expected message | case
            "1000-1fff : a\\n2000-1000 : b | /proc/iomem line 2: inverted range 2000-1000 | inverted range",
            "1000-1fff : a\\n2000-2fff a | /proc/iomem line 2: not 'start-end : name': '2000-2fff a' | no colon",
            "1000-1fff : a\\n\\n2000-2fff : b | /proc/iomem line 2: not 'start-end : name': '' | blank line",
            "10g0-1fff : a | /proc/iomem line 1: not a hexadecimal number '10g0' | bad hex",
            "1000-8000000000000000 : a | /proc/iomem line 1: address 8000000000000000 is 2^63 or more | 2^63",
            "0-10000000000000000 : a | /proc/iomem line 1: number 10000000000000000 does not fit in 64 bits | 65 bits",
            "1000-1fff : a\\n   1000-1fff : b | /proc/iomem line 2: odd indentation of 3 spaces | odd indent",
            "~~1000-1fff : a | /proc/iomem line 1: indented to level 1 with no parent line | indented first line",
            "1000-8fff : a\\n    1000-1fff : b | /proc/iomem line 2: indented to level 2, more than one level under line 1 | indent jump",
        })
        void malformedFiles(String text, String message, String description) {
            assertThatThrownBy(() -> IomemParser.parse(text.replace("\\n", "\n").replace('~', ' ') + "\n", IOMEM))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE))
                    .hasMessage(message);
        }

        @Test
        void missingFileIsUnreadable(@TempDir Path root) {
            assertThatThrownBy(() -> IomemParser.read(new DirectorySystemView(root)))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage("/proc/iomem: no such file under " + root.toAbsolutePath().normalize());
        }
    }
}
