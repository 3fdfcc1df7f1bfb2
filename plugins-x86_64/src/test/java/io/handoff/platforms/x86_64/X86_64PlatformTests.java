package io.handoff.platforms.x86_64;

import io.handoff.core.testing.Fixtures;
import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.BundledProfile;
import io.handoff.api.DebianKernel;
import io.handoff.api.ImageFormat;
import io.handoff.api.SyscallNumbers;
import io.handoff.api.machine.KcoreLoad;
import io.handoff.api.machine.KernelText;
import io.handoff.api.machine.SystemView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class X86_64PlatformTests {
    /** A view of a directory, enough for detect(). */
    record DirView(Path root) implements SystemView {
        @Override
        public Path resolve(String machinePath) {
            return root.resolve(machinePath.substring(1));
        }

        @Override
        public boolean exists(String machinePath) {
            return Files.exists(resolve(machinePath));
        }

        @Override
        public String readString(String machinePath) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] readBytes(String machinePath, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> list(String machineDir) {
            throw new UnsupportedOperationException();
        }
    }

    @Nested
    class HostAndDistribution {
        X86_64Platform platform = new X86_64Platform();

        @Test
        void runsNativelyWhereAJvmSaysAmd64AndUsesTheKernelsSyscallTable() {
            assertThat(platform.hostArchitectures()).containsExactlyInAnyOrder("amd64", "x86_64");
            // arch/x86/entry/syscalls/syscall_64.tbl: 246 kexec_load, 320 kexec_file_load, 169 reboot
            assertThat(platform.syscallNumbers()).contains(new SyscallNumbers(246, 320, 169));
            assertThat(platform.kexecArch()).isEqualTo(0x3e0000);
        }

        @Test
        void simulatesOnTheBundledQemuProfileByDefaultAndDetectsIt() {
            assertThat(platform.bundledProfiles()).extracting(BundledProfile::name).containsExactly("qemu-pc-x86_64-1g", "qemu-q35-ovmf-x86_64-2g");
            for (BundledProfile bundled : platform.bundledProfiles()) {
                assertThat(platform.detect(new DirView(distributionProfile(bundled.name())))).as(bundled.name()).isTrue();
            }
        }

        @Test
        void takesDebiansAmd64KernelAndAsksCaptureForNothingOfItsOwn() {
            assertThat(platform.debianKernel()).contains(new DebianKernel("amd64", "amd64"));
            assertThat(platform.captureFiles()).isEmpty();
        }

        private Path distributionProfile(String name) {
            return Fixtures.bundledProfile(name);
        }
    }

    @Nested
    class Descriptor {
        X86_64Platform platform = new X86_64Platform();

        @Test
        void describesAnX86MachineThatPurgatoryCanDoPortIoOn() {
            assertThat(platform.id()).isEqualTo("x86_64");
            assertThat(platform.elfMachine()).isEqualTo(62);
            assertThat(platform.capabilities()).containsExactly("port-io");
            assertThat(platform.imageFormats()).extracting(ImageFormat::id).containsExactly("bzImage");
        }

        @Test
        void detectsTheQemuProfileByItsBootParams() {
            assertThat(platform.detect(new DirView(Fixtures.profile("qemu-pc-x86_64-1g")))).isTrue();
        }

        @Test
        void doesNotDetectAMachineWithoutBootParams(@TempDir Path empty) {
            assertThat(platform.detect(new DirView(empty))).isFalse();
        }
    }

    @Nested
    class KernelMappings {
        // a KASLR direct map at 0xffff9a4c00000000 and the kernel text map (values of the kind /proc/kcore shows)
        List<KcoreLoad> loads = List.of(
                new KcoreLoad(0xFFFFFFFF9F600000L, 0x1F600000L, 0x3400000L),
                new KcoreLoad(0xFFFF9A4C00001000L, 0x1000L, 0x9EC00L),
                new KcoreLoad(0xFFFF9A4C00100000L, 0x100000L, 0x3FEE0000L),
                new KcoreLoad(0xFFFFB1A080000000L, -1L, 0x1000000000L));

        @Test
        void findsThePageOffsetBelowTheLowestLoad() {
            assertThat(KernelMapping.pageOffset(loads)).isEqualTo(0xFFFF9A4C00000000L);
            assertThat(KernelMapping.pageOffset(List.of())).isEqualTo(KernelMapping.DEFAULT_PAGE_OFFSET);
        }

        @Test
        void findsTheTextByStext() {
            assertThat(KernelMapping.kernelText(loads, Map.of("_stext", 0xFFFFFFFF9F601000L), 0x1F600000L))
                    .contains(new KernelText(0xFFFFFFFF9F600000L, 0x1F600000L, 0x3400000L));
        }

        @Test
        void fallsBackToTheKernelMapWithoutStextAndAlignsIt() {
            List<KcoreLoad> odd = List.of(new KcoreLoad(0xFFFFFFFF81234000L, 0, 0x100001L));

            assertThat(KernelMapping.kernelText(odd, Map.of(), 0x1000000L))
                    .contains(new KernelText(0xFFFFFFFF81200000L, 0x1000000L, 0x135000L));
        }
    }
}
