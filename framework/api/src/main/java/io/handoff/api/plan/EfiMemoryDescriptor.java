package io.handoff.api.plan;

/**
 * One UEFI memory descriptor (EFI page = 4 KiB).
 *
 * @param type EFI memory type (2 LoaderData, 7 ConventionalMemory …)
 * @param physicalStart physical start
 * @param virtualStart virtual start
 * @param pages number of 4 KiB pages
 * @param attribute attribute bits
 * @since 0.1
 */
public record EfiMemoryDescriptor(int type, long physicalStart, long virtualStart, long pages, long attribute) {
    /** The EFI page size. */
    public static final long EFI_PAGE = 4096;

    /** Return the last byte (inclusive). */
    public long end() {
        return physicalStart + pages * EFI_PAGE - 1;
    }
}
