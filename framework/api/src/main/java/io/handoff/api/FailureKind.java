package io.handoff.api;

/**
 * The kinds of failure handoff distinguishes, each with its own process exit code.
 *
 * <p>The exit codes are part of the CLI contract (README, "Exit codes"): kdump services branch on them.
 *
 * @since 0.1
 */
public enum FailureKind {
    /** An unexpected internal error (a bug). */
    INTERNAL(1),
    /** Wrong command-line usage: unknown option, missing argument. */
    USAGE(2),
    /** A file that must be read (kernel, initrd, profile file) is missing or unreadable. */
    UNREADABLE_FILE(3),
    /** A machine-profile file is malformed: an unparsable line, inverted or overlapping ranges. */
    MALFORMED_PROFILE(4),
    /** {@code --crash} was asked but the machine reserves no crash kernel region. */
    NO_CRASH_REGION(5),
    /** The segments do not fit in the memory available (the message lists the free holes). */
    DOES_NOT_FIT(6),
    /** The kernel image is in no format the platform accepts, is truncated or too old. */
    UNSUPPORTED_IMAGE(7),
    /** The command line is longer than the kernel or the boot protocol allows. */
    COMMAND_LINE_TOO_LONG(8),
    /** No such platform, a platform id conflict, or a plugin that cannot be used. */
    PLATFORM(9),
    /** The operation is not available in this build or on this machine (said honestly, never faked). */
    NOT_AVAILABLE(10),
    /** A configuration value is missing or invalid. */
    CONFIGURATION(11),
    /** An output directory or file cannot be written. */
    OUTPUT(12),
    /** The running kernel refused a kexec load, unload or reboot (permissions, lockdown, a rejected segment). */
    KEXEC_REFUSED(13),
    /**
     * A file or directory is refused because trusting it would be unsafe: a plugin directory or jar others can
     * write to (for the commands that load kernels), a capture destination inside /proc, /sys, /dev or the source.
     */
    UNSAFE(14),
    /** Another handoff process holds the load lock (the message names it); nothing was changed. */
    BUSY(15);

    private final int exitCode;

    FailureKind(int exitCode) {
        this.exitCode = exitCode;
    }

    /** Return the process exit code of this kind. */
    public int exitCode() {
        return exitCode;
    }
}
