package io.handoff.it.kexec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A small, independent model of kexec-tools' top-down hole search inside one crash region: each request takes the
 * highest aligned address where it fits between the segments already placed.
 *
 * <p>The differential tests first check that the model reproduces kexec-tools' own addresses (with its purgatory),
 * then use it to predict where handoff, with its own (smaller) purgatory, must put the same segments.
 */
public final class PlacementModel {
    private final long low;
    private final long high;
    private final List<long[]> taken = new ArrayList<>();

    /**
     * Start with an empty region.
     *
     * @param low first byte of the region
     * @param high last byte of the region (inclusive)
     */
    public PlacementModel(long low, long high) {
        this.low = low;
        this.high = high;
    }

    /** Mark {@code [mem, mem + size)} as taken (a segment placed before, by either loader). */
    public PlacementModel occupy(long mem, long size) {
        taken.add(new long[] {mem, mem + size - 1});
        return this;
    }

    /**
     * Place a segment top-down and mark it taken.
     *
     * @param size bytes in memory (page rounded by the caller, as add_buffer rounds memsz)
     * @param align alignment of the base
     * @param min lowest acceptable base
     * @return the base, or -1 when nothing fits
     */
    public long placeTopDown(long size, long align, long min) {
        long best = -1;
        for (long[] hole : holes()) {
            long start = Math.max(hole[0], min);
            long end = hole[1];
            if (end < start || end - start + 1 < size) {
                continue;
            }
            long base = (end - size + 1) & -align;
            if (base >= start && base > best) {
                best = base;
            }
        }
        if (best >= 0) {
            occupy(best, size);
        }
        return best;
    }

    // The free ranges of the region between taken ranges, ascending.
    private List<long[]> holes() {
        List<long[]> sorted = new ArrayList<>(taken);
        sorted.sort(Comparator.comparingLong(r -> r[0]));
        List<long[]> out = new ArrayList<>();
        long cursor = low;
        for (long[] r : sorted) {
            if (r[0] > cursor) {
                out.add(new long[] {cursor, Math.min(r[0] - 1, high)});
            }
            cursor = Math.max(cursor, r[1] + 1);
        }
        if (cursor <= high) {
            out.add(new long[] {cursor, high});
        }
        return out;
    }
}
