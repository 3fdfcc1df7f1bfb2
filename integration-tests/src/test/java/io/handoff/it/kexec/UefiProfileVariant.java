package io.handoff.it.kexec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * UEFI machine profiles the differential tests run on: the two captured under OVMF
 * ({@code src/test/resources/uefi-profiles}, recaptured by {@code src/test/qemu/capture-uefi-profiles.sh}) and
 * synthetic variants derived from them here, one per rule under which kexec-tools does not pass EFI.
 */
public enum UefiProfileVariant {
    /** q35, 2 GiB, crashkernel=256M, 7 runtime regions (readdir order 5 3 1 6 4 2 0). */
    Q35_2G("qemu-q35-ovmf-x86_64-2g", true, List.of(), List.of()),
    /** pc (i440fx), 1 GiB, crashkernel=192M, 8 runtime regions. */
    PC_1G("qemu-pc-ovmf-x86_64-1g", true, List.of(), List.of()),
    /** No runtime-map directory (a first kernel booted with efi=noruntime): EFI not passed, kdump gets acpi_rsdp=. */
    NO_RUNTIME_MAP("qemu-q35-ovmf-x86_64-2g", false, List.of(), List.of()) {
        @Override
        void derive(Path dir) throws IOException {
            ProfileVariant.deleteTree(dir.resolve("sys/firmware/efi/runtime-map"));
        }
    },
    /**
     * An empty runtime-map directory: EFI is not passed (the map is empty) but the directory opens, so kexec-tools
     * leaves {@code acpi_rsdp=} off the capture kernel's command line.
     */
    EMPTY_RUNTIME_MAP("qemu-pc-ovmf-x86_64-1g", false, List.of(), List.of()) {
        @Override
        void derive(Path dir) throws IOException {
            Path map = dir.resolve("sys/firmware/efi/runtime-map");
            ProfileVariant.deleteTree(map);
            Files.createDirectories(map);
            Files.writeString(map.resolve("ORDER"), "");
        }
    },
    /** efi_info's descriptor version 2 in boot_params: "efi memory descriptor version 2 is not supported". */
    DESC_VERSION_2("qemu-q35-ovmf-x86_64-2g", false, List.of(), List.of()) {
        @Override
        void derive(Path dir) throws IOException {
            Path data = dir.resolve("sys/kernel/boot_params/data");
            byte[] page = Files.readAllBytes(data);
            ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).putInt(0x1CC, 2);
            Files.write(data, page);
        }
    },
    /** No {@code /sys/firmware/efi/fw_vendor}: EFI not passed. */
    NO_FW_VENDOR("qemu-pc-ovmf-x86_64-1g", false, List.of(), List.of()) {
        @Override
        void derive(Path dir) throws IOException {
            Files.delete(dir.resolve("sys/firmware/efi/fw_vendor"));
        }
    },
    /** The captured q35 profile with kexec-tools' {@code --noefi} and handoff's {@code -O noefi=true}. */
    NOEFI_OPTION("qemu-q35-ovmf-x86_64-2g", false, List.of("--noefi"), List.of("-O", "noefi=true"));

    private final String base;
    private final boolean efiPassed;
    private final List<String> kexecArgs;
    private final List<String> handoffArgs;

    UefiProfileVariant(String base, boolean efiPassed, List<String> kexecArgs, List<String> handoffArgs) {
        this.base = base;
        this.efiPassed = efiPassed;
        this.kexecArgs = kexecArgs;
        this.handoffArgs = handoffArgs;
    }

    /** Return whether kexec-tools passes EFI (efi_info, SETUP_EFI, runtime map) on this profile. */
    public boolean efiPassed() {
        return efiPassed;
    }

    /** Return the extra kexec-tools arguments. */
    public List<String> kexecArgs() {
        return kexecArgs;
    }

    /** Return the extra {@code handoff plan} arguments. */
    public List<String> handoffArgs() {
        return handoffArgs;
    }

    /** Return the captured profile this variant starts from. */
    public static Path captured(String name) {
        // the q35 profile ships with the x86_64 plugin (simulate --assist efi-warm-reboot runs on it); the others are here
        Path shipped = Prerequisites.repository().resolve("plugins-x86_64/src/main/profiles").resolve(name);
        Path dir = Files.isDirectory(shipped) ? shipped
                : Prerequisites.repository().resolve("integration-tests/src/test/resources/uefi-profiles").resolve(name);
        if (!Files.isRegularFile(dir.resolve("proc/iomem"))) {
            throw new IllegalStateException(dir + " is not a machine profile (no proc/iomem)");
        }
        return dir;
    }

    /** Write the variant's profile into {@code dir} (replaced when it exists) and return it. */
    public Path create(Path dir) {
        try {
            ProfileVariant.deleteTree(dir);
            ProfileVariant.copyTree(captured(base), dir);
            derive(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void derive(Path dir) throws IOException {
        // the captured profile as it is
    }
}
