package io.handoff.it.kexec;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.core.elf.Elf64;
import io.handoff.core.elf.ProgramHeader;
import io.handoff.it.kexec.ZeroPageView.E820Entry;
import io.handoff.it.kexec.ZeroPageView.SetupDataNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * handoff's x86_64 kdump plans against Debian's kexec-tools 2.0.25 on the same kernel, initrd, command line and
 * machine profile, for every profile variant and both ways of passing the capture kernel's memory map.
 *
 * <p>What must be equal is compared field by field. What differs because of where a segment was placed (each
 * loader links its own purgatory, of a different size, so what is placed after it lands elsewhere) is named in
 * each test and checked against handoff's own placement instead; {@code integration-tests/DIFFERENCES.md} lists
 * every such difference and why it is tolerated.
 */
class X86_64DifferentialTests {
    private static final Pattern ELFCOREHDR = Pattern.compile("elfcorehdr=(\\d+)K");
    /** The 64-bit entry point is 0x200 past the protected-mode kernel's load address. */
    private static final long ENTRY_64 = 0x200;
    private static final long MIB = 1 << 20;
    /** kexec-tools' minimum for the initrd (INITRD_BASE) and for the real-mode data and purgatory. */
    private static final long INITRD_BASE = 16 * MIB;
    private static final long SETUP_MIN = 0x3000;
    /** The ELF core header's memory floor (kexec-tools' old-ld bss workaround). */
    private static final long ELFCOREHDR_FLOOR = 16 * 1024;
    /** RAM pieces smaller than this are left out of memmap= (kexec-tools' min_sizek). */
    private static final long MEMMAP_MIN_RAM = 100 * 1024;

    static Stream<Arguments> cases() {
        return Stream.of(ProfileVariant.values())
                .flatMap(v -> Stream.of(MemmapMode.values()).map(m -> Arguments.of(v, m)));
    }

    /** The two loads of one case. */
    record Pair(CapturedLoad kexec, CapturedLoad handoff, HandoffPlanRun plan) {
        static Pair of(ProfileVariant variant, MemmapMode mode) {
            KexecToolsRun k = ReferenceInputs.kexec(variant, mode);
            HandoffPlanRun h = ReferenceInputs.handoff(variant, mode);
            return new Pair(k.load(), h.load(), h);
        }
    }

