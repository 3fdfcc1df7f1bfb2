package io.handoff.core.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.core.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileCaptureTests {
    private static final Path PROFILE = Fixtures.profile("qemu-pc-x86_64-1g");

    @TempDir
    Path target;

    @Nested
    class BundledProfile {
        @Test
        void writesExactlyThePlannerFilesInOrder() {
            List<String> written = ProfileCapture.capture(new DirectorySystemView(PROFILE), target);
            assertThat(written).containsExactly(
                    "/proc/iomem", "/proc/cmdline", "/proc/kallsyms", "/proc/kcore",
                    "/sys/kernel/vmcoreinfo", "/sys/kernel/kexec_crash_size", "/sys/kernel/kexec_crash_loaded",
                    "/sys/kernel/boot_params/version", "/sys/kernel/boot_params/data",
                    "/sys/devices/system/cpu/cpu0/crash_notes", "/sys/devices/system/cpu/cpu0/crash_notes_size",
                    "/sys/devices/system/cpu/cpu1/crash_notes", "/sys/devices/system/cpu/cpu1/crash_notes_size",
                    "/sys/firmware/memmap/0/start", "/sys/firmware/memmap/0/end", "/sys/firmware/memmap/0/type",
                    "/sys/firmware/memmap/1/start", "/sys/firmware/memmap/1/end", "/sys/firmware/memmap/1/type",
                    "/sys/firmware/memmap/2/start", "/sys/firmware/memmap/2/end", "/sys/firmware/memmap/2/type",
                    "/sys/firmware/memmap/3/start", "/sys/firmware/memmap/3/end", "/sys/firmware/memmap/3/type",
                    "/sys/firmware/memmap/4/start", "/sys/firmware/memmap/4/end", "/sys/firmware/memmap/4/type",
                    "/sys/firmware/memmap/5/start", "/sys/firmware/memmap/5/end", "/sys/firmware/memmap/5/type",
                    "/sys/firmware/memmap/6/start", "/sys/firmware/memmap/6/end", "/sys/firmware/memmap/6/type");
        }

        @Test
        void copiesAreByteIdenticalToTheProfile() throws IOException {
            List<String> written = ProfileCapture.capture(new DirectorySystemView(PROFILE), target);
            for (String path : written) {
                assertThat(Files.readAllBytes(target.resolve(path.substring(1))))
                        .as(path).isEqualTo(Files.readAllBytes(PROFILE.resolve(path.substring(1))));
            }
            try (Stream<Path> files = Files.walk(target)) {
                assertThat(files.filter(Files::isRegularFile)
                        .filter(f -> !f.getFileName().toString().equals(ProfileCapture.MARKER))).hasSize(written.size());
            }
        }

        @Test
        void theCopyParsesToTheSameMachine() {
            ProfileCapture.capture(new DirectorySystemView(PROFILE), target);
            ProfileMachine original = ProfileMachine.at(PROFILE);
            ProfileMachine copy = ProfileMachine.at(target);
            assertThat(copy.iomem()).isEqualTo(original.iomem());
            assertThat(copy.firmwareMemmap()).isEqualTo(original.firmwareMemmap());
            assertThat(copy.crashNotes()).isEqualTo(original.crashNotes());
            assertThat(copy.vmcoreInfo()).isEqualTo(original.vmcoreInfo());
            assertThat(copy.kcoreLoads()).isEqualTo(original.kcoreLoads());
            assertThat(copy.kernelSymbols()).isEqualTo(original.kernelSymbols());
            assertThat(copy.bootParams().orElseThrow()).isEqualTo(original.bootParams().orElseThrow());
            assertThat(copy.commandLine()).isEqualTo(original.commandLine());
        }
    }

    @Nested
    class LiveLikeSources {
        @TempDir
        Path source;

        @Test
        void cutsKcoreAndKallsymsDown() {
            byte[] kcore = new byte[200_000];
            kcore[0] = 0x7f;
            kcore[199_999] = 1;
            ProfileFiles.write(source, "/proc/kcore", kcore);
            ProfileFiles.write(source, "/proc/kallsyms", """
                    ffffffff81000000 T startup_64
                    ffffffff81000000 T _text
                    ffffffff81000100 t secondary_startup_64
                    ffffffff81001000 T _stext
                    ffffffffc0001000 t cleanup_module\t[e1000]
                    ffffffff82000000 T _etext
                    ffffffff83000000 D _edata
                    ffffffff84000000 B _end
                    """);
            ProfileCapture.capture(new DirectorySystemView(source), target);
            ProfileMachine copy = ProfileMachine.at(target);
            assertThat(copy.view().readBytes("/proc/kcore", Integer.MAX_VALUE)).hasSize(65536).startsWith(0x7f);
            assertThat(copy.kernelSymbols()).containsOnlyKeys("startup_64", "_text", "_stext", "_etext", "_edata", "_end");
        }

        @Test
        void copiesFirmwareTreesAndLockdownButNoPlatformsFilesUnasked() {
            ProfileFiles.write(source, "/sys/firmware/efi/systab", "ACPI20=0x7fb7e014\n");
            ProfileFiles.write(source, "/sys/firmware/efi/fw_vendor", "0x7fbe5018\n");
            ProfileFiles.write(source, "/sys/firmware/efi/efivars/Boot0000-8be4df61", "not captured");
            ProfileFiles.write(source, "/sys/firmware/efi/runtime-map/0/phys_addr", "0x7fa00000\n");
            ProfileFiles.write(source, "/sys/firmware/efi/runtime-map/10/type", "0x5\n");
            ProfileFiles.write(source, "/sys/firmware/reipl/ccw/device", "0.0.1234\n");
            ProfileFiles.write(source, "/sys/firmware/dump/dump_type", "ccw\n");
            ProfileFiles.write(source, "/sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
            ProfileFiles.write(source, "/sys/firmware/acpi/tables/FACP", "not captured");
            List<String> written = ProfileCapture.capture(new DirectorySystemView(source), target);
            assertThat(written).containsExactly(
                    "/sys/firmware/efi/systab", "/sys/firmware/efi/fw_vendor",
                    "/sys/firmware/efi/runtime-map/0/phys_addr", "/sys/firmware/efi/runtime-map/10/type",
                    "/sys/firmware/efi/runtime-map/ORDER", "/sys/kernel/security/lockdown");
            assertThat(target.resolve("sys/kernel/security/lockdown"))
                    .hasContent("[none] integrity confidentiality");
        }

        @Test
        void recordsTheRuntimeMapsDirectoryOrderAndKeepsAProfilesOwn(@TempDir Path again) throws IOException {
            ProfileFiles.write(source, "/proc/cmdline", "quiet\n");
            ProfileFiles.write(source, "/sys/firmware/efi/fw_platform_size", "64\n");
            for (String n : List.of("0", "1", "2", "10")) {
                ProfileFiles.write(source, "/sys/firmware/efi/runtime-map/" + n + "/type", "0x5\n");
            }
            ProfileCapture.capture(new DirectorySystemView(source), target);
            // the order the directory lists them in, whatever it is: every entry once
            assertThat(Files.readAllLines(target.resolve("sys/firmware/efi/runtime-map/ORDER")))
                    .containsExactlyInAnyOrder("0", "1", "2", "10");
            assertThat(target.resolve("sys/firmware/efi/fw_platform_size")).hasContent("64");

            // a profile captured again keeps the ORDER it recorded, not its copy's directory order
            ProfileFiles.write(source, "/sys/firmware/efi/runtime-map/ORDER", "10\n2\n1\n0\n");
            ProfileCapture.capture(new DirectorySystemView(source), again);
            assertThat(again.resolve("sys/firmware/efi/runtime-map/ORDER")).hasContent("10\n2\n1\n0");
        }

        @Test
        void aSourceWithoutAnyProfileFileIsRefusedAndNothingIsWritten() throws IOException {
            Path into = target.resolve("profile");
            assertThatThrownBy(() -> ProfileCapture.capture(new DirectorySystemView(source), into))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage(source + ": holds none of the files a profile captures (/proc/iomem, /proc/cmdline,"
                            + " /sys/kernel/vmcoreinfo …); is it a machine's root?");
            try (Stream<Path> left = Files.list(target)) {
                assertThat(left).isEmpty();
            }
        }

        @Test
        void unwritableTargetFailsAsOutput() throws IOException {
            ProfileFiles.write(source, "/proc/cmdline", "quiet\n");
            Path blocker = Files.writeString(target.resolve("file"), "");
            assertThatThrownBy(() -> ProfileCapture.capture(new DirectorySystemView(source), blocker))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.OUTPUT))
                    .hasMessage(blocker + ": exists and is not a directory");
        }
    }

    @Nested
    class PlatformPaths {
        @TempDir
        Path source;

        @Test
        void declaredTreesAndFilesAreCopiedAfterTheFrameworksInTheOrderGiven() {
            ProfileFiles.write(source, "/sys/firmware/reipl/ccw/device", "0.0.1234\n");
            ProfileFiles.write(source, "/sys/firmware/dump/dump_type", "ccw\n");
            ProfileFiles.write(source, "/sys/firmware/dump/ccw/device", "0.0.5219\n");
            ProfileFiles.write(source, "/sys/hypervisor/type", "xen\n");
            ProfileFiles.write(source, "/sys/kernel/security/lockdown", "[none]\n");

            List<String> written = ProfileCapture.capture(new DirectorySystemView(source), target,
                    List.of("/sys/firmware/dump", "/sys/hypervisor/type", "/sys/firmware/reipl"));

            assertThat(written).containsExactly("/sys/firmware/dump/ccw/device", "/sys/firmware/dump/dump_type",
                    "/sys/hypervisor/type", "/sys/firmware/reipl/ccw/device", "/sys/kernel/security/lockdown");
            assertThat(target.resolve("sys/firmware/dump/ccw/device")).hasContent("0.0.5219");
            assertThat(target.resolve("sys/hypervisor/type")).hasContent("xen");
        }

        @Test
        void aPathTwoPlatformsDeclareIsCopiedOnceAndAnAbsentOneIsSkipped() {
            ProfileFiles.write(source, "/sys/firmware/dump/dump_type", "none\n");

            List<String> written = ProfileCapture.capture(new DirectorySystemView(source), target,
                    List.of("/sys/firmware/dump", "/sys/firmware/opal", "/sys/firmware/dump"));

            assertThat(written).containsExactly("/sys/firmware/dump/dump_type");
        }

        @Test
        void aRelativeOrEscapingPathIsRefusedBeforeAnythingIsWritten() {
            ProfileFiles.write(source, "/proc/cmdline", "quiet\n");
            for (String bad : List.of("sys/firmware/dump", "/sys/../../etc", "/sys/firmware/dump/")) {
                assertThatThrownBy(() -> ProfileCapture.capture(new DirectorySystemView(source), target, List.of(bad)))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
            }
            assertThat(target.resolve("proc/cmdline")).doesNotExist();
        }
    }
}
