package io.handoff.api.machine;

import java.util.List;
import java.util.Objects;

/**
 * The machine's UEFI firmware as its kernel exports it under {@code /sys/firmware/efi}: what a loader hands a new
 * kernel so that it keeps the EFI runtime services the running kernel set up.
 *
 * <p>Read the way kexec-tools reads it: {@code systab}, {@code fw_vendor}, {@code runtime} and
 * {@code config_table} by the first line holding a pattern ({@code "SMBIOS=0x"} in {@code systab}, so
 * {@code SMBIOS3=} does not match; {@code "0x"} in the others), the rest of that line a hexadecimal number;
 * a file without the pattern gives 0. Files that are missing or hold a number too large for 64 bits are not
 * errors here: they are {@link #problems()}, reasons a loader that follows kexec-tools does not pass EFI.
 * The runtime map is read in the order the running kernel listed its directory, as a capture recorded it in
 * {@code runtime-map/ORDER}, else in numeric order.
 *
 * @param platformSize the firmware's word size from {@code fw_platform_size} (64 or 32), 0 when absent
 * @param fwVendor the physical address of the firmware vendor string ({@code fw_vendor}), 0 when unknown
 * @param runtime the runtime services table ({@code runtime}); virtual in a kernel that was itself kexec'd
 * @param configTable the configuration table ({@code config_table}), 0 when unknown
 * @param smbios the SMBIOS entry point ({@code SMBIOS=} in {@code systab}), 0 when absent
 * @param runtimeMapPresent whether {@code runtime-map} exists (the running kernel has EFI_RUNTIME_MAP and EFI memmap)
 * @param runtimeMap the runtime map's regions in the running kernel's directory order
 * @param problems why the values cannot be handed on, one line each naming the file; empty when they can
 * @since 0.2
 */
public record EfiFirmware(int platformSize, long fwVendor, long runtime, long configTable, long smbios,
                          boolean runtimeMapPresent, List<EfiMemoryDescriptor> runtimeMap, List<String> problems) {
    public EfiFirmware {
        runtimeMap = List.copyOf(Objects.requireNonNull(runtimeMap, "runtimeMap"));
        problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
    }

    /** Return a one-line summary such as {@code UEFI, 64-bit, 7 runtime regions}. */
    public String describe() {
        String width = platformSize == 0 ? "word size unknown" : platformSize + "-bit";
        int n = runtimeMap.size();
        String regions = runtimeMapPresent ? n + " runtime region" + (n == 1 ? "" : "s") : "no runtime map";
        return "UEFI, " + width + ", " + regions;
    }
}
