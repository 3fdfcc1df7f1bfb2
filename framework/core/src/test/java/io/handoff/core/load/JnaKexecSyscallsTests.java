package io.handoff.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.handoff.api.SyscallNumbers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real syscalls, only where they cannot change anything: a kernel without kexec (ENOSYS) or a user
 * without CAP_SYS_BOOT (EPERM). On a root shell of a kexec-capable kernel these tests are skipped, so they
 * never load or unload anything on the machine that runs them.
 */
class JnaKexecSyscallsTests {
    /** The x86_64 numbers, as the x86_64 plugin declares them (its tests check them against the kernel's table). */
    static final SyscallNumbers X86_64 = new SyscallNumbers(246, 320, 169);

    @TempDir
    Path dir;

    JnaKexecSyscalls syscalls;
    int expected;

    @BeforeEach
    void harmlessHostOnly() {
        boolean linuxX86 = "Linux".equals(System.getProperty("os.name"))
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        assumeTrue(linuxX86, "the JNA loader targets x86_64 Linux");
        syscalls = JnaKexecSyscalls.create(X86_64);
        boolean noKexec = !Files.exists(Path.of("/", KexecStatus.KEXEC_LOADED));
        assumeTrue(noKexec || !syscalls.privileged(), "root on a kernel with kexec: a real call could change its state");
        expected = noKexec ? Errno.ENOSYS : Errno.EPERM;
    }

    @Test
    void kexecLoadWithMappedFileAndBytesSegmentsReturnsTheKernelsErrno() throws IOException {
        int errno = syscalls.kexecLoad(TestImages.PURGATORY_ENTRY, KexecSegments.of(TestImages.kdump(dir, true)),
                TestImages.KDUMP_FLAGS);

        assertThat(Errno.name(errno)).isEqualTo(Errno.name(expected));
    }

    @Test
    void aCorruptedFileSegmentIsMappedPrivatelyAndTheFileIsUntouched() throws IOException {
        var image = TestImages.kdump(dir, true);
        byte[] before = Files.readAllBytes(image.request().kernel());

        syscalls.kexecLoad(TestImages.PURGATORY_ENTRY, List.of(KexecSegments.of(image).get(0).corrupted()), TestImages.KDUMP_FLAGS);

        assertThat(Files.readAllBytes(image.request().kernel())).isEqualTo(before);
    }

    @Test
    void kexecFileLoadOpensTheFilesAndReturnsTheKernelsErrno() throws IOException {
        var image = TestImages.kdump(dir, true);

        int errno = syscalls.kexecFileLoad(Optional.of(image.request().kernel()), image.request().initrd(),
                Optional.of("console=ttyS0"), KexecFlags.FILE_ON_CRASH);

        assertThat(Errno.name(errno)).isEqualTo(Errno.name(expected));
    }

    @Test
    void unloadReturnsTheKernelsErrno() {
        assertThat(Errno.name(syscalls.kexecLoad(0, List.of(), KexecFlags.arch(62)))).isEqualTo(Errno.name(expected));
    }
}
