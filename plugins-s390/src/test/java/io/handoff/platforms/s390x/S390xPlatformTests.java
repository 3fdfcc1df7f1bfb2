package io.handoff.platforms.s390x;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.BundledProfile;
import io.handoff.api.Capabilities;
import io.handoff.api.DebianKernel;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.SyscallNumbers;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.system.DirectorySystemView;
import io.handoff.core.testing.Fixtures;
import io.handoff.lastwords.LastWordsSteps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S390xPlatformTests {
    static final int KERNEL_SIZE = 3 * 1024 * 1024 + 0x123;
    static final int INITRD_SIZE = 1024 * 1024 + 5;

    @TempDir
    Path tmp;

    Path kernel;
    Path initrd;

    @BeforeEach
    void files() throws IOException {
        kernel = S390Files.image(tmp, "image", KERNEL_SIZE, 4096);
        initrd = tmp.resolve("initrd");
        Files.write(initrd, new byte[INITRD_SIZE]);
    }

    static Segment segment(HandoffImage image, String role) {
        return image.segments().stream().filter(s -> s.role().equals(role)).findFirst().orElseThrow();
    }

    static ByteBuffer head(HandoffImage image) {
        return ByteBuffer.wrap(((SegmentData.Bytes) segment(image, "kernel-head").data()).data())
                .order(ByteOrder.BIG_ENDIAN);
    }

    static String commandLineAt0x480(ByteBuffer head) {
        int end = 0x480;
        while (head.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - 0x480];
        head.get(0x480, b);
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Nested
    class Describes {
        @Test
        void bigEndianS390WithDumpReiplAndNoPortIo() {
            S390xPlatform p = new S390xPlatform();
            assertThat(p.id()).isEqualTo("s390x");
            assertThat(p.elfMachine()).isEqualTo(22);
            assertThat(p.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
            assertThat(p.capabilities()).containsExactly(Capabilities.DUMP_REIPL).doesNotContain(Capabilities.PORT_IO);
            assertThat(p.imageFormats()).extracting(f -> f.id()).containsExactly("s390-image");
        }

        @Test
        void runsNativelyOnS390xHostsWithTheKernelsSyscallTable() {
            S390xPlatform p = new S390xPlatform();
            assertThat(p.hostArchitectures()).containsExactly("s390x");
            // arch/s390/kernel/syscalls/syscall.tbl: 277 kexec_load, 381 kexec_file_load, 88 reboot
            assertThat(p.syscallNumbers()).contains(new SyscallNumbers(277, 381, 88));
            assertThat(p.kexecArch()).isEqualTo(22 << 16);
        }

        @Test
        void captureCopiesTheDumpAndReiplTreesItReads() {
            assertThat(new S390xPlatform().captureFiles()).containsExactly("/sys/firmware/dump", "/sys/firmware/reipl");
        }

        @Test
        void shipsTheCcwProfileFirstAndDetectsEachOfItsProfiles() {
            S390xPlatform p = new S390xPlatform();
            assertThat(p.bundledProfiles()).extracting(BundledProfile::name)
                    .containsExactly("s390x-ccw-dump", "s390x-fcp-dump", "s390x-no-dump");
            for (BundledProfile profile : p.bundledProfiles()) {
                assertThat(p.detect(new DirectorySystemView(S390Files.profile(profile.name())))).as(profile.name()).isTrue();
            }
        }

        @Test
        void takesDebiansS390xKernel() {
            assertThat(new S390xPlatform().debianKernel()).contains(new DebianKernel("s390x", "s390x"));
        }

        @Test
        void theLastWordsModuleDeclinesIt() {
            assertThat(LastWordsSteps.availability(new S390xPlatform()))
                    .isEqualTo("last words: unavailable (no port I/O)");
        }

        @Test
        void shipsABigEndianS390PurgatoryImage() {
            byte[] blob = new S390xPlatform().purgatoryImage().orElseThrow();
            ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.BIG_ENDIAN);
            assertThat(b.getInt(0)).isEqualTo(0x47504F48);
            assertThat(b.getInt(0x1C)).isEqualTo(22);
            assertThat(b.getInt(0x18)).as("image_size fits [0x2000, 0x10000)").isLessThanOrEqualTo(0xE000);
        }
    }

    @Nested
    class Detects {
        @Test
        void theBundledS390Profiles() {
            for (String name : new String[] {"s390x-ccw-dump", "s390x-fcp-dump", "s390x-no-dump"}) {
                assertThat(new S390xPlatform().detect(new DirectorySystemView(S390Files.profile(name)))).as(name)
                        .isTrue();
            }
        }

        @Test
        void notTheX86Guest() {
            assertThat(new S390xPlatform().detect(new DirectorySystemView(Fixtures.profile("qemu-pc-x86_64-1g"))))
                    .isFalse();
        }

        @Test
        void aKcoreWhoseElfHeaderSaysEmS390() throws IOException {
            Path root = tmp.resolve("kcore-only");
            Files.createDirectories(root.resolve("proc"));
            Files.copy(S390Files.profile("s390x-ccw-dump").resolve("proc/kcore"), root.resolve("proc/kcore"));
            assertThat(S390xPlatform.kcoreMachine(new DirectorySystemView(root))).isEqualTo(22);
            assertThat(new S390xPlatform().detect(new DirectorySystemView(root))).isTrue();
        }
    }

    @Nested
    class Kdump {
        HandoffImage image;

        @BeforeEach
        void plan() {
            image = S390Files.plan(S390Files.profile("s390x-ccw-dump"),
                    S390Files.kdump(kernel, Optional.of(initrd), "root=/dev/dasda1 console=ttysclp0"));
        }

        @Test
        void everySegmentSitsAtItsFixedOffsetFromTheCrashBase() {
            long base = S390Files.CRASH_BASE;
            assertThat(segment(image, "kernel-head").mem()).isEqualTo(base + 0x10000);
            assertThat(segment(image, "kernel-head").bufsz()).isEqualTo(0x1000);
            assertThat(segment(image, "kernel").mem()).isEqualTo(base + 0x11000);
            assertThat(segment(image, "initrd").mem()).as("ALIGN_UP(max(8 MiB, kernel size), 1 MiB)")
                    .isEqualTo(base + 0x800000);
            Segment purgatory = segment(image, "purgatory");
            assertThat(purgatory.mem()).isGreaterThanOrEqualTo(base + 0x2000);
            assertThat(purgatory.end()).isLessThan(base + 0x10000);
            assertThat(image.kexecFlags()).isEqualTo(22L << 16 | 1);
        }

        @Test
        void theKernelIsStreamedFromTheFileNotHeldInTheHeap() {
            SegmentData data = segment(image, "kernel").data();
            assertThat(data).isEqualTo(new SegmentData.FileSlice(kernel, 0x11000, KERNEL_SIZE - 0x11000L));
        }

        @Test
        void theParameterAreaCopyCarriesInitrdOldmemAndCommandLine() {
            ByteBuffer head = head(image);
            assertThat(head.getLong(0x408)).as("initrd start, as the swapped kdump kernel sees it").isEqualTo(0x800000);
            assertThat(head.getLong(0x410)).isEqualTo(INITRD_SIZE);
            assertThat(head.getLong(0x418)).as("OLDMEM_BASE").isEqualTo(S390Files.CRASH_BASE);
            assertThat(head.getLong(0x420)).as("OLDMEM_SIZE").isEqualTo(S390Files.CRASH_SIZE);
            assertThat(head.getLong(0x430)).as("max_command_line_size untouched").isEqualTo(4096);
            assertThat(commandLineAt0x480(head)).isEqualTo("root=/dev/dasda1 console=ttysclp0");
            assertThat(Arrays.copyOfRange(head.array(), 0x480 + 33, 0x1000)).as("the image's own line is gone")
                    .containsOnly(0);
        }

        @Test
        void theFileItselfIsNotChanged() throws IOException {
            byte[] file = Files.readAllBytes(kernel);
            assertThat(ByteBuffer.wrap(file).getLong(0x10418)).isZero();
            assertThat(new String(file, 0x10480, 17, StandardCharsets.US_ASCII)).isEqualTo("root=/dev/ram0 ro");
        }

        @Test
        void entersTheKdumpPswAndPassesNoElfcorehdr() {
            assertThat(image.plan().entry()).isEqualTo(0x10010);
            assertThat(image.plan().registers()).containsEntry("psw_mask", 0x0000000180000000L)
                    .containsEntry("psw_addr", 0x10010L);
            assertThat(image.plan().commandLine()).doesNotContain("elfcorehdr");
            assertThat(image.segments()).extracting(Segment::role).doesNotContain("elfcorehdr");
            assertThat(image.plan().facts()).containsEntry("memmap", "oldmem");
        }

        @Test
        void aProfileWithoutCrashRegionIsRefused() throws IOException {
            Path root = tmp.resolve("no-crash");
            Files.createDirectories(root.resolve("proc"));
            Files.writeString(root.resolve("proc/iomem"), "00000000-3fffffff : System RAM\n");
            assertThatThrownBy(() -> S390Files.plan(root, S390Files.kdump(kernel, Optional.empty(), "x")))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.NO_CRASH_REGION));
        }
    }

    @Nested
    class Kexec {
        @Test
        void loadsAtTheAbsoluteOffsetsAndEntersTheNormalEntry() {
            HandoffImage image = S390Files.plan(S390Files.profile("s390x-ccw-dump"),
                    S390Files.kexec(kernel, Optional.of(initrd), "root=/dev/dasda1"));
            assertThat(segment(image, "kernel-head").mem()).isEqualTo(0x10000);
            assertThat(segment(image, "initrd").mem()).isEqualTo(0x800000);
            assertThat(segment(image, "purgatory").mem()).isBetween(0x2000L, 0x10000L - 0xA000);
            assertThat(image.plan().entry()).isEqualTo(0x10000);
            assertThat(image.plan().registers()).containsEntry("psw_mask", 0x0000000080000000L);
            ByteBuffer head = head(image);
            assertThat(head.getLong(0x418)).as("no OLDMEM for a reboot").isZero();
            assertThat(head.getLong(0x420)).isZero();
            assertThat(head.getLong(0x408)).isEqualTo(0x800000);
            assertThat(image.kexecFlags()).isEqualTo(22L << 16);
        }
    }

    @Nested
    class CommandLine {
        @Test
        void theImagesLimitAt0x10430IsEnforced() throws IOException {
            Path small = S390Files.image(tmp, "small", KERNEL_SIZE, 32);
            assertThatThrownBy(() -> S390Files.plan(S390Files.profile("s390x-ccw-dump"),
                    S390Files.kdump(small, Optional.empty(), "x".repeat(32))))
                    .isInstanceOfSatisfying(HandoffException.class, e -> {
                        assertThat(e.kind()).isEqualTo(FailureKind.COMMAND_LINE_TOO_LONG);
                        assertThat(e.getMessage()).contains(small.toString(), "0x10430", "at most 31");
                    });
        }

        @Test
        void zeroMeansTheLegacy896() throws IOException {
            Path legacy = S390Files.image(tmp, "legacy", KERNEL_SIZE, 0);
            assertThat(S390Image.read(legacy, 10).maxCommandLine()).isEqualTo(896);
            assertThatThrownBy(() -> S390Files.plan(S390Files.profile("s390x-ccw-dump"),
                    S390Files.kdump(legacy, Optional.empty(), "y".repeat(896))))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.COMMAND_LINE_TOO_LONG));
        }

        @Test
        void aLineLongerThanThePageStillLandsInTheCopy() {
            String line = "a".repeat(4000);
            HandoffImage image = S390Files.plan(S390Files.profile("s390x-ccw-dump"),
                    S390Files.kdump(kernel, Optional.empty(), line));
            assertThat(segment(image, "kernel-head").bufsz()).isEqualTo(0x2000);
            assertThat(segment(image, "kernel").mem()).isEqualTo(S390Files.CRASH_BASE + 0x12000);
            assertThat(commandLineAt0x480(head(image))).isEqualTo(line);
        }
    }
}
