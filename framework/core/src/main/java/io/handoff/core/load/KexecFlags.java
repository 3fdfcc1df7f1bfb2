package io.handoff.core.load;

/**
 * Flag values of {@code kexec_load} and {@code kexec_file_load} (Linux UAPI, {@code include/uapi/linux/kexec.h}).
 */
public final class KexecFlags {
    /** kexec_load: the image runs on panic (kdump). */
    public static final long KEXEC_ON_CRASH = 0x1;
    /** kexec_load: the architecture field, ELF {@code e_machine << 16}. */
    public static final long KEXEC_ARCH_MASK = 0xffff0000L;
    /** kexec_file_load: unload instead of load. */
    public static final long FILE_UNLOAD = 0x1;
    /** kexec_file_load: the image runs on panic. */
    public static final long FILE_ON_CRASH = 0x2;
    /** kexec_file_load: no initrd is given. */
    public static final long FILE_NO_INITRAMFS = 0x4;

    private KexecFlags() {
    }

    /** Return the kexec_load architecture bits for an ELF machine number, as {@code Platform.kexecArch()} does by default. */
    public static long arch(int elfMachine) {
        return ((long) elfMachine << 16) & KEXEC_ARCH_MASK;
    }
}
