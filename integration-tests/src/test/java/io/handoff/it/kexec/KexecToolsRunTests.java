package io.handoff.it.kexec;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.core.elf.Elf64;
import io.handoff.core.elf.ProgramHeader;
import io.handoff.it.kexec.ZeroPageView.E820Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kexec-tools side of the differential tests on its own: every generated profile loads with Debian's
 * {@code kexec -p}, its segments are identified, and the oracle shows the behaviour each variant exists for.
 */
class KexecToolsRunTests {
    private static final long FOUR_GIB = 0x1_0000_0000L;

    static Stream<Arguments> variantsAndModes() {
        return Stream.of(ProfileVariant.values())
                .flatMap(v -> Stream.of(MemmapMode.values()).map(m -> Arguments.of(v, m)));
    }

    @Nested
    class Profiles {
        @ParameterizedTest(name = "{0} {1}")
        @EnumSource(ProfileVariant.class)
        void iomemAndFirmwareMemmapDescribeTheSameRam(ProfileVariant variant) throws IOException {
            Path profile = ReferenceInputs.profile(variant);
            List<ProfileVariant.FirmwareRange> memmap = ProfileVariant.readMemmap(profile.resolve("sys/firmware/memmap"));
            List<String> iomemRam = Files.readAllLines(profile.resolve("proc/iomem")).stream()
                    .filter(l -> !l.startsWith(" ") && l.endsWith(": System RAM")).toList();
            // iomem's first RAM line starts at 0x1000 (the kernel reserves page 0); the firmware map starts at 0
            assertThat(memmap.stream().filter(r -> r.type().equals("System RAM") && r.start() != 0).count())
                    .isEqualTo(iomemRam.size() - 1);
            for (String line : iomemRam) {
                String[] range = line.split(" : ")[0].split("-");
                long end = Long.parseUnsignedLong(range[1], 16);
                assertThat(memmap).as(line).anyMatch(r -> r.end() == end && r.type().equals("System RAM"));
            }
        }

        @Test
        void manyReservedHasMoreRangesThanTheZeroPageHolds() throws IOException {
            Path profile = ReferenceInputs.profile(ProfileVariant.MANY_RESERVED);
            assertThat(Files.readAllLines(profile.resolve("proc/iomem")).stream()
                    .filter(l -> l.endsWith(": Reserved")).count()).isGreaterThan(ZeroPageView.E820_MAX);
        }
    }

    @Nested
    class Segments {
        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.KexecToolsRunTests#variantsAndModes")
        void everyRoleIsFoundOnceAndInsideTheLoadCrashRegion(ProfileVariant variant, MemmapMode mode) {
            CapturedLoad load = ReferenceInputs.kexec(variant, mode).load();
            for (String role : List.of(LoadedSegment.KERNEL, LoadedSegment.INITRD, LoadedSegment.SETUP,
                    LoadedSegment.PURGATORY, LoadedSegment.ELFCOREHDR, LoadedSegment.BACKUP)) {
                assertThat(load.all(role)).as(role).hasSize(1);
            }
            long[] region = loadCrashRegion(variant);
            assertThat(load.segments()).allSatisfy(s -> {
                assertThat(s.mem()).as(s.toString()).isGreaterThanOrEqualTo(region[0]);
                assertThat(s.end() - 1).as(s.toString()).isLessThanOrEqualTo(region[1]);
                assertThat(s.mem() % 4096).as(s.toString()).isZero();
                assertThat(s.memsz() % 4096).as(s.toString()).isZero();
            });
            assertThat(load.flags()).isEqualTo(62L << 16 | 1); // EM_X86_64 << 16 | KEXEC_ON_CRASH
            assertThat(load.require(LoadedSegment.INITRD).bufsz()).isEqualTo(ReferenceInputs.INITRD_SIZE);
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.KexecToolsRunTests#variantsAndModes")
        void setupDataSegmentsExistOnlyForAnE820Extension(ProfileVariant variant, MemmapMode mode) {
            CapturedLoad load = ReferenceInputs.kexec(variant, mode).load();
            ZeroPageView zp = ZeroPageView.of(load);
            List<ZeroPageView.SetupDataNode> chain = zp.setupDataChain(load);
            assertThat(load.all(LoadedSegment.SETUP_DATA)).hasSameSizeAs(chain);
            assertThat(chain).allSatisfy(n -> assertThat(n.type()).isEqualTo(ZeroPageView.SETUP_E820_EXT));
            assertThat(chain).hasSize(variant == ProfileVariant.MANY_RESERVED ? 1 : 0);
        }
    }

