package io.handoff.core.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.core.plan.Contributions;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.Segment;
import io.handoff.api.spi.PurgatoryStepContributor;
import io.handoff.core.digest.SegmentDigester;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plan.Planner;
import io.handoff.core.purgatory.LinkedPurgatory;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.testing.Fixtures;
import io.handoff.core.testing.MapSettings;
import io.handoff.core.testing.SyntheticPurgatory;
import io.handoff.core.testing.ToyPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleWriterTests {
    @TempDir
    Path tmp;

    HandoffImage image;
    ProfileMachine machine;
    byte[] kernelBytes;

    @BeforeEach
    void plan() throws IOException {
        kernelBytes = new byte[2_500_000];
        new Random(7).nextBytes(kernelBytes);
        Path kernel = Files.write(tmp.resolve("vmlinuz"), kernelBytes);
        Path initrd = Files.write(tmp.resolve("initrd"), new byte[70_000]);
        machine = ProfileMachine.at(Fixtures.profile("qemu-pc-x86_64-1g"));
        image = new Planner(new SegmentDigester(1 << 20, 2)).plan(new ToyPlatform(), MapSettings.empty(),
                Contributions.NONE, machine,
                new PlanRequest(PlanRequest.Mode.KDUMP, kernel, Optional.of(initrd), "console=ttyS0", Map.of()));
    }

    @Nested
    class Firmware {
        @Test
        void aUefiMachineIsShownWithItsWordSizeAndRuntimeRegions() throws IOException {
            Path root = tmp.resolve("uefi");
            Files.createDirectories(root.resolve("proc"));
            Files.copy(Fixtures.profile("qemu-pc-x86_64-1g").resolve("proc/iomem"), root.resolve("proc/iomem"));
            Path efi = Files.createDirectories(root.resolve("sys/firmware/efi"));
            Files.writeString(efi.resolve("systab"), "ACPI20=0x7fb7e014\n");
            Files.writeString(efi.resolve("fw_platform_size"), "64\n");
            for (String n : List.of("0", "1", "2")) {
                Path r = Files.createDirectories(efi.resolve("runtime-map/" + n));
                for (String f : List.of("type", "phys_addr", "virt_addr", "num_pages", "attribute")) {
                    Files.writeString(r.resolve(f), "0x1\n");
                }
            }
            ProfileMachine uefi = ProfileMachine.at(root);
            Path out = BundleWriter.write(image, uefi, tmp.resolve("bundle"));
            assertThat(Files.readString(out.resolve("plan.txt"))).contains("\nfirmware:     UEFI, 64-bit, 3 runtime regions\n");
            assertThat(Files.readString(out.resolve("manifest.json")))
                    .contains("\"firmware\": \"UEFI, 64-bit, 3 runtime regions\"");
        }
    }

    @Nested
    class Contents {
        @Test
        void segmentFilesHoldExactlyTheDataBytes() throws Exception {
            Path out = BundleWriter.write(image, machine, tmp.resolve("bundle"));
            for (int i = 0; i < image.segments().size(); i++) {
                Segment s = image.segments().get(i);
                Path file = out.resolve("segments").resolve(BundleWriter.fileName(i, s));
                assertThat(Files.size(file)).isEqualTo(s.bufsz());
                assertThat(sha256(Files.readAllBytes(file))).isEqualTo(HexFormat.of().formatHex(image.digests().get(i).sha256()));
            }
            Segment kernel = image.segments().stream().filter(s -> s.role().equals("kernel")).findFirst().orElseThrow();
            int index = image.segments().indexOf(kernel);
            assertThat(Files.readAllBytes(out.resolve("segments").resolve(BundleWriter.fileName(index, kernel))))
                    .isEqualTo(kernelBytes);
        }

        @Test
        void manifestNamesEverySegmentWithHexAddresses() throws IOException {
            Path out = BundleWriter.write(image, machine, tmp.resolve("bundle"));
            String manifest = Files.readString(out.resolve("manifest.json"));
            assertThat(manifest).contains("\"schema\": \"handoff-bundle/1\"", "\"platform\": \"toy\"",
                    "\"mode\": \"kdump\"", "\"kexecFlags\": \"0x3e0001\"", "\"purgatory\": false",
                    "\"crashRegion\"", "\"start\": \"0x2e000000\"");
            for (Segment s : image.segments()) {
                assertThat(manifest).contains("\"role\": \"" + s.role() + "\"",
                        "\"mem\": \"0x" + Long.toHexString(s.mem()) + "\"",
                        "\"memsz\": \"0x" + Long.toHexString(s.memsz()) + "\"");
            }
        }

        @Test
        void planTextAndPictureSayWhatIsThereAndWhatIsMissing() throws IOException {
            Path out = BundleWriter.write(image, machine, tmp.resolve("bundle"));
            String text = Files.readString(out.resolve("plan.txt"));
            assertThat(text).contains("toy, kdump", "crash region: 0x2e000000-0x3dffffff (256 MiB)",
                    "segments (4 of at most 16)", "the platform ships no purgatory image");
            assertThat(text).contains("\nfirmware:     no EFI (no /sys/firmware/efi)\n");
            assertThat(Files.readString(out.resolve("manifest.json"))).contains("\"firmware\": \"no EFI (no /sys/firmware/efi)\"");
            String svg = Files.readString(out.resolve("memory-map.svg"));
            assertThat(svg).startsWith("<svg").contains("Crash region 0x2e000000-0x3dffffff")
                    .contains(">kernel 2.4 MiB<", ">backup 640 KiB<", "No purgatory segment");
        }
    }

    @Nested
    class WithPurgatory {
        HandoffImage linked;

        @BeforeEach
        void planWithPurgatory() {
            PurgatoryStepContributor jump = new PurgatoryStepContributor() {
                @Override
                public String id() {
                    return "jump";
                }

                @Override
                public List<String> stepNames() {
                    return List.of("print", "halt");
                }

                @Override
                public List<PurgatoryStep> steps(PlanContext context) {
                    return List.of(new PurgatoryStep("print", PurgatoryStep.FailurePolicy.BEST_EFFORT,
                                    Duration.ofMillis(2), List.of(), "toy banner"),
                            new PurgatoryStep("halt", PurgatoryStep.FailurePolicy.REQUIRED, Duration.ZERO,
                                    List.of(7L), "stop here"));
                }
            };
            linked = new Planner(new SegmentDigester(1 << 20, 2)).plan(
                    new ToyPlatform(ctx -> { }, Optional.of(SyntheticPurgatory.blob())), MapSettings.empty(),
                    Contributions.of(List.of(jump)), machine,
                    image.request());
        }

        @Test
        void manifestDescribesThePurgatoryAndItsProgram() throws IOException {
            Path out = BundleWriter.write(linked, machine, tmp.resolve("bundle"));
            String manifest = Files.readString(out.resolve("manifest.json"));
            LinkedPurgatory p = linked.linkedPurgatory().orElseThrow();

            assertThat(manifest).contains("\"purgatory\": {", "\"mem\": \"0x" + Long.toHexString(p.segment().mem()) + "\"",
                    "\"entry\": \"0x" + Long.toHexString(p.segment().mem() + SyntheticPurgatory.ENTRY) + "\"",
                    "\"paramOffset\": \"0x1000\"", "\"iterationCap\": 1000000",
                    "\"kind\": \"verify-digests\"", "\"policy\": \"required\"", "\"kind\": \"print\"",
                    "\"policy\": \"best-effort\"", "\"worstCaseUs\": 2000", "\"description\": \"toy banner\"",
                    "\"fallback\": []", "\"role\": \"purgatory\"")
                    .doesNotContain("purgatoryNote");
        }

        @Test
        void planTextListsTheDecodedProgram() throws IOException {
            Path out = BundleWriter.write(linked, machine, tmp.resolve("bundle"));
            String text = Files.readString(out.resolve("plan.txt"));
            LinkedPurgatory p = linked.linkedPurgatory().orElseThrow();

            assertThat(text).contains(String.format("purgatory: linked at %#x, entry %#x (base + 0x760), image 0x9000 "
                            + "bytes, parameter area 0x1000+0x4000", p.segment().mem(), p.entry()),
                    String.format("entry:        %#x (purgatory; it enters the kernel at %#x)", p.entry(),
                            linked.plan().entry()),
                    "program v1: 3 steps, 0 fallback steps",
                    "main      1 print          best-effort <= 2000 us  \"toy banner\"",
                    "main      2 verify-digests required",
                    "main      3 halt           required    <= 0 us  reason 7",
                    "segment mem 0x")
                    .doesNotContain("ships no purgatory image");
            String svg = Files.readString(out.resolve("memory-map.svg"));
            assertThat(svg).contains(">purgatory 36 KiB<").doesNotContain("No purgatory segment");
        }
    }

    @Nested
    class Replacing {
        @Test
        void anEarlierBundleIsReplacedWhole() throws IOException {
            Path out = BundleWriter.write(image, machine, tmp.resolve("bundle"));
            Files.writeString(out.resolve("segments/99-stale.bin"), "old");
            BundleWriter.write(image, machine, out);
            assertThat(out.resolve("segments/99-stale.bin")).doesNotExist();
            assertThat(out.resolve("manifest.json")).exists();
        }

        @Test
        void aDirectoryOfOtherFilesIsNeverReplaced() throws IOException {
            Path precious = Files.createDirectories(tmp.resolve("home"));
            Files.writeString(precious.resolve("thesis.tex"), "keep me");
            assertThatThrownBy(() -> BundleWriter.write(image, machine, precious))
                    .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.OUTPUT))
                    .hasMessageContaining("is not a handoff bundle");
            assertThat(precious.resolve("thesis.tex")).hasContent("keep me");
            try (var siblings = Files.list(tmp)) {
                assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp"));
            }
        }
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
