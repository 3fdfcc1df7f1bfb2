package io.handoff.core.system;

import java.util.List;

/**
 * The machine paths the framework reads, in one place so the readers and {@link ProfileCapture} agree.
 *
 * <p>Paths only a platform reads are that platform's ({@link io.handoff.api.spi.Platform#captureFiles()}).
 */
public final class MachinePaths {
    public static final String IOMEM = "/proc/iomem";
    public static final String CMDLINE = "/proc/cmdline";
    public static final String KALLSYMS = "/proc/kallsyms";
    public static final String KCORE = "/proc/kcore";
    public static final String VMCOREINFO = "/sys/kernel/vmcoreinfo";
    public static final String KEXEC_CRASH_SIZE = "/sys/kernel/kexec_crash_size";
    public static final String KEXEC_CRASH_LOADED = "/sys/kernel/kexec_crash_loaded";
    public static final String BOOT_PARAMS_VERSION = "/sys/kernel/boot_params/version";
    public static final String BOOT_PARAMS_DATA = "/sys/kernel/boot_params/data";
    public static final String CPU_DIR = "/sys/devices/system/cpu";
    public static final String FIRMWARE_MEMMAP_DIR = "/sys/firmware/memmap";
    public static final String EFI_DIR = "/sys/firmware/efi";
    public static final String EFI_RUNTIME_MAP_DIR = "/sys/firmware/efi/runtime-map";
    public static final String LOCKDOWN = "/sys/kernel/security/lockdown";

    /** The EFI files read next to the runtime map (x86 EFI kexec boot). */
    public static final List<String> EFI_FILES = List.of("systab", "fw_vendor", "runtime", "config_table",
            "fw_platform_size");

    /** How much of /proc/kcore kexec-tools reads: the ELF header and program headers only. */
    public static final int KCORE_HEADERS_SIZE = 64 * 1024;

    private MachinePaths() {
    }

    /** Return {@code /sys/devices/system/cpu/cpuN}. */
    public static String cpuDir(int cpu) {
        return CPU_DIR + "/cpu" + cpu;
    }

    /** Return {@code /sys/firmware/memmap/N}. */
    public static String memmapDir(int index) {
        return FIRMWARE_MEMMAP_DIR + "/" + index;
    }
}
