package io.handoff.api;

/**
 * The Linux syscall numbers of the kexec calls on one architecture, from its kernel's syscall table.
 *
 * <p>A platform declares them for the hosts it runs on natively ({@link io.handoff.api.spi.Platform#hostArchitectures});
 * the framework makes the calls through libc's {@code syscall(2)} with these numbers and knows none of its own.
 *
 * @param kexecLoad {@code kexec_load}
 * @param kexecFileLoad {@code kexec_file_load}
 * @param reboot {@code reboot}
 * @since 0.2
 */
public record SyscallNumbers(int kexecLoad, int kexecFileLoad, int reboot) {
    /** Check that every number is positive. */
    public SyscallNumbers {
        if (kexecLoad <= 0 || kexecFileLoad <= 0 || reboot <= 0) {
            throw new IllegalArgumentException("syscall numbers must be positive: kexec_load " + kexecLoad
                    + ", kexec_file_load " + kexecFileLoad + ", reboot " + reboot);
        }
    }
}
