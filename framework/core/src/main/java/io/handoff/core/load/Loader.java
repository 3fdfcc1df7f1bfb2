package io.handoff.core.load;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PlanRequest;
import io.handoff.core.plan.HandoffImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a plan into the running kernel, unloads, and reboots into what is loaded.
 *
 * <p>A load never unloads first: {@code kexec_load} replaces the loaded image atomically, so a failed load
 * leaves the previous capture kernel armed. Lockdown is checked before {@code kexec_load} is tried, because
 * the kernel refuses it under lockdown with a bare EPERM.
 */
public final class Loader {
    private static final Logger LOG = LoggerFactory.getLogger(Loader.class);

    /** Said whenever the kernel's own purgatory runs instead of handoff's. */
    public static final String KERNEL_PURGATORY_NOTE = "kexec_file_load: the kernel places the image and runs its own"
            + " purgatory, so handoff's purgatory does not run: no last words (IPMI, console) and no per-chunk digest"
            + " report";

    private final KexecSyscalls syscalls;
    private final Path root;

    /**
     * Create a loader.
     *
     * @param syscalls the kernel calls
     * @param root where the kexec status files are read ({@code /} on a real machine)
     */
    public Loader(KexecSyscalls syscalls, Path root) {
        this.syscalls = syscalls;
        this.root = root;
    }

    /**
     * What was loaded.
     *
     * @param method the syscall that loaded it ({@link LoadMethod#KEXEC_LOAD} or {@link LoadMethod#FILE_LOAD})
     * @param entry the entry handed to kexec_load (0 for kexec_file_load: the kernel chooses)
     * @param flags the flags passed
     * @param segments the segments passed to kexec_load (empty for kexec_file_load)
     * @param notes things the user must know, one line each
     */
    public record Result(LoadMethod method, long entry, long flags, List<KexecSegment> segments, List<String> notes) {
        public Result {
            segments = List.copyOf(segments);
            notes = List.copyOf(notes);
        }
    }

    /** Return the kexec status of the machine now. */
    public KexecStatus status() {
        return KexecStatus.read(root);
    }

    /**
     * Return the syscall a load would use.
     *
     * @param status the kernel's status
     * @param purgatory whether the plan would carry handoff's purgatory
     * @param asked what the user asked for
     */
    public static LoadMethod wouldUse(KexecStatus status, boolean purgatory, LoadMethod asked) {
        return switch (asked) {
            case KEXEC_LOAD, FILE_LOAD -> asked;
            case AUTO -> purgatory && !status.lockedDown() && !status.loadDisabled().orElse(false)
                    ? LoadMethod.KEXEC_LOAD : LoadMethod.FILE_LOAD;
        };
    }

