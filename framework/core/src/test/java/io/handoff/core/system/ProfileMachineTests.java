package io.handoff.core.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.CrashNote;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.machine.SystemView;
import io.handoff.api.machine.VmcoreInfo;
import io.handoff.core.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileMachineTests {
    /** A view that records every file read. */
    static final class CountingView implements SystemView {
        final SystemView delegate;
        final List<String> reads = new ArrayList<>();

        CountingView(SystemView delegate) {
            this.delegate = delegate;
        }

        @Override
        public Path root() {
            return delegate.root();
        }

        @Override
        public Path resolve(String machinePath) {
            return delegate.resolve(machinePath);
        }

        @Override
        public boolean exists(String machinePath) {
            return delegate.exists(machinePath);
        }

        @Override
        public String readString(String machinePath) {
            reads.add(machinePath);
            return delegate.readString(machinePath);
        }

        @Override
        public byte[] readBytes(String machinePath, int limit) {
            reads.add(machinePath);
            return delegate.readBytes(machinePath, limit);
        }

        @Override
        public List<String> list(String machineDir) {
            return delegate.list(machineDir);
        }
    }

    @Nested
    class Profile {
        private final ProfileMachine machine = ProfileMachine.at(Fixtures.profile("qemu-pc-x86_64-1g"));

        @Test
        void parsesEveryFile() {
            assertThat(machine.iomem().crashRegions())
                    .containsExactly(new MemoryRange(0x2e000000L, 0x3dffffffL, RangeType.RAM));
            assertThat(machine.firmwareMemmap()).hasSize(7);
            assertThat(machine.crashNotes()).extracting(CrashNote::address).containsExactly(0x3ec3a400L, 0x3ed3a400L);
            assertThat(machine.vmcoreInfo()).contains(new VmcoreInfo(0x11f2000L, 0x1024L));
            assertThat(machine.kcoreLoads()).hasSize(7);
            assertThat(machine.kernelSymbols()).containsEntry("_stext", 0xffffffff99c00000L);
            assertThat(machine.bootParams()).hasValueSatisfying(b -> assertThat(b).hasSize(4096));
            assertThat(machine.commandLine()).isEqualTo("console=ttyS0 crashkernel=256M panic=-1 probe.mode=capture");
            assertThat(machine.view().root()).isEqualTo(Fixtures.profile("qemu-pc-x86_64-1g").toAbsolutePath().normalize());
        }

        @Test
        void bootParamsAreACopyEachTime() {
            byte[] first = machine.bootParams().orElseThrow();
            first[0x202] = 0;
            assertThat(machine.bootParams().orElseThrow()[0x202]).isEqualTo((byte) 'H');
        }
    }

    @Nested
    class Laziness {
        @Test
        void readsNothingUntilAskedAndEachFileOnce() {
            CountingView view = new CountingView(new DirectorySystemView(Fixtures.profile("qemu-pc-x86_64-1g")));
            ProfileMachine machine = new ProfileMachine(view);
            assertThat(view.reads).isEmpty();
            machine.iomem();
            machine.iomem();
            machine.commandLine();
            machine.commandLine();
            machine.kcoreLoads();
            machine.kcoreLoads();
            assertThat(view.reads).containsExactly("/proc/iomem", "/proc/cmdline", "/proc/kcore");
        }

        @Test
        void failuresAreNotRemembered(@TempDir Path root) {
            CountingView view = new CountingView(new DirectorySystemView(root));
            ProfileMachine machine = new ProfileMachine(view);
            ProfileFiles.write(root, "/proc/iomem", "junk\n");
            assertThatThrownBy(machine::iomem).isInstanceOfSatisfying(HandoffException.class,
                    e -> assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE));
            ProfileFiles.write(root, "/proc/iomem", "00001000-0009ffff : System RAM\n");
            assertThat(machine.iomem().roots()).hasSize(1);
            assertThat(view.reads).containsExactly("/proc/iomem", "/proc/iomem");
        }

        @Test
        void aMinimalProfileServesWhatItHas(@TempDir Path root) {
            ProfileFiles.write(root, "/proc/cmdline", "root=/dev/vda\n");
            ProfileMachine machine = ProfileMachine.at(root);
            assertThat(machine.commandLine()).isEqualTo("root=/dev/vda");
            assertThat(machine.firmwareMemmap()).isEmpty();
            assertThat(machine.vmcoreInfo()).isEmpty();
            assertThat(machine.bootParams()).isEmpty();
            assertThatThrownBy(machine::crashNotes).isInstanceOfSatisfying(HandoffException.class,
                    e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE));
        }
    }
}
