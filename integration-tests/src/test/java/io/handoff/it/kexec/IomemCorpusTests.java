package io.handoff.it.kexec;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.IomemEntry;
import io.handoff.core.system.IomemParser;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every real {@code /proc/iomem} capture of the corpus parses, with each line one entry, and the corpus is what its
 * index says.
 */
class IomemCorpusTests {
    static Stream<IomemCorpus> captures() {
        return IomemCorpus.all().stream();
    }

    static Stream<IomemCorpus> x86WithRoom() {
        return captures().filter(c -> c.x86() && !c.parse().unprivileged() && c.withCrashKernel().isPresent());
    }

    @Nested
    class Index {
        @Test
        void listsEveryCaptureOnceAndNothingElse() {
            List<String> listed = IomemCorpus.all().stream().map(IomemCorpus::file).toList();
            assertThat(listed).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(50)
                    .containsExactlyInAnyOrderElementsOf(IomemCorpus.filesPresent());
        }

        @Test
        void namesWhereEachCaptureCameFromAndWhatMachine() {
            assertThat(IomemCorpus.all()).allSatisfy(c -> {
                assertThat(c.file()).matches("\\d{3}-[a-z0-9-]+\\.iomem");
                assertThat(c.arch()).isIn("x86_64", "arm64", "arm", "mips");
                assertThat(c.kind()).isIn("full", "excerpt");
                assertThat(c.machine()).isNotBlank();
                assertThat(c.source()).matches("(https://|handoff shared fixtures).*");
            });
            assertThat(IomemCorpus.all().stream().filter(IomemCorpus::x86)).hasSizeGreaterThanOrEqualTo(20);
        }
    }