    @Nested
    class Segments {
        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void sameRolesAndSizesApartFromPurgatory(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("sizes", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                assertSameRolesAndSizesApartFromPurgatory(p.handoff(), p.kexec());
            });
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void kernelInitrdAndBackupBytesAreEqual(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("bytes", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                for (String role : List.of(LoadedSegment.KERNEL, LoadedSegment.INITRD, LoadedSegment.BACKUP)) {
                    assertThat(p.handoff().require(role).data()).as(role).isEqualTo(p.kexec().require(role).data());
                }
            });
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void flagsAreEqualAndTheEntryIsTheKernelsInsteadOfPurgatorys(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("entry", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                assertThat(p.handoff().flags()).isEqualTo(p.kexec().flags());
                // Both enter their own purgatory, which jumps to kernel + 0x200 with rsi = zero page, rbx = 0.
                assertThat(p.kexec().require(LoadedSegment.PURGATORY).contains(p.kexec().entry())).isTrue();
                assertThat(p.handoff().require(LoadedSegment.PURGATORY).contains(p.handoff().entry())).isTrue();
                long kernel = p.handoff().require(LoadedSegment.KERNEL).mem();
                assertThat(p.plan().registers()).containsEntry("rip", kernel + ENTRY_64)
                        .containsEntry("rsi", p.handoff().require(LoadedSegment.SETUP).mem())
                        .containsEntry("rbx", 0L);
            });
        }
    }

    @Nested
    class Placement {
        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void backupAndElfCoreHeaderAreWhereKexecToolsPutsThem(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("backup+elfcorehdr placement", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                // kexec-tools places these two first, before its purgatory, so nothing can move them
                for (String role : List.of(LoadedSegment.BACKUP, LoadedSegment.ELFCOREHDR)) {
                    assertThat(p.handoff().require(role).mem()).as(role).isEqualTo(p.kexec().require(role).mem());
                }
            });
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void setupKernelAndInitrdFollowKexecToolsRulesWithEachLoadersPurgatory(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("placement model", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                long[] region = KexecToolsRunTests.loadCrashRegion(variant);
                long[] header = kernelHeader();
                long kernelAlign = header[0];
                long kernelMin = Math.max(MIB, header[1]);
                CapturedLoad k = p.kexec();
                // 1. the model reproduces kexec-tools exactly, purgatory included
                PlacementModel withPurgatory = new PlacementModel(region[0], region[1]);
                occupy(withPurgatory, k, LoadedSegment.BACKUP);
                occupy(withPurgatory, k, LoadedSegment.ELFCOREHDR);
                Map<String, Long> modelled = new LinkedHashMap<>();
                modelled.put(LoadedSegment.PURGATORY, withPurgatory.placeTopDown(
                        k.require(LoadedSegment.PURGATORY).memsz(), 16, SETUP_MIN));
                modelled.put(LoadedSegment.SETUP, withPurgatory.placeTopDown(k.require(LoadedSegment.SETUP).memsz(), 16, SETUP_MIN));
                modelled.put(LoadedSegment.KERNEL, withPurgatory.placeTopDown(
                        k.require(LoadedSegment.KERNEL).memsz(), kernelAlign, kernelMin));
                modelled.put(LoadedSegment.INITRD, withPurgatory.placeTopDown(
                        k.require(LoadedSegment.INITRD).memsz(), 4096, INITRD_BASE));
                modelled.forEach((role, mem) -> assertThat(mem).as("model of kexec-tools' %s", role)
                        .isEqualTo(k.require(role).mem()));
                // 2. the same rules with handoff's own purgatory and sizes give handoff's addresses.
                // Difference: setup and initrd move by the difference of the two purgatories' sizes; the kernel
                // usually does not move because its 2 MiB alignment absorbs it (DIFFERENCES.md, "placement").
                CapturedLoad h = p.handoff();
                PlacementModel without = new PlacementModel(region[0], region[1]);
                occupy(without, h, LoadedSegment.BACKUP);
                occupy(without, h, LoadedSegment.ELFCOREHDR);
                Map<String, Long> expected = new LinkedHashMap<>();
                expected.put(LoadedSegment.PURGATORY, without.placeTopDown(h.require(LoadedSegment.PURGATORY).memsz(),
                        4096, SETUP_MIN));
                expected.put(LoadedSegment.SETUP, without.placeTopDown(h.require(LoadedSegment.SETUP).memsz(), 16, SETUP_MIN));
                expected.put(LoadedSegment.KERNEL, without.placeTopDown(h.require(LoadedSegment.KERNEL).memsz(), kernelAlign,
                        kernelMin));
                expected.put(LoadedSegment.INITRD, without.placeTopDown(h.require(LoadedSegment.INITRD).memsz(), 4096,
                        INITRD_BASE));
                Map<String, Long> actual = new LinkedHashMap<>();
                expected.keySet().forEach(role -> actual.put(role, h.require(role).mem()));
                assertThat(hexMap(actual)).isEqualTo(hexMap(expected));
            });
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void setupDataNodesGoBottomUpAtTheSameAddresses(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("setup-data placement", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                // bottom-up from the region's start, below everything else: the purgatory cannot shift them
                assertThat(p.handoff().all(LoadedSegment.SETUP_DATA).stream().map(LoadedSegment::mem).toList())
                        .isEqualTo(p.kexec().all(LoadedSegment.SETUP_DATA).stream().map(LoadedSegment::mem).toList());
            });
        }
    }

    @Nested
    class MemoryMap {
        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void e820EntriesIncludingTheExtensionAreEqual(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("e820", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                List<E820Entry> kexec = ZeroPageView.of(p.kexec()).e820All(p.kexec());
                List<E820Entry> handoff = ZeroPageView.of(p.handoff()).e820All(p.handoff());
                assertThat(handoff).containsExactlyElementsOf(kexec);
                assertThat(ZeroPageView.of(p.handoff()).e820Table()).containsExactlyElementsOf(ZeroPageView.of(p.kexec()).e820Table());
            });
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void crashRegionRamIsTheRegionMinusTheLoadersOwnBackupAndElfCoreHeader(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("capture map rule", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                long[] region = KexecToolsRunTests.loadCrashRegion(variant);
                // the rule is checked on kexec-tools' load first, so the test cannot drift from the oracle
                for (CapturedLoad load : List.of(p.kexec(), p.handoff())) {
                    assertThat(crashRegionRam(load, region, mode)).as("%s RAM in the crash region", load.source())
                            .containsExactlyElementsOf(expectedCrashRegionRam(load, region, mode));
                }
            });
        }
    }

    @Nested
    class CommandLine {
        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void equalApartFromTheElfCoreHeaderAddress(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("command line", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                String kexec = ZeroPageView.of(p.kexec()).commandLine(p.kexec());
                String handoff = ZeroPageView.of(p.handoff()).commandLine(p.handoff());
                assertThat(normalise(handoff)).isEqualTo(normalise(kexec));
                assertThat(p.plan().commandLine()).as("manifest commandLine").isEqualTo(handoff);
                // Placement: elfcorehdr= names handoff's own header segment
                Matcher m = ELFCOREHDR.matcher(handoff);
                assertThat(m.find()).as(handoff).isTrue();
                assertThat(Long.parseLong(m.group(1)) * 1024).isEqualTo(p.handoff().require(LoadedSegment.ELFCOREHDR).mem());
            });
        }
    }

    @Nested
    class ZeroPage {
        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void namedFieldsAreEqual(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("zero page fields", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                ZeroPageView k = ZeroPageView.of(p.kexec());
                ZeroPageView h = ZeroPageView.of(p.handoff());
                assertThat(hexMap(h.placementFreeFields())).containsExactlyEntriesOf(hexMap(k.placementFreeFields()));
                assertThat(h.ramdiskSize()).isEqualTo(k.ramdiskSize());
            });
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void everyByteOutsideThePlacementFieldsIsEqual(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("zero page bytes", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                byte[] k = ZeroPageView.of(p.kexec()).bytes();
                byte[] h = ZeroPageView.of(p.handoff()).bytes();
                for (int[] field : ZeroPageView.placementFields()) {
                    for (int i = 0; i < field[1]; i++) {
                        k[field[0] + i] = 0;
                        h[field[0] + i] = 0;
                    }
                }
                // the setup header copied from the image is 0x1F1 .. 0x202 + byte[0x201], inside this page
                assertThat(byteDifferences(k, h)).isEmpty();
            });
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void placementFieldsPointAtHandoffsOwnSegments(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("zero page pointers", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                for (CapturedLoad load : List.of(p.kexec(), p.handoff())) {
                    ZeroPageView zp = ZeroPageView.of(load);
                    LoadedSegment setup = load.require(LoadedSegment.SETUP);
                    assertThat(zp.ramdiskImage()).as("%s ramdisk_image", load.source())
                            .isEqualTo(load.require(LoadedSegment.INITRD).mem());
                    assertThat(zp.cmdLinePtr()).as("%s cmd_line_ptr", load.source())
                            .isEqualTo(setup.mem() + zp.u16(ZeroPageView.CL_OFFSET));
                    List<SetupDataNode> chain = zp.setupDataChain(load);
                    assertThat(chain.stream().map(SetupDataNode::address).toList()).as("%s setup_data chain", load.source())
                            .containsExactlyInAnyOrderElementsOf(load.all(LoadedSegment.SETUP_DATA).stream()
                                    .map(LoadedSegment::mem).toList());
                }
            });
        }
    }

    @Nested
    class ElfCoreHeader {
        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void elfHeaderFieldsAreEqual(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("elf header", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                assertThat(elfHeader(p.handoff())).containsExactlyEntriesOf(elfHeader(p.kexec()));
            });
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void programHeadersAreEqualApartFromTheBackupRedirect(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("program headers", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                List<ProgramHeader> k = programHeaders(p.kexec());
                List<ProgramHeader> h = programHeaders(p.handoff());
                // Placement: the PT_LOAD of the backed-up low memory is read from the backup segment (p_offset)
                assertThat(backupRedirect(h).offset()).isEqualTo(p.handoff().require(LoadedSegment.BACKUP).mem());
                assertThat(backupRedirect(k).offset()).isEqualTo(p.kexec().require(LoadedSegment.BACKUP).mem());
                assertThat(withoutBackupOffset(h)).containsExactlyElementsOf(withoutBackupOffset(k));
            });
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.X86_64DifferentialTests#cases")
        void theWholeHeaderBufferIsEqualWhenTheBackupIsAtTheSameAddress(ProfileVariant variant, MemmapMode mode) throws Exception {
            KnownMismatches.check("elfcorehdr bytes", variant, mode, () -> {
                Pair p = Pair.of(variant, mode);
                if (p.handoff().require(LoadedSegment.BACKUP).mem() == p.kexec().require(LoadedSegment.BACKUP).mem()) {
                    assertThat(byteDifferences(p.kexec().require(LoadedSegment.ELFCOREHDR).data(),
                            p.handoff().require(LoadedSegment.ELFCOREHDR).data())).isEmpty();
                }
            });
        }
    }

    // ---- helpers ----

    // kexec-tools' rule: the backup area leaves the map by its (1 KiB aligned) data size, the ELF core header by
    // max(bufsz, 16 KiB), not by its page-rounded memsz; the memmap= form also drops RAM pieces under 100 KiB.
    private static List<String> expectedCrashRegionRam(CapturedLoad load, long[] region, MemmapMode mode) {
        LoadedSegment backup = load.require(LoadedSegment.BACKUP);
        LoadedSegment elf = load.require(LoadedSegment.ELFCOREHDR);
        List<long[]> ram = subtract(List.of(new long[] {region[0], region[1] + 1}),
                new long[] {backup.mem(), backup.mem() + backup.bufsz()},
                new long[] {elf.mem(), elf.mem() + Math.max(elf.bufsz(), ELFCOREHDR_FLOOR)});
        return ram.stream().filter(r -> mode == MemmapMode.E820 || r[1] - r[0] >= MEMMAP_MIN_RAM)
                .map(X86_64DifferentialTests::range).toList();
    }

    private static List<String> crashRegionRam(CapturedLoad load, long[] region, MemmapMode mode) {
        List<long[]> ram;
        if (mode == MemmapMode.E820) {
            ram = ZeroPageView.of(load).e820All(load).stream().filter(e -> e.type() == 1)
                    .map(e -> new long[] {e.addr(), e.addr() + e.size()}).toList();
        } else {
            ram = memmapRam(ZeroPageView.of(load).commandLine(load));
        }
        return ram.stream().filter(r -> r[0] >= region[0] && r[1] <= region[1] + 1)
                .map(X86_64DifferentialTests::range).toList();
    }

    /** Assert both loads have the same segment roles, and each segment but purgatory the same sizes. */
    static void assertSameRolesAndSizesApartFromPurgatory(CapturedLoad handoff, CapturedLoad kexec) {
        assertThat(roles(handoff)).containsExactlyInAnyOrderElementsOf(roles(kexec));
        // Difference: each loader links its own purgatory, so that segment's sizes differ (DIFFERENCES.md 1)
        for (String role : roles(handoff).stream().filter(r -> !r.equals(LoadedSegment.PURGATORY)).distinct().toList()) {
            List<LoadedSegment> k = kexec.all(role);
            List<LoadedSegment> h = handoff.all(role);
            for (int i = 0; i < h.size(); i++) {
                assertThat(h.get(i).bufsz()).as("%s bufsz (kexec-tools %s)", role, k.get(i)).isEqualTo(k.get(i).bufsz());
                assertThat(h.get(i).memsz()).as("%s memsz (kexec-tools %s)", role, k.get(i)).isEqualTo(k.get(i).memsz());
            }
        }
    }

    static List<String> roles(CapturedLoad load) {
        return load.segments().stream().map(LoadedSegment::role).toList();
    }

    private static void occupy(PlacementModel model, CapturedLoad load, String role) {
        LoadedSegment s = load.require(role);
        model.occupy(s.mem(), s.memsz());
    }

    // kernel_alignment (0x230) and pref_address (0x258) of the test kernel's setup header
    private static long[] kernelHeader() {
        try (var in = Files.newInputStream(Prerequisites.kernel())) {
            ByteBuffer b = ByteBuffer.wrap(in.readNBytes(0x300)).order(ByteOrder.LITTLE_ENDIAN);
            return new long[] {Integer.toUnsignedLong(b.getInt(0x230)), b.getLong(0x258)};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String normalise(String cmdline) {
        return ELFCOREHDR.matcher(cmdline).replaceAll("elfcorehdr=<placed>K");
    }

    private static Map<String, String> hexMap(Map<String, Long> values) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, "0x" + Long.toHexString(v)));
        return out;
    }

    static Map<String, String> elfHeader(CapturedLoad load) {
        byte[] d = load.require(LoadedSegment.ELFCOREHDR).data();
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Long> f = new LinkedHashMap<>();
        String[] ident = {"EI_MAG0", "EI_MAG1", "EI_MAG2", "EI_MAG3", "EI_CLASS", "EI_DATA", "EI_VERSION", "EI_OSABI",
            "EI_ABIVERSION"};
        for (int i = 0; i < 16; i++) {
            f.put(i < ident.length ? ident[i] : "EI_PAD[" + i + "]", (long) (d[i] & 0xff));
        }
        f.put("e_type", (long) Short.toUnsignedInt(b.getShort(16)));
        f.put("e_machine", (long) Short.toUnsignedInt(b.getShort(18)));
        f.put("e_version", Integer.toUnsignedLong(b.getInt(20)));
        f.put("e_entry", b.getLong(24));
        f.put("e_phoff", b.getLong(32));
        f.put("e_shoff", b.getLong(40));
        f.put("e_flags", Integer.toUnsignedLong(b.getInt(48)));
        f.put("e_ehsize", (long) Short.toUnsignedInt(b.getShort(52)));
        f.put("e_phentsize", (long) Short.toUnsignedInt(b.getShort(54)));
        f.put("e_phnum", (long) Short.toUnsignedInt(b.getShort(56)));
        f.put("e_shentsize", (long) Short.toUnsignedInt(b.getShort(58)));
        f.put("e_shnum", (long) Short.toUnsignedInt(b.getShort(60)));
        f.put("e_shstrndx", (long) Short.toUnsignedInt(b.getShort(62)));
        return hexMap(f);
    }

    static List<ProgramHeader> programHeaders(CapturedLoad load) {
        Elf64.Result r = Elf64.parse(load.require(LoadedSegment.ELFCOREHDR).data());
        assertThat(r.elf()).as("%s elfcorehdr: %s", load.source(), r.problem()).isPresent();
        return r.elf().orElseThrow().programHeaders();
    }

    // The PT_LOAD whose physical address is the backup source, i.e. whose p_offset differs from p_paddr.
    static ProgramHeader backupRedirect(List<ProgramHeader> headers) {
        List<ProgramHeader> redirected = headers.stream()
                .filter(ph -> ph.type() == ProgramHeader.PT_LOAD && ph.offset() != ph.paddr()).toList();
        assertThat(redirected).as("PT_LOADs with p_offset != p_paddr").hasSize(1);
        return redirected.get(0);
    }

    static List<ProgramHeader> withoutBackupOffset(List<ProgramHeader> headers) {
        ProgramHeader redirect = backupRedirect(headers);
        return headers.stream().map(ph -> ph == redirect ? new ProgramHeader(ph.type(), ph.flags(), -1, ph.vaddr(),
                ph.paddr(), ph.filesz(), ph.memsz(), ph.align()) : ph).toList();
    }

    // Runs of differing bytes, as "0x218..0x21b kexec-tools=… handoff=…"; a length difference is one more entry.
    static List<String> byteDifferences(byte[] kexec, byte[] handoff) {
        List<String> out = new ArrayList<>();
        int n = Math.min(kexec.length, handoff.length);
        int i = 0;
        while (i < n && out.size() < 20) {
            if (kexec[i] == handoff[i]) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && kexec[i] != handoff[i] && i - start < 32) {
                i++;
            }
            out.add(String.format("0x%03x..0x%03x kexec-tools=%s handoff=%s", start, i - 1, hex(kexec, start, i),
                    hex(handoff, start, i)));
        }
        if (kexec.length != handoff.length) {
            out.add("length kexec-tools=" + kexec.length + " handoff=" + handoff.length);
        }
        return out;
    }

    private static String hex(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(String.format("%02x", b[i]));
        }
        return sb.toString();
    }

    // [start, end) ranges of "memmap=SIZEK@STARTK" RAM arguments.
    private static List<long[]> memmapRam(String cmdline) {
        Matcher m = Pattern.compile("memmap=(\\d+)K@(\\d+)K").matcher(cmdline);
        List<long[]> out = new ArrayList<>();
        while (m.find()) {
            long start = Long.parseLong(m.group(2)) * 1024;
            out.add(new long[] {start, start + Long.parseLong(m.group(1)) * 1024});
        }
        return out;
    }

    // [start, end) ranges minus [start, end) holes.
    private static List<long[]> subtract(List<long[]> ranges, long[]... holes) {
        List<long[]> cur = new ArrayList<>(ranges);
        for (long[] hole : holes) {
            List<long[]> next = new ArrayList<>();
            for (long[] r : cur) {
                if (hole[1] <= r[0] || hole[0] >= r[1]) {
                    next.add(r);
                    continue;
                }
                if (hole[0] > r[0]) {
                    next.add(new long[] {r[0], hole[0]});
                }
                if (hole[1] < r[1]) {
                    next.add(new long[] {hole[1], r[1]});
                }
            }
            cur = next;
        }
        cur.sort((a, b) -> Long.compare(a[0], b[0]));
        return cur;
    }

    private static String range(long[] r) {
        return String.format("%#x-%#x", r[0], r[1] - 1);
    }
}
