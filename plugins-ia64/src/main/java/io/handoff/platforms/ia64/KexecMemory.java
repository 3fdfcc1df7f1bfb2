package io.handoff.platforms.ia64;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.IomemEntry;
import io.handoff.api.machine.Iomem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * The memory kexec-tools' ia64 loader places segments in, and its hole search, reproduced exactly.
 *
 * <p>{@code get_memory_ranges} (kexec/arch/ia64/kexec-ia64.c) reads every {@code /proc/iomem} line at any depth in
 * file order with <b>exclusive</b> ends: {@code System RAM} is RAM, {@code reserved} RESERVED, {@code Uncached RAM}
 * UNCACHED, adjacent lines of one type are coalesced; {@code Boot parameter} and {@code EFI Memory Map} carve a
 * 4 KiB-rounded RESERVED piece out of the RAM range holding them (the latter also gives the memory map's size, one
 * byte more than the map, as the kernel's resource end is start + size); {@code Crash kernel} (kdump only) narrows
 * {@code [mem_min, mem_max)}. The generic {@code locate_hole} then treats each RAM range's end as inclusive and a
 * placed segment's as exclusive, so a buffer placed top-down at the top of a RAM range leaves its last page free:
 * we keep that, since the addresses must be kexec-tools' own.
 *
 * @param ranges the ranges, sorted, exclusive ends
 * @param memMin the lowest address a buffer may use ({@code mem_min})
 * @param memMax the exclusive limit ({@code mem_max})
 * @param efiMemmapSize the {@code EFI Memory Map} resource's size plus one (kexec-tools' buffer size), 0 without one
 */
record KexecMemory(List<Range> ranges, long memMin, long memMax, long efiMemmapSize) {
    KexecMemory {
        ranges = List.copyOf(ranges);
    }

    /** A range kexec-tools knows: {@code [start, end)}. */
    record Range(long start, long end, Kind kind) {
    }

    /** The range types of the ia64 loader. */
    enum Kind { RAM, RESERVED, UNCACHED }

    /** A segment already placed: {@code [mem, mem + memsz)}. */
    record Placed(long mem, long memsz) {
    }

    /**
     * Read the ranges of a machine.
     *
     * @param iomem the machine's /proc/iomem
     * @param crash whether this is a kdump load
     * @return the ranges and limits
     * @throws HandoffException NO_CRASH_REGION for a kdump load without a {@code Crash kernel} line
     */
    static KexecMemory of(Iomem iomem, boolean crash) {
        List<Range> list = new ArrayList<>();
        long min = 0;
        long max = -1; // ULONG_MAX, compared unsigned
        long efi = 0;
        boolean crashSeen = false;
        for (IomemEntry e : iomem.all()) {
            long start = e.start();
            long end = e.end() + 1;
            switch (e.name()) {
                case "System RAM" -> add(list, new Range(start, end, Kind.RAM));
                case "reserved" -> add(list, new Range(start, end, Kind.RESERVED));
                case "Uncached RAM" -> add(list, new Range(start, end, Kind.UNCACHED));
                case "Crash kernel" -> {
                    if (crash) {
                        crashSeen = true;
                        min = Math.max(min, start);
                        max = Long.compareUnsigned(end, max) < 0 ? end : max;
                    }
                }
                case "Boot parameter" -> split(list, start, end);
                case "EFI Memory Map" -> {
                    split(list, start, end);
                    efi = end - start;
                }
                default -> {
                }
            }
        }
        if (crash && !crashSeen) {
            throw new HandoffException(FailureKind.NO_CRASH_REGION,
                    "/proc/iomem: no \"Crash kernel\" region; boot the running kernel with crashkernel=SIZE");
        }
        return new KexecMemory(list, min, max, efi);
    }

    private static void add(List<Range> list, Range r) {
        if (!list.isEmpty()) {
            Range last = list.get(list.size() - 1);
            if (last.end() == r.start() && last.kind() == r.kind()) {
                list.set(list.size() - 1, new Range(last.start(), r.end(), r.kind()));
                return;
            }
        }
        list.add(r);
    }

