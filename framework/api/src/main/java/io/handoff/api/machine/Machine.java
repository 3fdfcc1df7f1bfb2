package io.handoff.api.machine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed facts of one machine, read through a {@link SystemView} when first asked for.
 *
 * <p>Each accessor parses its file on first use and fails with a one-line
 * {@link io.handoff.api.HandoffException} that names the file, the line or offset and the problem.
 * Platforms read only what they need, so a profile for s390 needs no {@code boot_params}.
 *
 * @since 0.1
 */
public interface Machine {
    /** Return the files this machine is read from. */
    SystemView view();

    /** Return {@code /proc/iomem}. */
    Iomem iomem();

    /** Return {@code /sys/firmware/memmap}, or an empty list when the machine has none. */
    List<FirmwareMemmapEntry> firmwareMemmap();

    /** Return each present CPU's crash notes, ordered by CPU number. */
    List<CrashNote> crashNotes();

    /** Return the VMCOREINFO note location, if the kernel exports one. */
    Optional<VmcoreInfo> vmcoreInfo();

    /** Return the PT_LOAD headers of {@code /proc/kcore} (only its first 64 KiB are read). */
    List<KcoreLoad> kcoreLoads();

    /** Return the symbols of {@code /proc/kallsyms} (name to address; first occurrence wins). */
    Map<String, Long> kernelSymbols();

    /** Return {@code /sys/kernel/boot_params/data} (x86 only), if present. */
    Optional<byte[]> bootParams();

    /** Return {@code /proc/cmdline} without its trailing newline. */
    String commandLine();

    /**
     * Return the UEFI firmware under {@code /sys/firmware/efi}, or empty on a machine booted without UEFI.
     *
     * <p>The default returns empty, for machines (test doubles) that model no firmware.
     *
     * @return the firmware, read on first use
     * @since 0.2
     */
    default Optional<EfiFirmware> efiFirmware() {
        return Optional.empty();
    }
}