    @Nested
    class ZeroPage {
        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.KexecToolsRunTests#variantsAndModes")
        void pointsAtTheInitrdAndTheCommandLine(ProfileVariant variant, MemmapMode mode) {
            CapturedLoad load = ReferenceInputs.kexec(variant, mode).load();
            ZeroPageView zp = ZeroPageView.of(load);
            LoadedSegment initrd = load.require(LoadedSegment.INITRD);
            assertThat(zp.u8(ZeroPageView.TYPE_OF_LOADER)).isEqualTo(0xD0);
            assertThat(zp.ramdiskImage()).isEqualTo(initrd.mem());
            assertThat(zp.ramdiskSize()).isEqualTo(ReferenceInputs.INITRD_SIZE);
            LoadedSegment setup = load.require(LoadedSegment.SETUP);
            assertThat(zp.cmdLinePtr()).isEqualTo(setup.mem() + zp.u16(ZeroPageView.CL_OFFSET));
            String cmdline = zp.commandLine(load);
            assertThat(cmdline).startsWith(ReferenceInputs.APPEND + " ")
                    .contains(" elfcorehdr=" + load.require(LoadedSegment.ELFCOREHDR).mem() / 1024 + "K");
            assertThat(cmdline.contains(" memmap=exactmap")).isEqualTo(mode == MemmapMode.CMDLINE);
        }

        @Test
        void highCrashRegionUsesTheExtHalves() {
            CapturedLoad load = ReferenceInputs.kexec(ProfileVariant.LOW_AND_HIGH_CRASH, MemmapMode.E820).load();
            ZeroPageView zp = ZeroPageView.of(load);
            assertThat(zp.u32(ZeroPageView.EXT_RAMDISK_IMAGE)).isEqualTo(1);
            assertThat(zp.u32(ZeroPageView.EXT_CMD_LINE_PTR)).isEqualTo(1);
            assertThat(load.require(LoadedSegment.KERNEL).mem()).isGreaterThan(FOUR_GIB);
        }

        @ParameterizedTest(name = "{0} {1}")
        @EnumSource(MemmapMode.class)
        void manyReservedOverflowsIntoSetupE820Ext(MemmapMode mode) {
            CapturedLoad load = ReferenceInputs.kexec(ProfileVariant.MANY_RESERVED, mode).load();
            ZeroPageView zp = ZeroPageView.of(load);
            assertThat(zp.e820Table()).hasSize(ZeroPageView.E820_MAX);
            List<E820Entry> all = zp.e820All(load);
            assertThat(all.size()).isGreaterThan(ZeroPageView.E820_MAX);
            assertThat(all.stream().filter(e -> e.type() == 2 && e.size() == 0x1000
                    && e.addr() >= ProfileVariant.HOLES_START).count()).isEqualTo(ProfileVariant.HOLES);
            assertThat(all).isSortedAccordingTo((a, b) -> Long.compareUnsigned(a.addr(), b.addr()));
        }
    }