    // split_range: [start & ~0xfff, ALIGN(end, 4K)) becomes RESERVED inside the range that holds it. kexec-tools
    // rebuilds the list from that range on with the last range's end and type; in /proc/iomem's order the holding
    // range is the last one read, where both agree. We split only the holding range and keep the others.
    private static void split(List<Range> list, long start, long end) {
        long s = start & ~0xFFFL;
        long e = (end + 0xFFF) & ~0xFFFL;
        for (int i = 0; i < list.size(); i++) {
            Range r = list.get(i);
            if (r.start() <= s && r.end() >= e) {
                List<Range> pieces = new ArrayList<>();
                if (r.start() < s) {
                    pieces.add(new Range(r.start(), s, r.kind()));
                }
                pieces.add(new Range(s, e, Kind.RESERVED));
                if (e < r.end()) {
                    pieces.add(new Range(e, r.end(), r.kind()));
                }
                list.remove(i);
                list.addAll(i, pieces);
                return;
            }
        }
    }

    /** Return the RAM ranges. */
    List<Range> ram() {
        return ranges.stream().filter(r -> r.kind() == Kind.RAM).toList();
    }

    /**
     * Find a hole as kexec-tools' {@code locate_hole} does, top-down ({@code hole_end = -1}) or bottom-up.
     *
     * @param placed the segments placed so far
     * @param size the size, already rounded to the page size
     * @param align the alignment, raised to the page size
     * @param holeMin the lowest base
     * @param holeMax the highest address (kexec-tools' {@code hole_max}, ULONG_MAX for none)
     * @param topDown whether the highest fitting hole wins
     * @return the base, or empty when nothing fits
     */
    OptionalLong locate(List<Placed> placed, long size, long align, long holeMin, long holeMax, boolean topDown) {
        List<Placed> sorted = placed.stream().sorted(Comparator.comparingLong(Placed::mem)).toList();
        // the free ranges: RAM minus segments, with kexec-tools' mixed end conventions (RAM end as read, a hole below
        // a segment ending at the segment's start - 1)
        List<long[]> free = new ArrayList<>();
        int j = 0;
        for (Range r : ram()) {
            long mstart = r.start();
            long mend = r.end();
            while (j < sorted.size() && Long.compareUnsigned(sorted.get(j).mem(), mend) <= 0) {
                long sstart = sorted.get(j).mem();
                long send = sstart + sorted.get(j).memsz() - 1;
                if (Long.compareUnsigned(mstart, sstart) < 0) {
                    free.add(new long[] {mstart, sstart - 1});
                }
                mstart = send + 1;
                j++;
            }
            if (Long.compareUnsigned(mstart, mend) < 0) {
                free.add(new long[] {mstart, mend});
            }
        }
        long base = -1;
        boolean found = false;
        for (long[] h : free) {
            long start = h[0];
            long end = h[1];
            if (Long.compareUnsigned(start, memMin) < 0) {
                start = memMin;
            }
            if (Long.compareUnsigned(start, holeMin) < 0) {
                start = holeMin;
            }
            start = alignUp(start, align);
            if (Long.compareUnsigned(end, memMax) > 0) {
                end = memMax;
            }
            if (Long.compareUnsigned(end, holeMax) > 0) {
                end = holeMax;
            }
            if (Long.compareUnsigned(start, end) >= 0 || Long.compareUnsigned(start, memMax) >= 0
                    || Long.compareUnsigned(end, memMin) <= 0) {
                continue;
            }
            long room = end - start;
            if (size == 0 || Long.compareUnsigned(room, size - 1) >= 0) {
                if (!topDown) {
                    return OptionalLong.of(start);
                }
                base = (end - size + 1) & -align;
                found = true;
            }
        }
        if (!found) {
            return OptionalLong.empty();
        }
        if (size != 0 && Long.compareUnsigned(base + size - 1, holeMax) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(base);
    }

    static long alignUp(long value, long align) {
        return (value + align - 1) & -align;
    }
}