    /**
     * Load a plan.
     *
     * @param image the plan
     * @param method {@link LoadMethod#KEXEC_LOAD} or {@link LoadMethod#AUTO}; for {@link LoadMethod#FILE_LOAD}
     *     only the plan's request (kernel, initrd, command line, mode) is used
     * @param corruptRole test only: the role of a segment to load with one byte inverted
     * @throws HandoffException NOT_AVAILABLE without purgatory, KEXEC_REFUSED (and others) when the kernel refuses
     */
    public Result load(HandoffImage image, LoadMethod method, Optional<String> corruptRole) {
        KexecStatus status = status();
        boolean crash = image.request().mode() == PlanRequest.Mode.KDUMP;
        List<String> notes = new ArrayList<>();
        if (method == LoadMethod.FILE_LOAD) {
            return fileLoad(image.request(), notes);
        }
        if (method == LoadMethod.AUTO && wouldUse(status, image.purgatory(), method) == LoadMethod.FILE_LOAD) {
            notes.add("--auto: " + (!image.purgatory() ? "the plan has no purgatory"
                    : status.lockedDown() ? "kernel lockdown [" + status.lockdown().orElseThrow() + "] refuses kexec_load"
                    : "kexec_load is disabled (/proc/sys/kernel/kexec_load_disabled)") + ", so kexec_file_load is used");
            return fileLoad(image.request(), notes);
        }
        if (!image.purgatory()) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, "kexec_load: the plan has no purgatory ("
                    + "this build links none), so nothing would check the segments or enter the kernel; load with"
                    + " --file-load (the kernel's own purgatory) or --auto");
        }
        if (status.lockedDown()) {
            throw new HandoffException(FailureKind.KEXEC_REFUSED, "kexec_load: kernel lockdown is ["
                    + status.lockdown().orElseThrow() + "] (/" + KexecStatus.LOCKDOWN + "), which refuses kexec_load:"
                    + " load with --file-load (kexec_file_load, a signed kernel) or --auto");
        }
        if (status.loadDisabled().orElse(false)) {
            throw new HandoffException(FailureKind.KEXEC_REFUSED, "kexec_load: /" + KexecStatus.LOAD_DISABLED
                    + " is 1: kexec loads are disabled until the next boot");
        }
        List<KexecSegment> segments = withCorruption(KexecSegments.of(image), corruptRole);
        long flags = image.kexecFlags();
        LOG.info("kexec_load: entry 0x{}, flags 0x{}, {}", Long.toHexString(image.entry()), Long.toHexString(flags),
                KexecSegments.table(segments));
        int errno = syscalls.kexecLoad(image.entry(), segments, flags);
        if (errno == 0) {
            return new Result(LoadMethod.KEXEC_LOAD, image.entry(), flags, segments, notes);
        }
        KexecStatus after = status();
        if (method == LoadMethod.AUTO && errno == Errno.EPERM && syscalls.privileged()
                && !after.loadDisabled().orElse(false)) {
            // root, not disabled, yet EPERM: lockdown without securityfs to show it
            notes.add("--auto: kexec_load was refused as root (EPERM; lockdown?), so kexec_file_load is used");
            return fileLoad(image.request(), notes);
        }
        throw KexecFailures.of(errno, new KexecFailures.Attempt("kexec_load", crash, segments, flags), after,
                syscalls.privileged());
    }

    private static List<KexecSegment> withCorruption(List<KexecSegment> segments, Optional<String> role) {
        if (role.isEmpty()) {
            return segments;
        }
        if (segments.stream().noneMatch(s -> s.role().equals(role.get()))) {
            throw new HandoffException(FailureKind.USAGE, "--test-corrupt-segment: the plan has no segment '"
                    + role.get() + "' (it has " + segments.stream().map(KexecSegment::role).toList() + ")");
        }
        return segments.stream().map(s -> s.role().equals(role.get()) ? s.corrupted() : s).toList();
    }

    /**
     * Load with {@code kexec_file_load}: the kernel reads and places the files itself.
     *
     * @param request kernel, initrd, command line and mode
     * @param notes notes gathered so far (a fallback's reason)
     */
    public Result fileLoad(PlanRequest request, List<String> notes) {
        boolean crash = request.mode() == PlanRequest.Mode.KDUMP;
        long flags = (crash ? KexecFlags.FILE_ON_CRASH : 0) | (request.initrd().isEmpty() ? KexecFlags.FILE_NO_INITRAMFS : 0);
        List<String> all = new ArrayList<>(notes);
        all.add(KERNEL_PURGATORY_NOTE);
        int errno = syscalls.kexecFileLoad(Optional.of(request.kernel()), request.initrd(),
                Optional.of(request.commandLine()), flags);
        if (errno != 0) {
            throw KexecFailures.of(errno, new KexecFailures.Attempt("kexec_file_load", crash, List.of(), flags), status(),
                    syscalls.privileged());
        }
        return new Result(LoadMethod.FILE_LOAD, 0, flags, List.of(), all);
    }

    /**
     * Unload the reboot image or the capture kernel.
     *
     * @param crash the capture kernel
     * @param method {@link LoadMethod#FILE_LOAD} unloads through kexec_file_load (needed under lockdown, which
     *     {@link LoadMethod#AUTO} detects)
     * @param kexecArch kexec_load's architecture bits, the running kernel's ({@link
     *     io.handoff.api.spi.Platform#kexecArch()} of the host's platform)
     * @return the syscall used
     */
    public LoadMethod unload(boolean crash, LoadMethod method, int kexecArch) {
        KexecStatus status = status();
        boolean viaFile = method == LoadMethod.FILE_LOAD || method == LoadMethod.AUTO && status.lockedDown();
        if (!viaFile) {
            long flags = (crash ? KexecFlags.KEXEC_ON_CRASH : 0) | (kexecArch & KexecFlags.KEXEC_ARCH_MASK);
            int errno = syscalls.kexecLoad(0, List.of(), flags);
            if (errno == 0) {
                return LoadMethod.KEXEC_LOAD;
            }
            if (!(method == LoadMethod.AUTO && errno == Errno.EPERM && syscalls.privileged())) {
                throw KexecFailures.of(errno, new KexecFailures.Attempt("kexec_load", crash, List.of(), flags), status(),
                        syscalls.privileged());
            }
        }
        long flags = KexecFlags.FILE_UNLOAD | (crash ? KexecFlags.FILE_ON_CRASH : 0);
        int errno = syscalls.kexecFileLoad(Optional.empty(), Optional.empty(), Optional.empty(), flags);
        if (errno != 0) {
            throw KexecFailures.of(errno, new KexecFailures.Attempt("kexec_file_load", crash, List.of(), flags), status(),
                    syscalls.privileged());
        }
        return LoadMethod.FILE_LOAD;
    }

    /**
     * Refuse a kexec command by a user who is not root, before any work: the kernel refuses kexec to others, and
     * shows them /proc/iomem with zero addresses, which no plan can use.
     *
     * @param syscalls the kexec syscalls, which know whether the process may call them
     * @param command the command, named in the message ({@code load}, {@code unload}, {@code reboot})
     * @throws HandoffException KEXEC_REFUSED
     */
    public static void requireRoot(KexecSyscalls syscalls, String command) {
        if (!syscalls.privileged()) {
            throw new HandoffException(FailureKind.KEXEC_REFUSED, command + ": needs root (CAP_SYS_BOOT): the kernel"
                    + " refuses kexec to other users" + ("load".equals(command)
                    ? " (and shows them /proc/iomem without addresses)" : ""));
        }
    }

    /**
     * Reboot into the loaded kernel ({@code sync}, then {@code reboot(LINUX_REBOOT_CMD_KEXEC)}); returns only on failure.
     *
     * @param announce run after every check has passed, right before the call that does not return on success
     *     (the CLI says "rebooting" there, and only there)
     * @throws HandoffException NOT_AVAILABLE when nothing is loaded, KEXEC_REFUSED when not root, else the
     *     kernel's refusal
     */
    public void exec(Runnable announce) {
        KexecStatus status = status();
        if (!status.supported()) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, "reboot: the running kernel has no kexec (/"
                    + KexecStatus.KEXEC_LOADED + " is missing)");
        }
        if (!status.loaded()) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, "reboot: no kernel is loaded (/"
                    + KexecStatus.KEXEC_LOADED + " is 0): run 'handoff load' first (a capture kernel loaded with"
                    + " --crash only runs on panic)");
        }
        requireRoot(syscalls, "reboot");
        announce.run();
        int errno = syscalls.rebootIntoLoadedKernel();
        throw KexecFailures.of(errno, new KexecFailures.Attempt("reboot", false, List.of(), 0), status(),
                syscalls.privileged());
    }
}