    @Nested
    class Parsing {
        @ParameterizedTest(name = "{0}")
        @MethodSource("io.handoff.it.kexec.IomemCorpusTests#captures")
        void everyLineIsOneEntryInFileOrder(IomemCorpus capture) {
            List<String> lines = capture.text().lines().toList();
            Iomem iomem = capture.parse();
            List<IomemEntry> all = iomem.all();
            assertThat(all).hasSize(lines.size());
            for (int i = 0; i < lines.size(); i++) {
                IomemEntry e = all.get(i);
                assertThat(e.line()).isEqualTo(i + 1);
                String line = lines.get(i);
                assertThat(line).as("line %d", i + 1).startsWith("  ".repeat(e.depth()))
                        .endsWith(" : " + e.name());
                assertThat(Long.parseUnsignedLong(line.strip().split("-")[0], 16)).isEqualTo(e.start());
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.handoff.it.kexec.IomemCorpusTests#captures")
        void onlyTheReadsWithoutRootArePrivilegeless(IomemCorpus capture) {
            boolean allZero = capture.text().lines().allMatch(l -> l.strip().startsWith("00000000-00000000 : "));
            assertThat(capture.parse().unprivileged()).isEqualTo(allZero);
        }

        @Test
        void theCorpusHoldsWhatTheStrictTreeRefused() {
            // 0-0 PCI windows printed under the Video ROM and the Reserved entry they are not inside
            Iomem zeroWindows = capture("052-x86-zero-size-pci-windows.iomem").parse();
            assertThat(outsideParent(zeroWindows.roots())).isTrue();
            IomemEntry videoRom = zeroWindows.first("Video ROM").orElseThrow();
            assertThat(videoRom.children()).singleElement().satisfies(c -> {
                assertThat(c.start()).isZero();
                assertThat(c.end()).isZero();
                assertThat(c.name()).isEqualTo("PCI Bus 0000:00");
            });
            // every 0-0 sibling overlaps the one before it
            assertThat(overlappingSiblings(capture("013-x86-unprivileged-read.iomem").parse().roots())).isTrue();
            // a failed crashkernel reservation among real addresses
            assertThat(capture("012-x86-zero-crash-kernel.iomem").parse().named(Iomem.CRASH_KERNEL)).singleElement()
                    .satisfies(e -> assertThat(e.start() + e.end()).isZero());
        }
    }

    @Nested
    class AddedCrashRegion {
        @ParameterizedTest(name = "{0}")
        @MethodSource("io.handoff.it.kexec.IomemCorpusTests#x86WithRoom")
        void isOneAlignedRegionInsideSystemRamBelowFourGibClearOfItsSiblings(IomemCorpus capture) {
            Iomem with = IomemParser.parse(capture.withCrashKernel().orElseThrow(), capture.file());
            List<IomemEntry> crash = with.named(Iomem.CRASH_KERNEL).stream().filter(e -> e.end() > e.start()).toList();
            assertThat(crash).isNotEmpty();
            if (capture.parse().named(Iomem.CRASH_KERNEL).stream().noneMatch(e -> e.end() > e.start())) {
                IomemEntry added = crash.get(0);
                assertThat(crash).hasSize(1);
                assertThat(added.size()).isEqualTo(IomemCorpus.ADDED_CRASH_SIZE);
                assertThat(added.start() % IomemCorpus.ADDED_CRASH_ALIGN).isZero();
                assertThat(added.end()).isLessThan(1L << 32);
                assertThat(added.depth()).isEqualTo(1);
                IomemEntry parent = with.roots().stream().filter(r -> r.children().contains(added)).findFirst()
                        .orElseThrow();
                assertThat(parent.name()).isEqualTo("System RAM");
                assertThat(parent.start()).isLessThanOrEqualTo(added.start());
                assertThat(parent.end()).isGreaterThanOrEqualTo(added.end());
                assertThat(parent.children()).filteredOn(c -> c != added)
                        .allMatch(c -> c.end() < added.start() || c.start() > added.end());
                assertThat(with.all()).hasSize(capture.parse().all().size() + 1
                        - (int) capture.parse().named(Iomem.CRASH_KERNEL).size());
            }
        }

        @Test
        void theCapturesWithoutRoomHaveNoAlignedWindowInSystemRamBelowFourGib() {
            List<IomemCorpus> without = captures().filter(c -> c.x86() && !c.parse().unprivileged())
                    .filter(c -> c.withCrashKernel().isEmpty()).toList();
            assertThat(without).extracting(IomemCorpus::file).containsExactlyElementsOf(WITHOUT_ROOM);
            for (IomemCorpus c : without) {
                for (IomemEntry ram : c.parse().roots().stream().filter(e -> e.name().equals("System RAM")).toList()) {
                    long low = (ram.start() + IomemCorpus.ADDED_CRASH_ALIGN - 1) & -IomemCorpus.ADDED_CRASH_ALIGN;
                    long high = Math.min(ram.end() + 1, 1L << 32) & -IomemCorpus.ADDED_CRASH_ALIGN;
                    assertThat(high - low).as("%s %s", c, ram.range()).isLessThan(IomemCorpus.ADDED_CRASH_SIZE);
                }
            }
        }
    }

    static IomemCorpus capture(String file) {
        return IomemCorpus.all().stream().filter(c -> c.file().equals(file)).findFirst().orElseThrow();
    }

    /**
     * The x86_64 captures without a crash region that have no 16 MiB aligned 256 MiB of System RAM below 4 GiB: a
     * capture kernel's view of its own small memory, and excerpts that quote little or no low memory.
     */
    static final List<String> WITHOUT_ROOM = List.of("002-qemu-pc-1g-inside-kdump-kernel.iomem",
            "018-x86-setup-data-split.iomem", "024-qemu-virtio-mem-a.iomem", "025-qemu-virtio-mem-b.iomem",
            "052-x86-zero-size-pci-windows.iomem");

    static boolean outsideParent(List<IomemEntry> entries) {
        for (IomemEntry e : entries) {
            for (IomemEntry c : e.children()) {
                if (c.start() < e.start() || c.end() > e.end()) {
                    return true;
                }
            }
            if (outsideParent(e.children())) {
                return true;
            }
        }
        return false;
    }

    static boolean overlappingSiblings(List<IomemEntry> entries) {
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).start() <= entries.get(i - 1).end() && entries.get(i - 1).start() <= entries.get(i).end()) {
                return true;
            }
        }
        return entries.stream().anyMatch(e -> overlappingSiblings(e.children()));
    }
}