    @Nested
    class CaptureMemoryMap {
        @Test
        void e820ModeHoldsTheCrashRegionMinusBackupAndElfCoreHeader() {
            CapturedLoad load = ReferenceInputs.kexec(ProfileVariant.PLAIN, MemmapMode.E820).load();
            List<E820Entry> ram = ZeroPageView.of(load).e820All(load).stream().filter(e -> e.type() == 1).toList();
            LoadedSegment elf = load.require(LoadedSegment.ELFCOREHDR);
            LoadedSegment backup = load.require(LoadedSegment.BACKUP);
            assertThat(ram).containsExactly(new E820Entry(0x1000, 0x9ec00, 1),
                    new E820Entry(0x2e000000L, elf.mem() - 0x2e000000L, 1),
                    new E820Entry(backup.mem() + backup.bufsz(), 0x3e000000L - backup.mem() - backup.bufsz(), 1));
        }

        @Test
        void unalignedRamEndsAreShrunkTo1KiBButAcpiEndsAreKept() {
            CapturedLoad load = ReferenceInputs.kexec(ProfileVariant.UNALIGNED_ENDS, MemmapMode.E820).load();
            List<E820Entry> all = ZeroPageView.of(load).e820All(load);
            // backup source 0x1000-0x9f8ff: 0x9e900 bytes, shrunk to the 1 KiB grid in the map
            assertThat(all).contains(new E820Entry(0x1000, 0x9e800, 1));
            assertThat(all).contains(new E820Entry(0x3ffdfe00L, 0x1400, 3), new E820Entry(0x3ffe1200L, 0xee00, 4));
            assertThat(load.require(LoadedSegment.BACKUP).bufsz()).isEqualTo(0x9ec00);
        }

        @Test
        void cmdlineModeRoundsAcpiOutwardAndSkipsReserved() {
            CapturedLoad load = ReferenceInputs.kexec(ProfileVariant.UNALIGNED_ENDS, MemmapMode.CMDLINE).load();
            String cmdline = ZeroPageView.of(load).commandLine(load);
            // ACPI 0x3ffdfe00-0x3ffe11ff: start truncated to 1048447K, end rounded up to 1048453K; RAM shrunk inward
            assertThat(memmapArguments(cmdline)).contains("memmap=exactmap", "memmap=634K@4K", "memmap=6K#1048447K",
                    "memmap=60K#1048452K");
            assertThat(cmdline).doesNotContain("$");
        }
    }

    @Nested
    class ElfCoreHeader {
        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.KexecToolsRunTests#variantsAndModes")
        void backupSourceIsReadFromTheBackupSegment(ProfileVariant variant, MemmapMode mode) {
            CapturedLoad load = ReferenceInputs.kexec(variant, mode).load();
            Elf64 elf = Elf64.parse(load.require(LoadedSegment.ELFCOREHDR).data()).elf().orElseThrow();
            assertThat(elf.type()).isEqualTo(Elf64.ET_CORE);
            assertThat(elf.machine()).isEqualTo(62);
            ProgramHeader low = elf.programHeaders().stream()
                    .filter(p -> p.type() == ProgramHeader.PT_LOAD && p.paddr() == 0x1000).findFirst().orElseThrow();
            assertThat(low.offset()).isEqualTo(load.require(LoadedSegment.BACKUP).mem());
            assertThat(load.require(LoadedSegment.ELFCOREHDR).memsz()).isGreaterThanOrEqualTo(16 * 1024);
        }
    }

    static List<String> memmapArguments(String cmdline) {
        return Stream.of(cmdline.split(" ")).filter(a -> a.startsWith("memmap=")).toList();
    }

    // The highest "Crash kernel" range of the profile: kexec-tools loads the capture kernel there.
    static long[] loadCrashRegion(ProfileVariant variant) {
        try {
            Pattern p = Pattern.compile("\\s*([0-9a-f]+)-([0-9a-f]+) : Crash kernel");
            long[] best = null;
            for (String line : Files.readAllLines(ReferenceInputs.profile(variant).resolve("proc/iomem"))) {
                Matcher m = p.matcher(line);
                if (m.matches()) {
                    long[] r = {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)};
                    if (best == null || r[0] > best[0]) {
                        best = r;
                    }
                }
            }
            return best;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
