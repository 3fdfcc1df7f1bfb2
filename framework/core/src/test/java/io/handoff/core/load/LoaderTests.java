package io.handoff.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.core.plan.HandoffImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loading, unloading and rebooting through a fake kernel: what is called, and what every refusal says.
 */
class LoaderTests {
    @TempDir
    Path dir;

    @TempDir
    Path root;

    FakeKexec kernel;
    Loader loader;

    @BeforeEach
    void setUp() throws IOException {
        kernel = new FakeKexec();
        loader = new Loader(kernel, root);
        KexecStatusTests.write(root, KexecStatus.KEXEC_LOADED, "0\n");
        KexecStatusTests.write(root, KexecStatus.KEXEC_CRASH_LOADED, "0\n");
        KexecStatusTests.write(root, KexecStatus.KEXEC_CRASH_SIZE, "268435456\n");
        KexecStatusTests.write(root, KexecStatus.LOAD_DISABLED, "0\n");
    }

    void lockdown(String file) throws IOException {
        KexecStatusTests.write(root, KexecStatus.LOCKDOWN, file + "\n");
    }

    @Nested
    class KexecLoad {
        @Test
        void passesTheEntryTheSegmentsAndTheFlagsOfThePlan() throws IOException {
            HandoffImage image = TestImages.kdump(dir, true);

            Loader.Result r = loader.load(image, LoadMethod.KEXEC_LOAD, Optional.empty());

            assertThat(kernel.calls).hasSize(1);
            FakeKexec.Call call = kernel.calls.get(0);
            assertThat(call.syscall()).isEqualTo("kexec_load");
            assertThat(call.entry()).isEqualTo(TestImages.PURGATORY_ENTRY);
            assertThat(call.flags()).isEqualTo(0x3e0001L);
            assertThat(call.segments()).isEqualTo(KexecSegments.of(image));
            assertThat(r.method()).isEqualTo(LoadMethod.KEXEC_LOAD);
            assertThat(r.notes()).isEmpty();
        }

        @Test
        void aPlanWithoutPurgatoryIsRefusedBeforeTheKernelIsAsked() throws IOException {
            HandoffException e = catchThrowableOfType(
                    () -> loader.load(TestImages.kdump(dir, false), LoadMethod.KEXEC_LOAD, Optional.empty()),
                    HandoffException.class);

            assertThat(e.kind()).isEqualTo(FailureKind.NOT_AVAILABLE);
            assertThat(e.getMessage()).contains("no purgatory").contains("--file-load");
            assertThat(kernel.calls).isEmpty();
        }

        @Test
        void aFailedLoadNeverUnloadsFirst() throws IOException {
            kernel.loadErrno = Errno.EINVAL;

            assertThatThrownBy(() -> loader.load(TestImages.kdump(dir, true), LoadMethod.KEXEC_LOAD, Optional.empty()))
                    .isInstanceOf(HandoffException.class);

            // one call, and it is the load itself: no kexec_load with zero segments before it
            assertThat(kernel.calls).singleElement().satisfies(c -> assertThat(c.segments()).hasSize(5));
        }

        @Test
        void theTestCorruptionFlipsOneByteOfTheNamedSegmentOnly() throws IOException {
            loader.load(TestImages.kdump(dir, true), LoadMethod.KEXEC_LOAD, Optional.of("kernel"));

            List<KexecSegment> loaded = kernel.calls.get(0).segments();
            assertThat(loaded.get(0).flipByteAt()).hasValue(0x2000L);
            assertThat(loaded.subList(1, loaded.size())).allSatisfy(s -> assertThat(s.flipByteAt()).isEmpty());
        }

        @Test
        void corruptingASegmentThePlanDoesNotHaveIsAUsageError() {
            HandoffException e = catchThrowableOfType(
                    () -> loader.load(TestImages.kdump(dir, true), LoadMethod.KEXEC_LOAD, Optional.of("dtb")),
                    HandoffException.class);

            assertThat(e.kind()).isEqualTo(FailureKind.USAGE);
            assertThat(e.getMessage()).contains("no segment 'dtb'");
        }
    }

