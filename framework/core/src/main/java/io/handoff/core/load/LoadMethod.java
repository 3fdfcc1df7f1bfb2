package io.handoff.core.load;

/**
 * Which syscall loads the image.
 */
public enum LoadMethod {
    /** {@code kexec_load} with handoff's plan and purgatory (the default). */
    KEXEC_LOAD("kexec_load"),
    /** {@code kexec_file_load}: the kernel places the image and runs its own purgatory (no last words). */
    FILE_LOAD("kexec_file_load"),
    /** {@code kexec_load}, falling back to {@code kexec_file_load} when lockdown refuses it. */
    AUTO("kexec_load, else kexec_file_load");

    private final String syscall;

    LoadMethod(String syscall) {
        this.syscall = syscall;
    }

    /** Return the syscall name(s), for messages. */
    public String syscall() {
        return syscall;
    }
}
