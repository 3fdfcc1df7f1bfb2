package io.handoff.platforms.x86_64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.HandoffException;
import io.handoff.api.arch.SimulatedMachine;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.core.digest.SegmentDigester;
import io.handoff.core.plan.Contributions;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plan.Planner;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.testing.MapSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EFI hand-off on a synthetic UEFI profile (the bundled qemu-pc 1 GiB guest with {@code /sys/firmware/efi}, a
 * five-region runtime map recorded in the order 4, 2, 0, 3, 1, and "EL64" in boot_params' efi_info), planned by the
 * framework's planner with the synthetic bzImage (xloadflags 0x7f: XLF_EFI_KEXEC set).
 */
class EfiBootDataTests {
    static final long CRASH_START = 0x2e000000L;
    static final long CRASH_END = 0x3dffffffL;
    static final long RSDP = 0xf59c0L;

    @TempDir
    Path tmp;
    Path profile;
    Path kernel;

    @BeforeEach
    void copyProfile() throws IOException, URISyntaxException {
        Path bundled = Path.of(EfiBootDataTests.class.getResource("/profiles/uefi-pc-x86_64-1g").toURI());
        profile = tmp.resolve("profile");
        try (Stream<Path> all = Files.walk(bundled)) {
            for (Path p : all.sorted().toList()) {
                Path to = profile.resolve(bundled.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        kernel = new SyntheticBzImage().write(tmp.resolve("bzImage"));
    }

    HandoffImage plan(PlanRequest.Mode mode, Map<String, String> options) {
        return plan(mode, options, kernel);
    }

    HandoffImage plan(PlanRequest.Mode mode, Map<String, String> options, Path image) {
        PlanRequest request = new PlanRequest(mode, image, Optional.empty(), "console=ttyS0", options);
        return new Planner(new SegmentDigester(1 << 20, 1)).plan(new X86_64Platform(Optional::empty),
                new MapSettings(Map.of("memmap", "e820", "noefi", "false")),
                Contributions.of(List.of(new E820Passing())), ProfileMachine.at(profile), request);
    }

    static Segment segment(HandoffImage image, String role) {
        return image.segments().stream().filter(s -> s.role().equals(role)).findFirst().orElseThrow();
    }

    static byte[] bytes(Segment s) {
        return ((SegmentData.Bytes) s.data()).data();
    }

    static ByteBuffer zeroPage(HandoffImage image) {
        return ByteBuffer.wrap(bytes(segment(image, "setup"))).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] efiInfo(HandoffImage image) {
        byte[] page = bytes(segment(image, "setup"));
        byte[] out = new byte[32];
        System.arraycopy(page, 0x1C0, out, 0, 32);
        return out;
    }

    void write(String machinePath, String content) {
        try {
            Path file = profile.resolve(machinePath.substring(1));
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void delete(String machinePath) throws IOException {
        Path p = profile.resolve(machinePath.substring(1));
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    void patchBootParams(int offset, int value) throws IOException {
        Path data = profile.resolve("sys/kernel/boot_params/data");
        byte[] b = Files.readAllBytes(data);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        Files.write(data, b);
    }

    // The runtime map in the profile's recorded order (4, 2, 0, 3, 1), as kexec-tools' 40-byte descriptors.
    static byte[] expectedMap() {
        long[][] r = {
            {5, 0x3fb60000L, 0xfffffffeff9e0000L, 0x20, 0x800000000000000fL},
            {6, 0x3fc40000L, 0xfffffffeffac0000L, 0x20, 0x800000000000000fL},
            {5, 0x3fb80000L, 0xfffffffeffa00000L, 0x80, 0x800000000000000fL},
            {11, 0xffc00000L, 0xfffffffeff800000L, 0x400, 0x8000000000000001L},
            {6, 0x3fc00000L, 0xfffffffeffa80000L, 0x40, 0x800000000000000fL},
        };
        ByteBuffer b = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] d : r) {
            b.putInt((int) d[0]).putInt(0).putLong(d[1]).putLong(d[2]).putLong(d[3]).putLong(d[4]);
        }
        return b.array();
    }

    static byte[] expectedNode(long next) {
        ByteBuffer b = ByteBuffer.allocate(112).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(next).putInt(4).putInt(96);
        b.putLong(0x3fbe8e98L).putLong(0x3fbecb98L).putLong(0x3fbe7018L).putLong(0x3fb4d000L); // smbios, not SMBIOS3
        return b.array();
    }

    static byte[] expectedEfiInfo(long memmap) {
        return ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
                .put("EL64".getBytes(StandardCharsets.US_ASCII)).putInt(0x3fbee018).putInt(40).putInt(1)
                .putInt((int) memmap).putInt(200).putInt(0).putInt((int) (memmap >>> 32)).array();
    }

    @Nested
    class KexecOnAUefiMachine {
        @Test
        void passesEfiInfoTheSetupEfiNodeAndTheMapInTheLowestHolesFromOneMiB() {
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, Map.of());
            Segment node = image.segments().stream().filter(s -> s.role().equals("setup-data")).findFirst().orElseThrow();
            Segment map = segment(image, "efi-runtime-map");
            assertThat(node.mem()).isEqualTo(0x100000L);
            assertThat(map.mem()).isEqualTo(0x101000L);
            assertThat(bytes(node)).isEqualTo(expectedNode(0));
            assertThat(bytes(map)).isEqualTo(expectedMap());
            assertThat(efiInfo(image)).isEqualTo(expectedEfiInfo(0x101000L));
            assertThat(zeroPage(image).getLong(0x250)).isEqualTo(0x100000L);
            assertThat(zeroPage(image).getLong(0x070)).isEqualTo(RSDP);
            assertThat(image.plan().warnings()).noneMatch(w -> w.startsWith("EFI"));
            assertThat(image.plan().facts().get("efi")).startsWith("passed: 5 runtime regions at 0x101000");
        }

        @Test
        void noefiPassesNothingAndSaysSo() {
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, Map.of("noefi", "true"));
            assertThat(image.segments()).extracting(Segment::role).doesNotContain("efi-runtime-map", "setup-data");
            assertThat(efiInfo(image)).containsOnly(0);
            assertThat(zeroPage(image).getLong(0x250)).isZero();
            assertThat(image.plan().warnings()).contains("EFI not passed: noefi");
        }

        @Test
        void aBadNoefiValueIsAConfigurationError() {
            assertThatThrownBy(() -> plan(PlanRequest.Mode.KEXEC, Map.of("noefi", "yes")))
                    .isInstanceOf(HandoffException.class).hasMessageContaining("-O noefi=yes");
        }

        @Test
        void aKernelWithoutXlfEfiKexecGetsNoEfi() throws IOException {
            Path old = new SyntheticBzImage().u16(0x236, 0x6F).write(tmp.resolve("old-bzImage"));
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, Map.of(), old);
            assertThat(efiInfo(image)).containsOnly(0);
            assertThat(image.plan().warnings()).anyMatch(w -> w.startsWith("EFI not passed: the kernel lacks "
                    + "XLF_EFI_KEXEC"));
        }
    }

    @Nested
    class FailureRules {
        @Test
        void descriptorVersionTwoZeroesEfiInfo() throws IOException {
            patchBootParams(0x1CC, 2);
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, Map.of());
            assertThat(efiInfo(image)).containsOnly(0);
            assertThat(image.segments()).extracting(Segment::role).doesNotContain("efi-runtime-map");
            assertThat(image.plan().warnings())
                    .contains("EFI not passed: efi memory descriptor version 2 is not supported");
        }

        @Test
        void anEmptyEfiInfoInBootParamsPassesNothing() throws IOException {
            patchBootParams(0x1D4, 0);
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, Map.of());
            assertThat(efiInfo(image)).containsOnly(0);
            assertThat(image.plan().warnings()).contains("EFI not passed: efi_info empty in boot_params");
        }

        @Test
        void aMissingFwVendorZeroesEfiInfo() throws IOException {
            delete("/sys/firmware/efi/fw_vendor");
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, Map.of());
            assertThat(efiInfo(image)).containsOnly(0);
            assertThat(image.segments()).extracting(Segment::role).doesNotContain("efi-runtime-map", "setup-data");
            assertThat(image.plan().warnings()).contains("EFI not passed: /sys/firmware/efi/fw_vendor missing");
        }

        @Test
        void anEmptyRuntimeMapZeroesEfiInfo() throws IOException {
            delete("/sys/firmware/efi/runtime-map");
            Files.createDirectories(profile.resolve("sys/firmware/efi/runtime-map"));
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, Map.of());
            assertThat(efiInfo(image)).containsOnly(0);
            assertThat(image.plan().warnings()).contains("EFI not passed: no runtime map");
        }

        @Test
        void aBiosMachineGetsNoWarning() throws IOException {
            delete("/sys/firmware/efi");
            patchBootParams(0x1D4, 0);
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, Map.of());
            assertThat(efiInfo(image)).containsOnly(0);
            assertThat(image.plan().warnings()).noneMatch(w -> w.startsWith("EFI"));
            assertThat(image.plan().facts()).doesNotContainKey("efi");
        }
    }

    @Nested
    class Kdump {
        MemoryRange crash = new MemoryRange(CRASH_START, CRASH_END, io.handoff.api.machine.RangeType.RAM);

        @Test
        void placesTheNodeAndTheMapLowestInTheCrashRegionAndOmitsAcpiRsdp() {
            HandoffImage image = plan(PlanRequest.Mode.KDUMP, Map.of());
            Segment node = image.segments().stream().filter(s -> s.role().equals("setup-data")).findFirst().orElseThrow();
            Segment map = segment(image, "efi-runtime-map");
            assertThat(node.mem()).isEqualTo(CRASH_START);
            assertThat(map.mem()).isEqualTo(CRASH_START + 0x1000);
            assertThat(bytes(map)).isEqualTo(expectedMap());
            assertThat(efiInfo(image)).isEqualTo(expectedEfiInfo(CRASH_START + 0x1000));
            assertThat(image.plan().commandLine()).doesNotContain("acpi_rsdp=").contains("elfcorehdr=");
        }

        @Test
        void noefiAppendsAcpiRsdp() {
            HandoffImage image = plan(PlanRequest.Mode.KDUMP, Map.of("noefi", "true"));
            assertThat(image.plan().commandLine()).contains(" acpi_rsdp=0xf59c0 elfcorehdr=");
            assertThat(efiInfo(image)).containsOnly(0);
        }

        @Test
        void withoutARuntimeMapDirectoryAcpiRsdpIsAppended() throws IOException {
            delete("/sys/firmware/efi/runtime-map");
            HandoffImage image = plan(PlanRequest.Mode.KDUMP, Map.of());
            assertThat(image.plan().commandLine()).contains(" acpi_rsdp=0xf59c0");
            assertThat(image.plan().warnings()).contains("EFI not passed: no runtime map");
        }

        @Test
        void aRuleFailingAfterTheRuntimeMapCheckPassesNeitherEfiNorAcpiRsdpAsKexecToolsDoes() throws IOException {
            // crashdump-x86.c decides acpi_rsdp= on the gate and the map directory alone, before setup_efi_info
            patchBootParams(0x1CC, 2);
            HandoffImage image = plan(PlanRequest.Mode.KDUMP, Map.of());
            assertThat(image.plan().commandLine()).doesNotContain("acpi_rsdp=");
            assertThat(efiInfo(image)).containsOnly(0);
        }
    }

    @Nested
    class SetupDataChain {
        @Test
        void theE820ExtNodeComesAfterTheEfiNodeAndPointsAtIt() throws IOException {
            // 140 more firmware memmap entries: more than the zero page's 128, so an E820_EXT node is added
            for (int i = 0; i < 140; i++) {
                long start = 0x200000000L + i * 0x2000L;
                String dir = "/sys/firmware/memmap/" + (100 + i) + "/";
                write(dir + "start", String.format("0x%x\n", start));
                write(dir + "end", String.format("0x%x\n", start + 0xfff));
                write(dir + "type", "Reserved\n");
            }
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, Map.of());
            List<Segment> nodes = image.segments().stream().filter(s -> s.role().equals("setup-data"))
                    .sorted(Comparator.comparingLong(Segment::mem)).toList();
            assertThat(nodes).hasSize(2);
            Segment efi = nodes.get(0);
            Segment e820 = nodes.get(1);
            Segment map = segment(image, "efi-runtime-map");
            // placement order: EFI node, map, E820_EXT node, each in the lowest hole
            assertThat(efi.mem()).isEqualTo(0x100000L);
            assertThat(map.mem()).isEqualTo(0x101000L);
            assertThat(e820.mem()).isEqualTo(0x102000L);
            assertThat(zeroPage(image).getLong(0x250)).isEqualTo(e820.mem());
            ByteBuffer e = ByteBuffer.wrap(bytes(e820)).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(e.getLong(0)).isEqualTo(efi.mem());
            assertThat(e.getInt(8)).isEqualTo(1);
            assertThat(bytes(efi)).isEqualTo(expectedNode(0));
        }
    }

    @Nested
    class Trace {
        @Test
        void decodesWhatTheNewKernelFinds() {
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, Map.of());
            SimulatedMachine memory = new SimulatedMachine() {
                @Override
                public byte[] read(long address, int length) {
                    byte[] out = new byte[length];
                    for (Segment s : image.segments()) {
                        if (s.data() instanceof SegmentData.Bytes b && address >= s.mem()
                                && address + length <= s.mem() + b.data().length) {
                            System.arraycopy(b.data(), (int) (address - s.mem()), out, 0, length);
                        }
                    }
                    return out;
                }

                @Override
                public boolean crash() {
                    return false;
                }

                @Override
                public Optional<MemoryRange> crashRegion() {
                    return Optional.empty();
                }
            };
            List<String> events = X86_64Simulator.efiHandedOver(memory, segment(image, "setup").mem());
            assertThat(events.get(0)).contains("signature \"EL64\"", "systab 0x3fbee018", "memmap 0x101000",
                    "memmap_size 200", "memdesc_size 40", "memdesc_version 1");
            assertThat(events).contains(
                    "SETUP_EFI at 0x100000: fw_vendor 0x3fbe8e98, runtime 0x3fbecb98, tables 0x3fbe7018, "
                            + "smbios 0x3fb4d000",
                    "setup_data chain: SETUP_EFI at 0x100000 (96 bytes)",
                    "EFI runtime map at 0x101000: 5 regions");
            assertThat(events).anyMatch(l -> l.startsWith("  region 0: type 5, phys 0x3fb60000-0x3fb7ffff"));
            assertThat(HexFormat.of().formatHex(efiInfo(image))).startsWith("454c3634");
        }
    }
}