    @Nested
    class Lockdown {
        @Test
        void kexecLoadIsRefusedUnderLockdownAndFileLoadIsSuggested() throws IOException {
            lockdown("none [integrity] confidentiality");

            HandoffException e = catchThrowableOfType(
                    () -> loader.load(TestImages.kdump(dir, true), LoadMethod.KEXEC_LOAD, Optional.empty()),
                    HandoffException.class);

            assertThat(e.kind()).isEqualTo(FailureKind.KEXEC_REFUSED);
            assertThat(e.kind().exitCode()).isEqualTo(13);
            assertThat(e.getMessage()).isEqualTo("kexec_load: kernel lockdown is [integrity] "
                    + "(/sys/kernel/security/lockdown), which refuses kexec_load: load with --file-load "
                    + "(kexec_file_load, a signed kernel) or --auto");
            assertThat(kernel.calls).isEmpty();
        }

        @Test
        void autoGoesStraightToFileLoadUnderLockdownAndSaysWhy() throws IOException {
            lockdown("none integrity [confidentiality]");
            HandoffImage image = TestImages.kdump(dir, true);

            Loader.Result r = loader.load(image, LoadMethod.AUTO, Optional.empty());

            assertThat(kernel.syscalls()).containsExactly("kexec_file_load");
            FakeKexec.Call call = kernel.calls.get(0);
            assertThat(call.flags()).isEqualTo(KexecFlags.FILE_ON_CRASH);
            assertThat(call.kernel()).contains(image.request().kernel());
            assertThat(call.initrd()).isEqualTo(image.request().initrd());
            assertThat(call.cmdline()).contains("console=ttyS0");
            assertThat(r.method()).isEqualTo(LoadMethod.FILE_LOAD);
            assertThat(r.notes()).containsExactly(
                    "--auto: kernel lockdown [confidentiality] refuses kexec_load, so kexec_file_load is used",
                    Loader.KERNEL_PURGATORY_NOTE);
        }

        @Test
        void autoFallsBackWhenRootGetsEpermWithoutAVisibleLockdown() throws IOException {
            kernel.loadErrno = Errno.EPERM;

            Loader.Result r = loader.load(TestImages.kdump(dir, true), LoadMethod.AUTO, Optional.empty());

            assertThat(kernel.syscalls()).containsExactly("kexec_load", "kexec_file_load");
            assertThat(r.method()).isEqualTo(LoadMethod.FILE_LOAD);
            assertThat(r.notes().get(0)).contains("refused as root (EPERM");
        }

        @Test
        void autoDoesNotFallBackForANonRootUser() throws IOException {
            kernel.loadErrno = Errno.EPERM;
            kernel.root = false;

            HandoffException e = catchThrowableOfType(
                    () -> loader.load(TestImages.kdump(dir, true), LoadMethod.AUTO, Optional.empty()),
                    HandoffException.class);

            assertThat(e.getMessage()).contains("run as root");
            assertThat(kernel.syscalls()).containsExactly("kexec_load");
        }

        @Test
        void noLockdownMeansKexecLoad() throws IOException {
            lockdown("[none] integrity confidentiality");

            assertThat(loader.load(TestImages.kdump(dir, true), LoadMethod.AUTO, Optional.empty()).method())
                    .isEqualTo(LoadMethod.KEXEC_LOAD);
            assertThat(Loader.wouldUse(loader.status(), true, LoadMethod.AUTO)).isEqualTo(LoadMethod.KEXEC_LOAD);
        }
    }

    @Nested
    class FileLoad {
        @Test
        void aRebootLoadWithoutInitrdSaysNoInitramfs() throws IOException {
            HandoffImage image = TestImages.kdump(dir, true);
            var request = new io.handoff.api.plan.PlanRequest(io.handoff.api.plan.PlanRequest.Mode.KEXEC,
                    image.request().kernel(), Optional.empty(), "quiet", java.util.Map.of());

            Loader.Result r = loader.fileLoad(request, List.of());

            assertThat(kernel.calls.get(0).flags()).isEqualTo(KexecFlags.FILE_NO_INITRAMFS);
            assertThat(kernel.calls.get(0).initrd()).isEmpty();
            assertThat(r.notes()).containsExactly(Loader.KERNEL_PURGATORY_NOTE);
        }
    }

