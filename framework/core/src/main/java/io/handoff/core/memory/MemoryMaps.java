package io.handoff.core.memory;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pure operations on lists of {@link MemoryRange}s (inclusive ends), with kexec-tools' semantics.
 *
 * <p>Every method returns a new unmodifiable list sorted by start address and leaves its input alone.
 */
public final class MemoryMaps {
    /** Order by start, then end, then type, so results are deterministic. */
    static final Comparator<MemoryRange> BY_ADDRESS = Comparator.comparingLong(MemoryRange::start)
            .thenComparingLong(MemoryRange::end)
            .thenComparing(MemoryRange::type);

    private MemoryMaps() {
    }

    /**
     * Sort the ranges and merge those of the same type that overlap or touch.
     *
     * <p>Ranges of different types are never merged, even when they overlap: the caller decides what an
     * overlap of RAM and a reserved range means.
     */
    public static List<MemoryRange> sortAndMerge(List<MemoryRange> ranges) {
        Map<RangeType, List<MemoryRange>> byType = new EnumMap<>(RangeType.class);
        for (MemoryRange r : ranges) {
            byType.computeIfAbsent(r.type(), t -> new ArrayList<>()).add(r);
        }
        List<MemoryRange> out = new ArrayList<>(ranges.size());
        for (List<MemoryRange> group : byType.values()) {
            group.sort(BY_ADDRESS);
            MemoryRange current = null;
            for (MemoryRange r : group) {
                if (current == null) {
                    current = r;
                } else if (current.end() == Long.MAX_VALUE || r.start() <= current.end() + 1) {
                    // overlapping or adjacent: [a, b] and [b + 1, c] are one range
                    if (r.end() > current.end()) {
                        current = new MemoryRange(current.start(), r.end(), current.type());
                    }
                } else {
                    out.add(current);
                    current = r;
                }
            }
            if (current != null) {
                out.add(current);
            }
        }
        out.sort(BY_ADDRESS);
        return List.copyOf(out);
    }

    /**
     * Remove {@code hole} from every range it overlaps, whatever the types, as kexec-tools'
     * {@code exclude_region()} does: a range around the hole is split in two, a range inside it disappears.
     */
    public static List<MemoryRange> exclude(List<MemoryRange> ranges, MemoryRange hole) {
        List<MemoryRange> out = new ArrayList<>(ranges.size() + 1);
        for (MemoryRange r : ranges) {
            if (!r.overlaps(hole)) {
                out.add(r);
                continue;
            }
            if (r.start() < hole.start()) {
                out.add(new MemoryRange(r.start(), hole.start() - 1, r.type()));
            }
            if (r.end() > hole.end()) {
                out.add(new MemoryRange(hole.end() + 1, r.end(), r.type()));
            }
        }
        out.sort(BY_ADDRESS);
        return List.copyOf(out);
    }

    /** Remove every hole in turn (see {@link #exclude}). */
    public static List<MemoryRange> excludeAll(List<MemoryRange> ranges, List<MemoryRange> holes) {
        List<MemoryRange> out = sorted(ranges);
        for (MemoryRange hole : holes) {
            out = exclude(out, hole);
        }
        return out;
    }

    /** Keep only the parts of the ranges inside {@code [min, maxInclusive]}. */
    public static List<MemoryRange> clip(List<MemoryRange> ranges, long min, long maxInclusive) {
        List<MemoryRange> out = new ArrayList<>(ranges.size());
        for (MemoryRange r : ranges) {
            long start = Math.max(r.start(), min);
            long end = Math.min(r.end(), maxInclusive);
            if (start <= end) {
                out.add(new MemoryRange(start, end, r.type()));
            }
        }
        out.sort(BY_ADDRESS);
        return List.copyOf(out);
    }

    /** Keep only the ranges of the given types. */
    public static List<MemoryRange> ofType(List<MemoryRange> ranges, RangeType... types) {
        Set<RangeType> wanted = types.length == 0 ? EnumSet.noneOf(RangeType.class)
                : EnumSet.copyOf(Arrays.asList(types));
        List<MemoryRange> out = new ArrayList<>(ranges.size());
        for (MemoryRange r : ranges) {
            if (wanted.contains(r.type())) {
                out.add(r);
            }
        }
        out.sort(BY_ADDRESS);
        return List.copyOf(out);
    }

    /**
     * Shrink a range to whole {@code align} units: start rounded up, end + 1 rounded down, as kexec-tools'
     * {@code add_memmap()} does with 1 KiB for the capture kernel's memory map.
     *
     * @param align a power of two
     * @return the shrunk range, or empty when no whole unit is left
     */
    public static Optional<MemoryRange> alignInward(MemoryRange range, long align) {
        if (align <= 0 || Long.bitCount(align) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + align);
        }
        long mask = align - 1;
        long start = range.start() + mask;
        if (start < 0) {
            return Optional.empty(); // rounding up passed the top of the address space
        }
        start &= ~mask;
        // end + 1 rounded down; computed as end - ((end + 1) mod align) to stay in range at Long.MAX_VALUE
        long end = range.end() - ((range.end() + 1) & mask);
        if (end < start) {
            return Optional.empty();
        }
        return Optional.of(new MemoryRange(start, end, range.type()));
    }

    /** Return the ranges sorted by address. */
    static List<MemoryRange> sorted(List<MemoryRange> ranges) {
        List<MemoryRange> out = new ArrayList<>(ranges);
        out.sort(BY_ADDRESS);
        return List.copyOf(out);
    }

    /**
     * Check that the ranges are sorted by address and share no byte.
     *
     * @param source the machine file the ranges came from, such as {@code /proc/iomem}, for the message
     * @throws HandoffException {@code MALFORMED_PROFILE} naming the source and the two offending ranges
     */
    public static void requireSortedDisjoint(List<MemoryRange> ranges, String source) {
        for (int i = 1; i < ranges.size(); i++) {
            MemoryRange previous = ranges.get(i - 1);
            MemoryRange next = ranges.get(i);
            if (next.start() <= previous.end()) {
                String problem = next.start() < previous.start() ? "are out of order" : "overlap";
                throw new HandoffException(FailureKind.MALFORMED_PROFILE, String.format(
                        "%s: ranges %#x-%#x and %#x-%#x %s", source, previous.start(), previous.end(),
                        next.start(), next.end(), problem));
            }
        }
    }
}
