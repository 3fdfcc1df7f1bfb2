package io.handoff.platforms.x86_64;

import io.handoff.api.machine.EfiFirmware;
import io.handoff.api.machine.EfiMemoryDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The EFI hand-off of an x86_64 kexec or kdump load, decided and encoded as kexec-tools' {@code setup_efi_info}
 * does it (x86-linux-setup.c).
 *
 * <p>EFI is passed only when the new kernel's xloadflags have {@code XLF_EFI_KEXEC} and {@code noefi} is off;
 * then the running kernel's {@code efi_info} (zero page 0x1C0, 32 bytes) must have a non-zero
 * {@code efi_memmap_size} and descriptor version 1, and {@code /sys/firmware/efi} must give {@code systab},
 * {@code fw_vendor}, {@code runtime}, {@code config_table} and a non-empty runtime map. When it is passed, the new
 * kernel gets the running kernel's {@code efi_info} with the memory map fields pointing at a buffer of the
 * runtime map's regions (40 bytes each), and a {@code SETUP_EFI} setup_data node; when a rule after the gate fails,
 * {@code efi_info} is zeroed. Either way, the decision says why EFI was not passed.
 *
 * @param efiInfo the 32 bytes of {@code efi_info} the new kernel gets, before the map's address is known
 * @param firmware the firmware passed on, empty when EFI is not passed
 * @param reason why EFI is not passed, empty when it is (or when the machine has no UEFI to pass)
 * @since 0.2
 */
public record EfiBootData(byte[] efiInfo, Optional<EfiFirmware> firmware, Optional<String> reason) {
    /** The offset of {@code efi_info} in the zero page. */
    public static final int EFI_INFO_OFFSET = 0x1C0;
    /** The size of {@code efi_info}. */
    public static final int EFI_INFO_SIZE = 32;
    /** The setup_data type of the EFI node ({@code SETUP_EFI}). */
    public static final int SETUP_EFI = 4;
    /** The size of kexec-tools' {@code struct efi_mem_descriptor}: type, pad, four u64. */
    public static final int DESCRIPTOR_SIZE = 40;
    /** The size of {@code struct efi_setup_data}: fw_vendor, runtime, tables, smbios and 8 reserved u64. */
    public static final int EFI_SETUP_DATA_SIZE = 96;
    /** The only EFI memory descriptor version kexec-tools hands on. */
    public static final int DESCRIPTOR_VERSION = 1;

    /** Offsets within {@code efi_info}. */
    static final int SIGNATURE = 0x00;
    static final int SYSTAB = 0x04;
    static final int MEMDESC_SIZE = 0x08;
    static final int MEMDESC_VERSION = 0x0C;
    static final int MEMMAP = 0x10;
    static final int MEMMAP_SIZE = 0x14;
    static final int SYSTAB_HI = 0x18;
    static final int MEMMAP_HI = 0x1C;

    public EfiBootData {
        efiInfo = Objects.requireNonNull(efiInfo, "efiInfo").clone();
        Objects.requireNonNull(firmware, "firmware");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public byte[] efiInfo() {
        return efiInfo.clone();
    }

    /** Return whether the EFI runtime map and {@code SETUP_EFI} node are passed. */
    public boolean passed() {
        return firmware.isPresent();
    }

    /**
     * Decide, with kexec-tools' rules in its order.
     *
     * @param image the new kernel
     * @param noefi kexec-tools' {@code --noefi}
     * @param hostBootParams the running kernel's zero page, if readable
     * @param firmware the machine's UEFI firmware, empty on a BIOS machine
     * @return the decision; its reason is set only on a UEFI machine
     */
    public static EfiBootData decide(BzImage image, boolean noefi, Optional<byte[]> hostBootParams,
                                     Optional<EfiFirmware> firmware) {
        byte[] zero = new byte[EFI_INFO_SIZE];
        if (!image.efiKexec()) {
            return notPassed(zero, firmware, "the kernel lacks XLF_EFI_KEXEC (xloadflags "
                    + String.format("%#x", image.xloadFlags()) + ")");
        }
        if (noefi) {
            return notPassed(zero, firmware, "noefi");
        }
        byte[] host = hostBootParams.orElse(new byte[0]);
        if (host.length < EFI_INFO_OFFSET + EFI_INFO_SIZE) {
            return notPassed(zero, firmware, "efi_info empty in boot_params (boot_params unreadable)");
        }
        byte[] info = new byte[EFI_INFO_SIZE];
        System.arraycopy(host, EFI_INFO_OFFSET, info, 0, EFI_INFO_SIZE);
        ByteBuffer b = ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(MEMMAP_SIZE) == 0) {
            return notPassed(zero, firmware, "efi_info empty in boot_params");
        }
        int version = b.getInt(MEMDESC_VERSION);
        if (version != DESCRIPTOR_VERSION) {
            return notPassed(zero, firmware, "efi memory descriptor version " + version + " is not supported");
        }
        if (firmware.isEmpty()) {
            return notPassed(zero, firmware, "/sys/firmware/efi/systab missing");
        }
        EfiFirmware efi = firmware.get();
        if (!efi.problems().isEmpty()) {
            return notPassed(zero, firmware, efi.problems().get(0));
        }
        if (efi.runtimeMap().isEmpty()) {
            return notPassed(zero, firmware, "no runtime map");
        }
        return new EfiBootData(info, firmware, Optional.empty());
    }

    private static EfiBootData notPassed(byte[] efiInfo, Optional<EfiFirmware> firmware, String reason) {
        // a machine without UEFI has nothing to pass: no reason to give
        return new EfiBootData(efiInfo, Optional.empty(), firmware.map(f -> reason));
    }

    /** Return the {@code efi_info} bytes with the runtime map buffer's address and size filled in. */
    public byte[] efiInfo(long memmapAddress, int memmapSize) {
        byte[] info = efiInfo.clone();
        ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(MEMMAP, (int) memmapAddress).putInt(MEMMAP_HI, (int) (memmapAddress >>> 32))
                .putInt(MEMMAP_SIZE, memmapSize).putInt(MEMDESC_SIZE, DESCRIPTOR_SIZE);
        return info;
    }

    /** Return the 96-byte {@code efi_setup_data}: fw_vendor, runtime, tables, smbios, then zeros. */
    public static byte[] setupDataPayload(EfiFirmware firmware) {
        return ByteBuffer.allocate(EFI_SETUP_DATA_SIZE).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(firmware.fwVendor()).putLong(firmware.runtime()).putLong(firmware.configTable())
                .putLong(firmware.smbios()).array();
    }

    /** Return the runtime map buffer: 40 bytes a region (type, 4 zero bytes of padding, four u64), in map order. */
    public static byte[] runtimeMap(List<EfiMemoryDescriptor> regions) {
        ByteBuffer b = ByteBuffer.allocate(regions.size() * DESCRIPTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (EfiMemoryDescriptor d : regions) {
            b.putInt(d.type()).putInt(0).putLong(d.physicalAddress()).putLong(d.virtualAddress()).putLong(d.pages())
                    .putLong(d.attribute());
        }
        return b.array();
    }
}