    static Stream<Arguments> errnoTable() {
        return Stream.of(
                Arguments.of("EPERM as a user", Errno.EPERM, false, "kexec_load", 13,
                        "kexec_load: permission denied: run as root (kexec needs CAP_SYS_BOOT) (EPERM)"),
                Arguments.of("EPERM as root", Errno.EPERM, true, "kexec_load", 13,
                        "kexec_load: permission denied as root: the kernel is probably locked down (Secure Boot);"
                                + " load with --file-load (EPERM)"),
                Arguments.of("ENOSYS", Errno.ENOSYS, true, "kexec_load", 10,
                        "kexec_load: the running kernel has no kexec_load (built without CONFIG_KEXEC); try"
                                + " --file-load, or boot a kernel with kexec (ENOSYS)"),
                Arguments.of("ENOSYS file", Errno.ENOSYS, true, "kexec_file_load", 10,
                        "kexec_file_load: the running kernel has no kexec_file_load (built without"
                                + " CONFIG_KEXEC_FILE); load without --file-load (ENOSYS)"),
                Arguments.of("EBUSY", Errno.EBUSY, true, "kexec_load", 13,
                        "kexec_load: busy: another kexec load or unload is running, or the loaded image is in use;"
                                + " try again when it has finished (EBUSY)"),
                Arguments.of("EINVAL", Errno.EINVAL, true, "kexec_load", 13,
                        "kexec_load: the kernel rejected a segment or the flags 0x3e0001 (EINVAL): #0 kernel"
                                + " mem=0x39e00000 memsz=0x3f98000 bufsz=0x4000; #1 setup"),
                Arguments.of("ENOMEM", Errno.ENOMEM, true, "kexec_load", 5,
                        "kexec_load: the kernel has no room for the capture kernel: reserve crash memory with"
                                + " crashkernel= on its command line (now 268435456 bytes reserved)"),
                Arguments.of("EADDRNOTAVAIL", Errno.EADDRNOTAVAIL, true, "kexec_load", 5,
                        "or plan against this machine's own /proc/iomem (EADDRNOTAVAIL): #0 kernel"),
                Arguments.of("EKEYREJECTED", Errno.EKEYREJECTED, true, "kexec_file_load", 13,
                        "kexec_file_load: the kernel refused the image's signature: with Secure Boot or lockdown"
                                + " the kernel image must be signed by a key the running kernel trusts (EKEYREJECTED)"),
                Arguments.of("ENOKEY", Errno.ENOKEY, true, "kexec_file_load", 13, "signature"),
                Arguments.of("EBADMSG", Errno.EBADMSG, true, "kexec_file_load", 13, "(EBADMSG)"),
                Arguments.of("ENOEXEC", Errno.ENOEXEC, true, "kexec_file_load", 7,
                        "kexec_file_load: the running kernel cannot load this image format with kexec_file_load"
                                + " (it takes fewer formats than kexec_load); load without --file-load (ENOEXEC)"),
                Arguments.of("anything else", Errno.EFAULT, true, "kexec_load", 13, "kexec_load failed (EFAULT)"));
    }

