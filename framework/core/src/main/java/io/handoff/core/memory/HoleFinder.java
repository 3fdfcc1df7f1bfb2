package io.handoff.core.memory;

import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.Direction;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Finds a free hole for a new segment exactly as kexec-tools' {@code locate_hole()} does.
 *
 * <p>The free list is the loadable RAM minus the segments placed so far. Each free range is clipped to
 * the placement's bounds, its start rounded up to the alignment (raised to at least the page size), and
 * accepted when {@code size} bytes fit between that start and its end. Bottom-up takes the first
 * fitting range's start; top-down takes the last fitting range and the highest aligned base in it,
 * {@code alignDown(end - size + 1)}, which is never below the aligned start.
 */
public final class HoleFinder {
    private final List<MemoryRange> ram;
    private final long pageSize;

    /**
     * Create a finder over the given memory.
     *
     * @param loadableRam the memory segments may go to (for kdump, already clipped to the crash region);
     *     only {@link RangeType#RAM} ranges count. They are searched one by one as given, not merged, as
     *     kexec-tools does: merge them first to let a segment straddle two adjacent ranges
     * @param pageSize the target page size, a power of two
     */
    public HoleFinder(List<MemoryRange> loadableRam, long pageSize) {
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a power of two: " + pageSize);
        }
        this.ram = MemoryMaps.ofType(loadableRam, RangeType.RAM);
        this.pageSize = pageSize;
    }

    /**
     * Return the lowest (bottom-up) or highest (top-down) base where {@code size} bytes fit.
     *
     * @param placed the segments already placed, in any order
     * @param size the segment's size in memory (its page-rounded memsz), positive
     * @param placement alignment, bounds and direction
     * @return the base, or empty when no free hole is large enough
     */
    public OptionalLong locate(List<Segment> placed, long size, Placement placement) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        long align = Math.max(placement.align(), pageSize);
        long best = -1;
        for (MemoryRange free : freeHoles(placed)) {
            long start = Math.max(free.start(), placement.min());
            long end = Math.min(free.end(), placement.max());
            start = alignUp(start, align);
            if (start < 0 || start >= end) {
                continue; // nothing left after clipping and alignment (kexec-tools also drops single bytes)
            }
            // end - start + 1 >= size, written so that it cannot overflow
            if (end - start < size - 1) {
                continue;
            }
            if (placement.direction() == Direction.BOTTOM_UP) {
                return OptionalLong.of(start);
            }
            best = (end - size + 1) & -align; // later ranges are higher: the last fit wins
        }
        return best < 0 ? OptionalLong.empty() : OptionalLong.of(best);
    }

    /** Return the free holes: loadable RAM minus the placed segments, sorted by address. */
    public List<MemoryRange> freeHoles(List<Segment> placed) {
        List<MemoryRange> used = new ArrayList<>(placed.size());
        for (Segment s : placed) {
            if (s.memsz() > 0) {
                used.add(new MemoryRange(s.mem(), s.end(), RangeType.RAM));
            }
        }
        return MemoryMaps.excludeAll(ram, used);
    }

    /** Return the loadable RAM this finder searches, sorted. */
    public List<MemoryRange> loadableRam() {
        return ram;
    }

    private static long alignUp(long value, long align) {
        long rounded = value + align - 1;
        return rounded < 0 ? -1 : rounded & -align;
    }
}
