package io.handoff.core.load;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.util.List;

/**
 * Turns an errno from a kexec syscall into one line that says what happened and what to do.
 */
public final class KexecFailures {
    private KexecFailures() {
    }

    /**
     * What was attempted, for the message.
     *
     * @param syscall {@code kexec_load}, {@code kexec_file_load} or {@code reboot}
     * @param crash whether it concerned the capture kernel
     * @param segments the segment table (kexec_load), empty otherwise
     * @param flags the flags passed
     */
    public record Attempt(String syscall, boolean crash, List<KexecSegment> segments, long flags) {
        public Attempt {
            segments = List.copyOf(segments);
        }
    }

    /**
     * Return the failure for an errno.
     *
     * @param errno what the kernel returned
     * @param attempt what was tried
     * @param status the kernel's kexec status at the time
     * @param privileged whether the process runs as root
     */
    public static HandoffException of(int errno, Attempt attempt, KexecStatus status, boolean privileged) {
        String call = attempt.syscall();
        String why = " (" + Errno.name(errno) + ")";
        boolean fileLoad = "kexec_file_load".equals(call);
        return switch (errno) {
            case Errno.EPERM -> refused(eperm(call, fileLoad, status, privileged) + why);
            // without kexec at all, neither syscall exists: suggesting the other would send the user in circles
            case Errno.ENOSYS -> !status.supported() ? new HandoffException(FailureKind.NOT_AVAILABLE, call
                    + ": the running kernel has no kexec at all (/" + KexecStatus.KEXEC_LOADED + " is missing: built"
                    + " without CONFIG_KEXEC and CONFIG_KEXEC_FILE); boot a kernel with kexec" + why)
                    : new HandoffException(FailureKind.NOT_AVAILABLE, call
                    + ": the running kernel has no " + call + (fileLoad ? " (built without CONFIG_KEXEC_FILE);"
                    + " load without --file-load" : " (built without CONFIG_KEXEC); try --file-load, or boot a kernel"
                    + " with kexec") + why);
            case Errno.EBUSY -> refused(call + ": busy: another kexec load or unload is running, or the loaded"
                    + " image is in use; try again when it has finished" + why);
            case Errno.EINVAL -> "reboot".equals(call)
                    ? refused(call + ": the kernel refused to start the loaded kernel" + why)
                    : refused(fileLoad
                    ? call + ": the kernel rejected the image, the command line or the flags 0x"
                            + Long.toHexString(attempt.flags()) + why
                    : call + ": the kernel rejected a segment or the flags 0x" + Long.toHexString(attempt.flags())
                            + why + ": " + KexecSegments.table(attempt.segments()));
            case Errno.ENOMEM, Errno.EADDRNOTAVAIL -> attempt.crash()
                    ? new HandoffException(FailureKind.NO_CRASH_REGION, call + ": the kernel has no room for the"
                            + " capture kernel: reserve crash memory with crashkernel= on its command line (now "
                            + status.crashSize() + " bytes reserved), or plan against this machine's own /proc/iomem"
                            + why + (fileLoad ? "" : ": " + KexecSegments.table(attempt.segments())))
                    : refused(call + ": the kernel cannot place or allocate the segments; free memory or use a"
                            + " smaller initrd" + why);
            case Errno.EKEYREJECTED, Errno.ENOKEY, Errno.EBADMSG, Errno.ELIBBAD, Errno.ENOPKG, Errno.EMSGSIZE ->
                    refused(call + ": the kernel refused the image's signature: with Secure Boot or lockdown the"
                            + " kernel image must be signed by a key the running kernel trusts" + why);
            case Errno.ENOEXEC -> new HandoffException(FailureKind.UNSUPPORTED_IMAGE, call
                    + ": the running kernel cannot load this image format" + (fileLoad
                    ? " with kexec_file_load (it takes fewer formats than kexec_load); load without --file-load" : "") + why);
            default -> refused(call + " failed" + why);
        };
    }

    private static String eperm(String call, boolean fileLoad, KexecStatus status, boolean privileged) {
        if (!privileged) {
            return call + ": permission denied: run as root (kexec needs CAP_SYS_BOOT)";
        }
        if (status.loadDisabled().orElse(false)) {
            return call + ": refused: /proc/sys/kernel/kexec_load_disabled is 1, which stays set until the next boot";
        }
        if (!fileLoad && status.lockedDown()) {
            return call + ": refused by kernel lockdown [" + status.lockdown().orElseThrow()
                    + "]: load with --file-load (kexec_file_load, a signed kernel)";
        }
        return fileLoad ? call + ": permission denied as root: a security module refuses kexec"
                : call + ": permission denied as root: the kernel is probably locked down (Secure Boot);"
                        + " load with --file-load";
    }

    private static HandoffException refused(String message) {
        return new HandoffException(FailureKind.KEXEC_REFUSED, message);
    }
}