    @ParameterizedTest(name = "{0} exits {4}")
    @MethodSource("errnoTable")
    void everyErrnoGetsOneLineSayingWhatToDo(String what, int errno, boolean root, String syscall, int exitCode,
                                             String message) throws IOException {
        kernel.root = root;
        kernel.loadErrno = errno;
        kernel.fileLoadErrno = errno;
        HandoffImage image = TestImages.kdump(dir, true);
        LoadMethod method = syscall.equals("kexec_load") ? LoadMethod.KEXEC_LOAD : LoadMethod.FILE_LOAD;

        HandoffException e = catchThrowableOfType(() -> loader.load(image, method, Optional.empty()),
                HandoffException.class);

        assertThat(e.kind().exitCode()).isEqualTo(exitCode);
        assertThat(e.getMessage()).contains(message).doesNotContain("\n");
        assertThat(kernel.syscalls()).containsExactly(syscall);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kexec_load", "kexec_file_load"})
    void withoutKexecAtAllNeitherSyscallSendsTheUserToTheOther(String syscall) throws IOException {
        Files.delete(root.resolve(KexecStatus.KEXEC_LOADED));
        kernel.loadErrno = Errno.ENOSYS;
        kernel.fileLoadErrno = Errno.ENOSYS;
        LoadMethod method = syscall.equals("kexec_load") ? LoadMethod.KEXEC_LOAD : LoadMethod.FILE_LOAD;

        HandoffException e = catchThrowableOfType(
                () -> loader.load(TestImages.kdump(dir, true), method, Optional.empty()), HandoffException.class);

        assertThat(e.kind()).isEqualTo(FailureKind.NOT_AVAILABLE);
        assertThat(e.getMessage()).isEqualTo(syscall + ": the running kernel has no kexec at all"
                + " (/sys/kernel/kexec_loaded is missing: built without CONFIG_KEXEC and CONFIG_KEXEC_FILE); boot a"
                + " kernel with kexec (ENOSYS)");
    }

    @Test
    void kexecLoadDisabledIsNamedForRoot() throws IOException {
        KexecStatusTests.write(root, KexecStatus.LOAD_DISABLED, "1\n");
        kernel.fileLoadErrno = Errno.EPERM;

        HandoffException e = catchThrowableOfType(
                () -> loader.load(TestImages.kdump(dir, true), LoadMethod.FILE_LOAD, Optional.empty()),
                HandoffException.class);

        assertThat(e.getMessage()).isEqualTo("kexec_file_load: refused: /proc/sys/kernel/kexec_load_disabled is 1,"
                + " which stays set until the next boot (EPERM)");
    }

    @Nested
    class Unload {
        @Test
        void isAKexecLoadWithoutSegmentsAndTheArchitecture() {
            assertThat(loader.unload(true, LoadMethod.KEXEC_LOAD, 62 << 16)).isEqualTo(LoadMethod.KEXEC_LOAD);

            FakeKexec.Call call = kernel.calls.get(0);
            assertThat(call.syscall()).isEqualTo("kexec_load");
            assertThat(call.entry()).isZero();
            assertThat(call.segments()).isEmpty();
            assertThat(call.flags()).isEqualTo(0x3e0001L);
        }

        @Test
        void underLockdownAutoUnloadsThroughKexecFileLoad() throws IOException {
            lockdown("none [integrity] confidentiality");

            assertThat(loader.unload(true, LoadMethod.AUTO, 62 << 16)).isEqualTo(LoadMethod.FILE_LOAD);

            assertThat(kernel.syscalls()).containsExactly("kexec_file_load");
            assertThat(kernel.calls.get(0).flags()).isEqualTo(KexecFlags.FILE_UNLOAD | KexecFlags.FILE_ON_CRASH);
            assertThat(kernel.calls.get(0).kernel()).isEmpty();
        }

        @Test
        void aKernelWithoutKexecSaysSo() {
            kernel.loadErrno = Errno.ENOSYS;

            HandoffException e = catchThrowableOfType(() -> loader.unload(false, LoadMethod.KEXEC_LOAD, 62 << 16),
                    HandoffException.class);

            assertThat(e.kind()).isEqualTo(FailureKind.NOT_AVAILABLE);
            assertThat(kernel.calls.get(0).flags()).isEqualTo(0x3e0000L);
        }
    }

    @Nested
    class Exec {
        final List<String> said = new ArrayList<>();

        void exec() {
            loader.exec(() -> said.add("rebooting"));
        }

        @Test
        void nothingLoadedIsRefusedWithoutRebooting() {
            HandoffException e = catchThrowableOfType(this::exec, HandoffException.class);

            assertThat(e.kind()).isEqualTo(FailureKind.NOT_AVAILABLE);
            assertThat(e.getMessage()).contains("/sys/kernel/kexec_loaded is 0").contains("handoff load");
            assertThat(kernel.calls).isEmpty();
            assertThat(said).isEmpty();
        }

        @Test
        void aUserWhoIsNotRootIsRefusedBeforeTheRebootIsAnnounced() throws IOException {
            KexecStatusTests.write(root, KexecStatus.KEXEC_LOADED, "1\n");
            kernel.root = false;

            HandoffException e = catchThrowableOfType(this::exec, HandoffException.class);

            assertThat(e.kind()).isEqualTo(FailureKind.KEXEC_REFUSED);
            assertThat(e.getMessage()).isEqualTo("reboot: needs root (CAP_SYS_BOOT): the kernel refuses kexec to other users");
            assertThat(kernel.calls).isEmpty();
            assertThat(said).isEmpty();
        }

        @Test
        void aLoadedKernelIsAnnouncedRightBeforeTheRebootAndAFailureIsReported() throws IOException {
            KexecStatusTests.write(root, KexecStatus.KEXEC_LOADED, "1\n");
            kernel.rebootErrno = Errno.EPERM;

            HandoffException e = catchThrowableOfType(this::exec, HandoffException.class);

            assertThat(said).containsExactly("rebooting");
            assertThat(kernel.syscalls()).containsExactly("reboot");
            assertThat(e.kind()).isEqualTo(FailureKind.KEXEC_REFUSED);
            assertThat(e.getMessage()).startsWith("reboot: permission denied as root").endsWith("(EPERM)");
        }
    }
}
