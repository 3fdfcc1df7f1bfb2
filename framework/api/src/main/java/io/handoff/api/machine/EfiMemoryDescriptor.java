package io.handoff.api.machine;

/**
 * One region of the EFI runtime memory map, {@code /sys/firmware/efi/runtime-map/N/}: the firmware memory the
 * running kernel mapped for EFI runtime services, with the virtual address it gave the region.
 *
 * @param index the directory name N under {@code runtime-map}
 * @param type the EFI memory type ({@code type}, 32 bits)
 * @param physicalAddress the first physical byte ({@code phys_addr})
 * @param virtualAddress the virtual address the running kernel mapped it at ({@code virt_addr})
 * @param pages the length in 4 KiB pages ({@code num_pages})
 * @param attribute the EFI attribute bits ({@code attribute}; bit 63 is {@code EFI_MEMORY_RUNTIME})
 * @since 0.2
 */
public record EfiMemoryDescriptor(String index, int type, long physicalAddress, long virtualAddress, long pages,
                                  long attribute) {
    /** The size of an EFI page. */
    public static final long PAGE_SIZE = 4096;

    public EfiMemoryDescriptor {
        java.util.Objects.requireNonNull(index, "index");
    }
}
