package io.handoff.core.load;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The kernel calls a loader makes; each returns 0 on success or the errno the kernel set.
 *
 * <p>{@link JnaKexecSyscalls} makes the real calls; tests substitute a fake to drive every errno.
 */
public interface KexecSyscalls {
    /**
     * {@code kexec_load(entry, nr_segments, segments, flags)}: copy the segments into the kernel. With no
     * segments, unload the image the flags select.
     *
     * @return 0 or the errno
     */
    int kexecLoad(long entry, List<KexecSegment> segments, long flags);

    /**
     * {@code kexec_file_load(kernel_fd, initrd_fd, cmdline_len, cmdline, flags)} on the files opened read-only;
     * with {@link KexecFlags#FILE_UNLOAD} no file is opened.
     *
     * @param kernel the kernel image, absent only for an unload
     * @param initrd the initrd, absent for {@link KexecFlags#FILE_NO_INITRAMFS}
     * @param cmdline the command line, absent only for an unload
     * @return 0 or the errno
     */
    int kexecFileLoad(Optional<Path> kernel, Optional<Path> initrd, Optional<String> cmdline, long flags);

    /**
     * {@code sync()}, then {@code reboot(LINUX_REBOOT_CMD_KEXEC)}: start the loaded kernel. Returns only on failure.
     *
     * @return the errno
     */
    int rebootIntoLoadedKernel();

    /** Return whether the process runs with effective uid 0 (kexec needs CAP_SYS_BOOT). */
    boolean privileged();
}
