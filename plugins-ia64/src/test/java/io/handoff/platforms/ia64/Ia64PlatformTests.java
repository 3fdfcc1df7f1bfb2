package io.handoff.platforms.ia64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.spi.PurgatoryStepContributor;
import io.handoff.core.digest.SegmentDigester;
import io.handoff.core.plan.Contributions;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plan.Planner;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.testing.MapSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plans of the ia64 platform on the bundled profile: kexec-tools' placement, boot data and the step program. */
class Ia64PlatformTests {
    @TempDir
    Path tmp;

    Path kernel;
    Path initrd;

    @BeforeEach
    void files() throws IOException {
        kernel = Ia64Files.vmlinux(tmp, "vmlinux", 0x8000, 0x10000, 0x20000);
        initrd = tmp.resolve("initrd");
        Files.write(initrd, new byte[0x12345]);
    }

    static Segment only(HandoffImage image, String role) {
        return image.segments().stream().filter(s -> s.role().equals(role)).findFirst().orElseThrow();
    }

    static byte[] bytes(Segment s) {
        return ((SegmentData.Bytes) s.data()).data();
    }

    static String text(Segment cmdline) {
        byte[] b = bytes(cmdline);
        int n = 0;
        while (b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    @Nested
    class Kdump {
        HandoffImage image;

        @BeforeEach
        void plan() {
            image = Ia64Files.plan(Ia64Files.profile(), Ia64Files.kdump(kernel, Optional.of(initrd), "root=/dev/sda2"));
        }

        @Test
        void movesEveryPtLoadAndTheEntryToTheCrashRegionsStart() {
            assertThat(image.segments().stream().filter(s -> s.role().equals("kernel")).map(Segment::mem))
                    .containsExactly(0x10000000L, 0x10010000L, 0x10020000L);
            assertThat(image.plan().entry()).isEqualTo(0x10000000L);
        }

        @Test
        void placesBuffersTopDownInKexecToolsOrder() {
            List<String> descending = image.segments().stream().filter(s -> !s.role().equals("kernel"))
                    .sorted(Comparator.comparingLong(Segment::mem).reversed()).map(Segment::role).toList();
            assertThat(descending).containsExactly("purgatory", "elfcorehdr", "loaded-segments", "boot-param",
                    "efi-memmap", "cmdline", "initrd");
            Segment purgatory = only(image, "purgatory");
            assertThat(purgatory.mem() + purgatory.memsz()).isEqualTo(Ia64Files.CRASH_END);
            // each buffer ends where the next one up starts: one hole, filled from the top
            List<Segment> up = image.segments().stream().filter(s -> !s.role().equals("kernel"))
                    .sorted(Comparator.comparingLong(Segment::mem)).toList();
            for (int i = 0; i + 1 < up.size(); i++) {
                assertThat(up.get(i).mem() + up.get(i).memsz()).as(up.get(i).role()).isEqualTo(up.get(i + 1).mem());
            }
        }

        @Test
        void alignsEverySegmentToThe16KiBPage() {
            assertThat(image.segments()).allSatisfy(s -> {
                assertThat(s.mem() % 16384).as(s.role()).isZero();
                assertThat(s.memsz() % 16384).as(s.role()).isZero();
            });
        }

        @Test
        void appendsElfcorehdrAndTheCrashRegionLimits() {
            long elf = only(image, "elfcorehdr").mem();
            String expected = "root=/dev/sda2 elfcorehdr=" + elf / 1024 + "K max_addr=512M min_addr=256M";
            assertThat(text(only(image, "cmdline"))).isEqualTo(expected);
            assertThat(image.plan().commandLine()).isEqualTo(expected);
            assertThat(bytes(only(image, "cmdline"))).hasSize((expected.length() + 1 + 15) / 16 * 16);
        }

        @Test
        void writesTheLoadedSegmentsTableSortedWithTheKernelRoundedTo64KiB() {
            long elf = only(image, "elfcorehdr").mem();
            ByteBuffer t = ByteBuffer.wrap(bytes(only(image, "loaded-segments"))).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(t.capacity()).isEqualTo(32);
            assertThat(new long[] {t.getLong(0), t.getLong(8), t.getLong(16), t.getLong(24)})
                    .containsExactly(0x10000000L, 0x10040000L, elf, elf + 4096);
        }

        @Test
        void buildsTheElfCoreHeaderAsKexecToolsDoesForIa64() {
            ByteBuffer h = ByteBuffer.wrap(bytes(only(image, "elfcorehdr"))).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(h.capacity()).isEqualTo(4096);
            assertThat(h.getShort(16)).isEqualTo((short) 4); // ET_CORE
            assertThat(h.getShort(18)).isEqualTo((short) 50);
            int phnum = h.getShort(56);
            assertThat(phnum).isEqualTo(4 + 1 + 1 + 7);
            // four crash_notes, vmcoreinfo, then the kernel text at KERNEL_START
            assertThat(h.getInt(64)).isEqualTo(4);
            assertThat(h.getLong(64 + 24)).isEqualTo(0x4c30000L);
            assertThat(h.getLong(64 + 4 * 56 + 24)).isEqualTo(0x4c28000L);
            int text = 64 + 5 * 56;
            assertThat(h.getInt(text)).isEqualTo(1);
            assertThat(h.getLong(text + 16)).isEqualTo(0xa000000100000000L);
            assertThat(h.getLong(text + 24)).isEqualTo(0x4000000L);
            assertThat(h.getLong(text + 32)).isEqualTo(0x7a0000L);
            // RAM at PAGE_OFFSET + physical, the crash region cut out, uncached RAM skipped
            List<long[]> ram = Stream.iterate(text + 56, at -> at + 56).limit(7)
                    .map(at -> new long[] {h.getLong(at + 24), h.getLong(at + 16), h.getLong(at + 32)}).toList();
            assertThat(ram.stream().map(r -> r[0])).containsExactly(0L, 0x100000L, 0x4000000L, 0x8000000L,
                    0x20000000L, 0x3f800000L, 0x4040000000L);
            assertThat(ram).allSatisfy(r -> assertThat(r[1]).isEqualTo(0xe000000000000000L + r[0]));
            assertThat(ram.get(3)[2]).isEqualTo(0x8000000L);
            assertThat(ram.get(4)[2]).isEqualTo(0x3f600000L - 0x20000000L);
        }

        @Test
        void sizesTheEfiMemmapBufferForTheSplitsThePatchMakes() {
            // the map is 576 bytes; kexec-tools reserves 577; two loaded segments add up to four descriptors each
            assertThat(only(image, "efi-memmap").bufsz()).isEqualTo(577 + 2 * 2 * 128);
        }

        @Test
        void programsCopyPatchHookAndJumpWithR28() {
            long bootParam = only(image, "boot-param").mem();
            Segment cmdline = only(image, "cmdline");
            Segment map = only(image, "efi-memmap");
            List<PurgatoryStep> steps = image.plan().memoryMoves();
            assertThat(steps).extracting(PurgatoryStep::kind).containsExactly("ia64-boot-param", "ia64-efi-memmap",
                    "ia64-svam-hook");
            assertThat(steps.get(0).operands()).containsExactly(bootParam, cmdline.mem(), only(image, "initrd").mem(),
                    0x12345L);
            assertThat(steps.get(1).operands()).containsExactly(bootParam, map.mem(), map.bufsz(),
                    only(image, "loaded-segments").mem(), 2L);
            assertThat(steps.get(2).operands()).containsExactly(bootParam, cmdline.mem() + cmdline.bufsz());
            assertThat(steps.get(2).policy()).isEqualTo(PurgatoryStep.FailurePolicy.BEST_EFFORT);
            assertThat(image.plan().terminalStep().orElseThrow().operands()).containsExactly(0x10000000L, bootParam);
            assertThat(image.plan().registers()).containsEntry("r28", bootParam);
        }

        @Test
        void withoutACommandLineStartsTheLineWithElfcorehdr() {
            HandoffImage bare = Ia64Files.plan(Ia64Files.profile(), Ia64Files.kdump(kernel, Optional.empty(), ""));
            assertThat(bare.plan().commandLine()).startsWith("elfcorehdr=").endsWith(" max_addr=512M min_addr=256M");
        }
    }

    @Nested
    class Kexec {
        @Test
        void keepsTheKernelWhereItIsLinkedAndFillsTheHighestRamFromTheTop() {
            HandoffImage image = Ia64Files.plan(Ia64Files.profile(), Ia64Files.kexec(kernel, Optional.empty(),
                    "root=/dev/sda2"));
            assertThat(only(image, "kernel").mem()).isEqualTo(Ia64Files.LINKED_AT);
            Segment purgatory = only(image, "purgatory");
            assertThat(purgatory.mem() + purgatory.memsz()).isEqualTo(0x4200000000L);
            assertThat(text(only(image, "cmdline"))).isEqualTo("root=/dev/sda2");
            ByteBuffer t = ByteBuffer.wrap(bytes(only(image, "loaded-segments"))).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(t.capacity()).isEqualTo(16);
            assertThat(t.getLong(0)).isEqualTo(0x4000000L);
        }

        @Test
        void movesAKernelLinkedOutsideRamToTheFirst64MiBAlignedRangeThatHoldsIt() throws IOException {
            Path profile = edited(Files.readString(Ia64Files.profile().resolve("proc/iomem"))
                    .replace("04000000-07ffffff : System RAM", "04000000-07ffffff : reserved"));
            Path big = Ia64Files.vmlinux(tmp, "big", 0x100000, 0x10000, 0x10000);
            HandoffImage image = Ia64Files.plan(profile, Ia64Files.kexec(big, Optional.empty(), "x"));
            // 0x8000000 is the first RAM range whose 64 MiB-aligned start has room for 1.125 MiB ([0, 0xa0000) is
            // too small, [0x100000, 0x4000000) has none left after aligning)
            assertThat(only(image, "kernel").mem()).isEqualTo(0x8000000L);
            assertThat(image.plan().entry()).isEqualTo(0x8000000L);
        }
    }

    @Nested
    class Options {
        @ParameterizedTest
        @ValueSource(strings = {"16384", "65536"})
        void alignsSegmentsToTheConfiguredPageSize(String page) {
            HandoffImage image = Ia64Files.plan(Ia64Files.profile(), Ia64Files.kdump(kernel, Optional.of(initrd),
                    "x"), Map.of("page-size", page, "noio", "false"));
            long size = Long.parseLong(page);
            assertThat(image.segments()).allSatisfy(s -> assertThat(s.mem() % size).as(s.role()).isZero());
        }

        @Test
        void noioLeavesOutTheConsole() {
            HandoffImage image = Ia64Files.plan(Ia64Files.profile(), Ia64Files.with(Ia64Files.kdump(kernel,
                    Optional.empty(), "x"), Map.of("noio", "true")));
            assertThat(image.linkedPurgatory().orElseThrow().program().steps())
                    .noneMatch(s -> s.kind().equals("console") || s.kind().equals("print"));
            assertThat(image.plan().facts()).containsEntry("port io", "off (noio)");
        }

        @Test
        void noioRefusesAContributorThatWouldStillTalkToTheBmc() {
            PurgatoryStepContributor lastWords = new PurgatoryStepContributor() {
                @Override
                public String id() {
                    return "last-words";
                }

                @Override
                public List<String> stepNames() {
                    return List.of("rtc");
                }

                @Override
                public List<PurgatoryStep> steps(io.handoff.api.plan.PlanContext context) {
                    return List.of(new PurgatoryStep("rtc", PurgatoryStep.FailurePolicy.BEST_EFFORT,
                            java.time.Duration.ZERO, List.of(0x70L, 0x71L), "the CMOS clock"));
                }
            };
            Contributions contributions = Contributions.of(List.of(), List.of(new Ia64PurgatorySteps(), lastWords),
                    List.of(new Ia64HaltFallback()));
            assertThatThrownBy(() -> new Planner(new SegmentDigester(1 << 20, 2)).plan(new Ia64Platform(),
                    new MapSettings(Map.of("page-size", "16384", "noio", "true")), contributions,
                    ProfileMachine.at(Ia64Files.profile()), Ia64Files.kdump(kernel, Optional.empty(), "x")))
                    .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.kind())
                            .isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessageContaining("purgatory may not touch I/O ports, but last-words adds rtc steps");
        }

        @Test
        void refusesANoioThatIsNoBoolean() {
            assertThatThrownBy(() -> Ia64Files.plan(Ia64Files.profile(), Ia64Files.with(Ia64Files.kdump(kernel,
                    Optional.empty(), "x"), Map.of("noio", "maybe"))))
                    .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.kind())
                            .isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessage("-O noio=maybe: want true or false");
        }

        @Test
        void refusesAPageSizeNoIa64KernelHas() {
            assertThatThrownBy(() -> Ia64Files.plan(Ia64Files.profile(), Ia64Files.kdump(kernel, Optional.empty(),
                    "x"), Map.of("page-size", "32768", "noio", "false")))
                    .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.kind())
                            .isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessageContaining("page-size = 32768");
        }
    }

    @Nested
    class Refusals {
        @Test
        void refusesAnX86Elf() throws IOException {
            Path x86 = Ia64Files.vmlinux(tmp, "x86", 0x1000);
            byte[] b = Files.readAllBytes(x86);
            b[18] = 62;
            Files.write(x86, b);
            assertThatThrownBy(() -> Ia64Files.plan(Ia64Files.profile(), Ia64Files.kdump(x86, Optional.empty(), "x")))
                    .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.kind())
                            .isEqualTo(FailureKind.UNSUPPORTED_IMAGE))
                    .hasMessage(x86 + ": an ELF file for e_machine 62 (64-bit, little-endian); the ia64 platform loads "
                            + "a 64-bit little-endian EM_IA_64 (50) vmlinux");
        }

        @Test
        void refusesAFileThatIsNoElf() throws IOException {
            Path bz = tmp.resolve("bzImage");
            Files.write(bz, new byte[4096]);
            assertThatThrownBy(() -> Ia64Files.plan(Ia64Files.profile(), Ia64Files.kdump(bz, Optional.empty(), "x")))
                    .hasMessage(bz + ": not an ELF file; the ia64 platform loads an ELF vmlinux (EM_IA_64)");
        }

        @Test
        void refusesACrashRegionThatIsNot64MiBAligned() throws IOException {
            Path profile = edited(Files.readString(Ia64Files.profile().resolve("proc/iomem"))
                    .replace("10000000-1fffffff : Crash kernel", "11000000-1fffffff : Crash kernel"));
            assertThatThrownBy(() -> Ia64Files.plan(profile, Ia64Files.kdump(kernel, Optional.empty(), "x")))
                    .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.kind())
                            .isEqualTo(FailureKind.DOES_NOT_FIT))
                    .hasMessageContaining("starts at 0x11000000, not 64 MiB aligned");
        }

        @Test
        void refusesAProfileWithoutAnEfiMemoryMap() throws IOException {
            Path profile = edited(Files.readString(Ia64Files.profile().resolve("proc/iomem"))
                    .replace("  07ff4000-07ff4240 : EFI Memory Map\n", ""));
            assertThatThrownBy(() -> Ia64Files.plan(profile, Ia64Files.kdump(kernel, Optional.empty(), "x")))
                    .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.kind())
                            .isEqualTo(FailureKind.MALFORMED_PROFILE))
                    .hasMessageContaining("no \"EFI Memory Map\" line");
        }

        @Test
        void refusesACommandLineLongerThanTheKernelTakes() {
            assertThatThrownBy(() -> Ia64Files.plan(Ia64Files.profile(), Ia64Files.kexec(kernel, Optional.empty(),
                    "x".repeat(2048))))
                    .isInstanceOfSatisfying(HandoffException.class, e -> assertThat(e.kind())
                            .isEqualTo(FailureKind.COMMAND_LINE_TOO_LONG));
        }
    }

    @Nested
    class Images {
        @Test
        void describesTheSyntheticKernelAsNotLinux() throws IOException {
            Path synthetic = Ia64Files.synthetic(tmp);
            HandoffImage image = Ia64Files.plan(Ia64Files.profile(), Ia64Files.kdump(synthetic, Optional.empty(), "x"));
            assertThat(image.plan().warnings()).anyMatch(w -> w.contains("synthetic IA-64 vmlinux, not Linux"));
            byte[] head = Files.readAllBytes(synthetic);
            assertThat(new Ia64Platform().describeImage(head)).contains("handoff's synthetic IA-64 vmlinux (not Linux)");
            assertThat(new Ia64Platform().describeImage(Files.readAllBytes(kernel))).contains("an IA-64 ELF vmlinux");
        }

        @Test
        void detectsAnIa64ProfileByItsIomem() {
            io.handoff.core.system.DirectorySystemView view = new io.handoff.core.system.DirectorySystemView(
                    Ia64Files.profile());
            assertThat(new Ia64Platform().detect(view)).isTrue();
        }

        @Test
        void trustsProcKcoreOverIomem() throws IOException {
            // an ia64-looking /proc/iomem under an x86_64 kernel's kcore is not an ia64 machine, and the reverse
            Path x86 = edited(Files.readString(Ia64Files.profile().resolve("proc/iomem")));
            byte[] kcore = new byte[64];
            System.arraycopy(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, 0, kcore, 0, 7);
            kcore[16] = 4;
            kcore[18] = 62;
            Files.write(x86.resolve("proc/kcore"), kcore);
            assertThat(new Ia64Platform().detect(new io.handoff.core.system.DirectorySystemView(x86))).isFalse();
            kcore[18] = 50;
            Files.write(x86.resolve("proc/kcore"), kcore);
            Files.writeString(x86.resolve("proc/iomem"), "00000000-3fffffff : System RAM\n");
            assertThat(new Ia64Platform().detect(new io.handoff.core.system.DirectorySystemView(x86))).isTrue();
        }
    }

    Path edited(String iomem) throws IOException {
        Path dir = tmp.resolve("profile-" + Integer.toHexString(iomem.hashCode()));
        try (Stream<Path> files = Files.walk(Ia64Files.profile())) {
            for (Path p : files.toList()) {
                Path to = dir.resolve(Ia64Files.profile().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Files.writeString(dir.resolve("proc/iomem"), iomem);
        return dir;
    }
}
