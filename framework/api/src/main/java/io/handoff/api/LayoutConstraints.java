package io.handoff.api;

/**
 * The segment rules a platform's kernel interface imposes on every plan.
 *
 * @param pageSize the page size; segment bases are aligned to it and sizes rounded up to it
 * @param maxSegments the most segments {@code kexec_load} accepts ({@code KEXEC_SEGMENT_MAX} = 16)
 * @param maxAddress the highest physical address a segment may reach (inclusive)
 * @since 0.1
 */
public record LayoutConstraints(long pageSize, int maxSegments, long maxAddress) {
    /** The Linux defaults: 4 KiB pages, 16 segments, the whole 64-bit physical space. */
    public static final LayoutConstraints KEXEC_DEFAULTS = new LayoutConstraints(4096, 16, Long.MAX_VALUE);

    public LayoutConstraints {
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a power of two: " + pageSize);
        }
        if (maxSegments < 1) {
            throw new IllegalArgumentException("maxSegments must be positive");
        }
    }
}
