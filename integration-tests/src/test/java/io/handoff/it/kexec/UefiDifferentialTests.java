package io.handoff.it.kexec;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.it.kexec.ZeroPageView.SetupDataNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * handoff's x86_64 plans on UEFI machines against Debian's kexec-tools 2.0.25 ({@code kexec -l} and {@code kexec -p},
 * through the capture shim, which serves {@code /sys/firmware/efi} from the profile and lists {@code runtime-map}
 * in the captured readdir order) on the same kernel, initrd, command line and profile: every
 * {@link UefiProfileVariant} × {@link Kind}.
 *
 * <p>Compared exactly, with no tolerated difference in an EFI field: {@code efi_info} (0x1C0-0x1DF, the runtime
 * map's address included) and {@code acpi_rsdp_addr} (0x070); every other zero-page byte apart from the pointer
 * fields of {@code DIFFERENCES.md} item 3; the whole {@code setup_data} chain (addresses, order, types, payloads,
 * the SETUP_EFI node's 96 bytes included), walked through {@code next} in each load's own segments; the runtime-map
 * buffer byte for byte (the descriptors' 4-byte {@code pad} included: kexec-tools does not set it, and in every
 * captured buffer it is zero); the command line ({@code elfcorehdr=} normalised; {@code acpi_rsdp=} only when EFI
 * is not passed); the addresses and sizes of every segment whose placement no tolerated difference covers.
 */
class UefiDifferentialTests {
    /** kexec -l (a kernel for kexec -e) or kexec -p (a crash kernel). */
    enum Kind {
        KEXEC(false, "console=ttyS0"),
        KDUMP(true, ReferenceInputs.APPEND);

        final boolean crash;
        final String append;

        Kind(boolean crash, String append) {
            this.crash = crash;
            this.append = append;
        }
    }

    static final String EFI_RUNTIME_MAP = "efi-runtime-map";
    private static final int EFI_INFO = 0x1C0;
    private static final int EFI_INFO_SIZE = 32;
    private static final int SETUP_EFI = 4;
    private static final int DESC_SIZE = 40;
    private static final Pattern ELFCOREHDR = Pattern.compile("elfcorehdr=\\d+K");
    /** Segments whose address the purgatory's size moves (DIFFERENCES.md items 1 and 2). */
    private static final List<String> PLACED_AFTER_PURGATORY =
            List.of(LoadedSegment.PURGATORY, LoadedSegment.SETUP, LoadedSegment.KERNEL, LoadedSegment.INITRD);
    private static final Map<String, Pair> PAIRS = new ConcurrentHashMap<>();
    private static final Map<UefiProfileVariant, Path> PROFILES = new ConcurrentHashMap<>();

    static Stream<Arguments> cases() {
        return Stream.of(UefiProfileVariant.values()).flatMap(v -> Stream.of(Kind.values()).map(k -> Arguments.of(v, k)));
    }

    /** Both loads of a case, kexec-tools' runtime-map segment named by role as handoff names it. */
    record Pair(CapturedLoad kexec, CapturedLoad handoff, HandoffPlanRun plan) {
        static Pair of(UefiProfileVariant variant, Kind kind) {
            return PAIRS.computeIfAbsent(variant + "-" + kind, key -> {
                Path kernel = Prerequisites.kernel();
                Prerequisites.kexec();
                Prerequisites.gcc();
                Path profile = profile(variant);
                Path work = ReferenceInputs.work().resolve("uefi").resolve(key.toLowerCase());
                KexecToolsRun k = KexecToolsRun.run(profile, kernel, ReferenceInputs.initrd(), kind.append,
                        work.resolve("kexec"), variant.kexecArgs(), kind.crash);
                HandoffPlanRun h = HandoffPlanRun.plan("x86_64", profile, kernel, ReferenceInputs.initrd(), kind.append,
                        kind.crash, variant.handoffArgs(), work.resolve("handoff"));
                return new Pair(nameRuntimeMap(k.load()), h.load(), h);
            });
        }
    }

    static Path profile(UefiProfileVariant variant) {
        return PROFILES.computeIfAbsent(variant, v -> v.create(ReferenceInputs.work().resolve("uefi-profiles")
                .resolve(v.name().toLowerCase())));
    }

    // kexec-tools' runtime map is the segment at efi_info's memmap address; the shim output does not name it
    private static CapturedLoad nameRuntimeMap(CapturedLoad load) {
        long memmap = memmap(ZeroPageView.of(load));
        List<LoadedSegment> out = new ArrayList<>();
        for (LoadedSegment s : load.segments()) {
            boolean map = memmap != 0 && s.mem() == memmap && s.role().equals(LoadedSegment.SETUP_DATA);
            out.add(map ? new LoadedSegment(EFI_RUNTIME_MAP, s.mem(), s.memsz(), s.bufsz(), s.data()) : s);
        }
        return new CapturedLoad(load.source(), load.entry(), load.flags(), out);
    }

    private static long memmap(ZeroPageView zp) {
        return zp.u32(0x1D0) | zp.u32(0x1DC) << 32;
    }

    // ---- the oracle shows what each variant exists for ----

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void kexecToolsPassesEfiExactlyOnTheCapturedProfiles(UefiProfileVariant variant, Kind kind) {
        Pair p = Pair.of(variant, kind);
        ZeroPageView zp = ZeroPageView.of(p.kexec());
        byte[] efiInfo = slice(zp.bytes(), EFI_INFO, EFI_INFO_SIZE);
        if (variant.efiPassed()) {
            assertThat(new String(efiInfo, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("EL64");
            assertThat(zp.u32(0x1C8)).as("memdesc_size").isEqualTo(DESC_SIZE);
            assertThat(zp.u32(0x1CC)).as("memdesc_version").isEqualTo(1);
            assertThat(p.kexec().require(EFI_RUNTIME_MAP).bufsz()).isEqualTo(zp.u32(0x1D4));
            assertThat(setupDataTypes(p.kexec())).contains(SETUP_EFI);
        } else {
            assertThat(efiInfo).as("efi_info").containsOnly(0);
            assertThat(setupDataTypes(p.kexec())).doesNotContain(SETUP_EFI);
        }
    }

    // ---- EFI fields: no tolerated difference ----

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void efiInfoAndAcpiRsdpAddrAreEqual(UefiProfileVariant variant, Kind kind) {
        Pair p = Pair.of(variant, kind);
        ZeroPageView k = ZeroPageView.of(p.kexec());
        ZeroPageView h = ZeroPageView.of(p.handoff());
        assertThat(hex(slice(h.bytes(), EFI_INFO, EFI_INFO_SIZE))).as("efi_info 0x1C0-0x1DF")
                .isEqualTo(hex(slice(k.bytes(), EFI_INFO, EFI_INFO_SIZE)));
        assertThat(h.u64(ZeroPageView.ACPI_RSDP_ADDR)).as("acpi_rsdp_addr").isEqualTo(k.u64(ZeroPageView.ACPI_RSDP_ADDR));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void everyZeroPageByteOutsideThePointerFieldsIsEqual(UefiProfileVariant variant, Kind kind) {
        Pair p = Pair.of(variant, kind);
        byte[] k = ZeroPageView.of(p.kexec()).bytes();
        byte[] h = ZeroPageView.of(p.handoff()).bytes();
        for (int[] field : pointerFields(p)) {
            for (int i = 0; i < field[1]; i++) {
                k[field[0] + i] = 0;
                h[field[0] + i] = 0;
            }
        }
        assertThat(X86_64DifferentialTests.byteDifferences(k, h)).isEmpty();
    }

    // the pointer fields of DIFFERENCES.md item 3 but setup_data: the chain (SETUP_EFI included) is at the same addresses
    private static List<int[]> pointerFields(Pair p) {
        List<int[]> out = new ArrayList<>();
        for (int[] f : ZeroPageView.placementFields()) {
            if (f[0] != ZeroPageView.SETUP_DATA) {
                out.add(f);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void theWholeSetupDataChainIsEqual(UefiProfileVariant variant, Kind kind) {
        Pair p = Pair.of(variant, kind);
        assertThat(chain(p.handoff())).containsExactlyElementsOf(chain(p.kexec()));
        // every setup-data segment is on the chain, and nothing else is
        for (CapturedLoad load : List.of(p.kexec(), p.handoff())) {
            assertThat(ZeroPageView.of(load).setupDataChain(load).stream().map(SetupDataNode::address).toList())
                    .as("%s setup_data chain", load.source())
                    .containsExactlyInAnyOrderElementsOf(load.all(LoadedSegment.SETUP_DATA).stream().map(LoadedSegment::mem).toList());
        }
    }

    private static List<String> chain(CapturedLoad load) {
        return ZeroPageView.of(load).setupDataChain(load).stream()
                .map(n -> String.format("%#x type %d len %d %s", n.address(), n.type(), n.data().length, hex(n.data())))
                .toList();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void theRuntimeMapBufferIsEqualByteForByte(UefiProfileVariant variant, Kind kind) {
        Pair p = Pair.of(variant, kind);
        if (!variant.efiPassed()) {
            assertThat(p.kexec().find(EFI_RUNTIME_MAP)).isEmpty();
            assertThat(p.handoff().find(EFI_RUNTIME_MAP)).isEmpty();
            return;
        }
        LoadedSegment k = p.kexec().require(EFI_RUNTIME_MAP);
        LoadedSegment h = p.handoff().require(EFI_RUNTIME_MAP);
        assertThat(String.format("%#x memsz %#x", h.mem(), h.memsz())).isEqualTo(String.format("%#x memsz %#x", k.mem(), k.memsz()));
        assertThat(descriptors(h.data())).containsExactlyElementsOf(descriptors(k.data()));
        // the descriptors' pad, which kexec-tools leaves unset, is zero in its buffer: compared like the rest
        for (int off = 4; off < k.data().length; off += DESC_SIZE) {
            assertThat(ByteBuffer.wrap(k.data()).order(ByteOrder.LITTLE_ENDIAN).getInt(off)).as("kexec-tools pad at %d", off).isZero();
        }
        assertThat(X86_64DifferentialTests.byteDifferences(k.data(), h.data())).isEmpty();
    }

    private static List<String> descriptors(byte[] map) {
        ByteBuffer b = ByteBuffer.wrap(map).order(ByteOrder.LITTLE_ENDIAN);
        List<String> out = new ArrayList<>();
        for (int off = 0; off + DESC_SIZE <= map.length; off += DESC_SIZE) {
            out.add(String.format("type %d pad %d phys %#x virt %#x pages %#x attr %#x", b.getInt(off), b.getInt(off + 4),
                    b.getLong(off + 8), b.getLong(off + 16), b.getLong(off + 24), b.getLong(off + 32)));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void theCommandLineIsEqualAndHasAcpiRsdpOnlyWithoutEfi(UefiProfileVariant variant, Kind kind) {
        Pair p = Pair.of(variant, kind);
        String k = ZeroPageView.of(p.kexec()).commandLine(p.kexec());
        String h = ZeroPageView.of(p.handoff()).commandLine(p.handoff());
        assertThat(normalise(h)).isEqualTo(normalise(k));
        assertThat(p.plan().commandLine()).as("manifest commandLine").isEqualTo(h);
        if (kind.crash) {
            // kexec-tools leaves acpi_rsdp= off when it can open runtime-map without --noefi, passed or not
            boolean runtimeMapOpens = variant != UefiProfileVariant.NO_RUNTIME_MAP && variant != UefiProfileVariant.NOEFI_OPTION;
            assertThat(k.contains(" acpi_rsdp=")).as(k).isEqualTo(!runtimeMapOpens);
        } else {
            assertThat(k).doesNotContain("acpi_rsdp=");
        }
    }

    private static String normalise(String cmdline) {
        return ELFCOREHDR.matcher(cmdline).replaceAll("elfcorehdr=<handoff's own>K");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void segmentRolesSizesAndAddressesAreEqualApartFromThePurgatorysShift(UefiProfileVariant variant, Kind kind) {
        Pair p = Pair.of(variant, kind);
        assertThat(segmentTable(p.handoff(), false)).containsExactlyInAnyOrderElementsOf(segmentTable(p.kexec(), false));
        assertThat(segmentTable(p.handoff(), true)).containsExactlyInAnyOrderElementsOf(segmentTable(p.kexec(), true));
        for (CapturedLoad load : List.of(p.kexec(), p.handoff())) {
            ZeroPageView zp = ZeroPageView.of(load);
            assertThat(zp.ramdiskImage()).as("%s ramdisk_image", load.source()).isEqualTo(load.require(LoadedSegment.INITRD).mem());
            assertThat(zp.cmdLinePtr()).as("%s cmd_line_ptr", load.source())
                    .isEqualTo(load.require(LoadedSegment.SETUP).mem() + zp.u16(ZeroPageView.CL_OFFSET));
        }
    }

    // withAddresses false: role and sizes of every segment but the purgatory; true: addresses too, of the segments
    // no tolerated difference moves (EFI buffers, other setup_data, backup, ELF core header)
    private static List<String> segmentTable(CapturedLoad load, boolean withAddresses) {
        List<String> out = new ArrayList<>();
        for (LoadedSegment s : load.segments()) {
            if (s.role().equals(LoadedSegment.PURGATORY)) {
                continue;
            }
            if (!withAddresses) {
                out.add(String.format("%s memsz %#x bufsz %#x", s.role(), s.memsz(), s.bufsz()));
            } else if (!PLACED_AFTER_PURGATORY.contains(s.role())) {
                out.add(String.format("%s at %#x memsz %#x", s.role(), s.mem(), s.memsz()));
            }
        }
        return out;
    }

    static Stream<Arguments> kexecCases() {
        return Stream.of(UefiProfileVariant.values()).map(v -> Arguments.of(v, Kind.KEXEC));
    }

    /**
     * Deliberate difference M3 (DIFFERENCES.md): for {@code kexec -l} kexec-tools takes its RAM from
     * {@code /sys/firmware/memmap}, where what the running kernel reserved out of RAM for EFI (iomem "Reserved",
     * q35 0x7d4ca000-0x7d4d2fff, a runtime-map region) is still RAM, and puts the kernel over it (the next kernel then
     * loses that runtime region and its BGRT); handoff keeps every segment inside the running kernel's RAM. Every
     * other segment is where kexec-tools puts it; the kernel differs only in that way, asserted here.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kexecCases")
    void forKexecEverySegmentIsWhereKexecToolsPutsItAndTheKernelKeepsOutOfReservedMemory(UefiProfileVariant variant,
                                                                                         Kind kind) throws IOException {
        Pair p = Pair.of(variant, kind);
        List<String> k = p.kexec().segments().stream().map(s -> String.format("%s at %#x", s.role(), s.mem())).toList();
        List<String> h = p.handoff().segments().stream().map(s -> String.format("%s at %#x", s.role(), s.mem())).toList();
        assertThat(h.stream().filter(s -> !s.startsWith(LoadedSegment.KERNEL + " ")).toList())
                .containsExactlyInAnyOrderElementsOf(k.stream().filter(s -> !s.startsWith(LoadedSegment.KERNEL + " ")).toList());
        List<long[]> reserved = notRam(profile(variant));
        LoadedSegment handoffKernel = p.handoff().require(LoadedSegment.KERNEL);
        LoadedSegment kexecKernel = p.kexec().require(LoadedSegment.KERNEL);
        assertThat(overlaps(reserved, handoffKernel)).as("handoff's kernel %#x+%#x overlaps memory the running kernel "
                + "reserved", handoffKernel.mem(), handoffKernel.memsz()).isFalse();
        if (kexecKernel.mem() != handoffKernel.mem()) {
            assertThat(overlaps(reserved, kexecKernel)).as("kexec-tools' kernel %#x+%#x differs from handoff's only "
                    + "where it overlaps reserved memory", kexecKernel.mem(), kexecKernel.memsz()).isTrue();
            assertThat(handoffKernel.memsz()).isEqualTo(kexecKernel.memsz());
        }
    }

    // the top-level /proc/iomem ranges that are not System RAM: what the running kernel keeps for itself or firmware
    private static List<long[]> notRam(Path profile) throws IOException {
        List<long[]> out = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(profile.resolve("proc/iomem"))) {
            int colon = line.indexOf(" : ");
            if (line.startsWith(" ") || colon < 0 || line.substring(colon + 3).startsWith("System RAM")) {
                continue;
            }
            String[] r = line.substring(0, colon).split("-");
            out.add(new long[] {Long.parseUnsignedLong(r[0].trim(), 16), Long.parseUnsignedLong(r[1].trim(), 16)});
        }
        return out;
    }

    private static boolean overlaps(List<long[]> ranges, LoadedSegment s) {
        long last = s.mem() + s.memsz() - 1;
        return ranges.stream().anyMatch(r -> r[0] <= last && s.mem() <= r[1]);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void thePlanSaysWhyEfiWasNotPassed(UefiProfileVariant variant, Kind kind) throws IOException {
        Pair p = Pair.of(variant, kind);
        String planText = Files.readString(p.plan().bundle().resolve("plan.txt"), StandardCharsets.UTF_8);
        String manifest = Files.readString(p.plan().bundle().resolve("manifest.json"), StandardCharsets.UTF_8);
        assertThat(planText).containsPattern("firmware:\\s+UEFI, 64-bit");
        if (variant.efiPassed()) {
            assertThat(planText).doesNotContain("EFI not passed");
        } else {
            assertThat(planText).contains("EFI not passed: ");
            assertThat(manifest).contains("EFI not passed: ");
        }
    }

    // ---- the shim serves the captured readdir order ----

    @Test
    void theShimListsTheRuntimeMapInTheCapturedReaddirOrder() throws IOException {
        Pair p = Pair.of(UefiProfileVariant.Q35_2G, Kind.KEXEC);
        List<String> order = Files.readAllLines(profile(UefiProfileVariant.Q35_2G)
                .resolve("sys/firmware/efi/runtime-map/ORDER"), StandardCharsets.US_ASCII);
        List<String> expected = new ArrayList<>();
        for (String n : order) {
            Path d = profile(UefiProfileVariant.Q35_2G).resolve("sys/firmware/efi/runtime-map").resolve(n);
            expected.add(String.format("type %d pad 0 phys %#x virt %#x pages %#x attr %#x",
                    Long.decode(read(d.resolve("type"))), Long.decode(read(d.resolve("phys_addr"))),
                    Long.parseUnsignedLong(read(d.resolve("virt_addr")).substring(2), 16),
                    Long.decode(read(d.resolve("num_pages"))), Long.parseUnsignedLong(read(d.resolve("attribute")).substring(2), 16)));
        }
        assertThat(order).as("captured readdir order is not numeric").isNotEqualTo(order.stream().sorted().toList());
        assertThat(descriptors(p.kexec().require(EFI_RUNTIME_MAP).data())).containsExactlyElementsOf(expected);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Integer> setupDataTypes(CapturedLoad load) {
        return ZeroPageView.of(load).setupDataChain(load).stream().map(SetupDataNode::type).toList();
    }

    private static byte[] slice(byte[] b, int from, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, from, out, 0, len);
        return out;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
