package io.handoff.it.kexec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An independent model of how kexec-tools 2.0.25 places an ia64 load, written from its rules (not its code):
 * the memory-range list {@code get_memory_ranges} builds from {@code /proc/iomem}, the crash-region clamp, and
 * {@code locate_hole}'s top-down search. The tests first check that it reproduces the oracle's addresses exactly,
 * then use it with handoff's own segment sizes to predict handoff's addresses for the buffers that sit below the
 * purgatory (whose size differs between the two loaders).
 *
 * <p>Ranges are {start, end} with end exclusive ({@code get_memory_ranges} adds 1 to the printed end);
 * {@code locate_hole} then treats that end as inclusive, which is modelled as it is.
 */
public final class Ia64PlacementModel {
    /** Range types, as kexec-tools' RANGE_RAM, RANGE_RESERVED and RANGE_UNCACHED. */
    public static final int RAM = 0;
    public static final int RESERVED = 1;
    public static final int UNCACHED = 2;
    private static final long NO_LIMIT = Long.MAX_VALUE;
    private static final Pattern LINE = Pattern.compile("\\s*([0-9a-f]+)-([0-9a-f]+) : (.*)");

    /** One memory range: [start, end) and its type. */
    public record Range(long start, long end, int type) {
    }

    private final List<Range> ranges;
    private final long memMin;
    private final long memMax;
    private final long pageSize;
    private final List<long[]> segments = new ArrayList<>();

    private Ia64PlacementModel(List<Range> ranges, long memMin, long memMax, long pageSize) {
        this.ranges = List.copyOf(ranges);
        this.memMin = memMin;
        this.memMax = memMax;
        this.pageSize = pageSize;
    }

    /**
     * Build the model of a profile: its memory ranges and, for a kdump load, the crash region's clamp.
     *
     * @param profile the machine profile (its {@code proc/iomem})
     * @param crash a kdump load
     * @param pageSize the page size every segment is rounded to
     */
    public static Ia64PlacementModel of(Path profile, boolean crash, long pageSize) throws IOException {
        List<Range> out = new ArrayList<>();
        long min = 0;
        long max = NO_LIMIT;
        for (String line : Files.readAllLines(profile.resolve("proc/iomem"), StandardCharsets.US_ASCII)) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            long start = Long.parseUnsignedLong(m.group(1), 16);
            long end = Long.parseUnsignedLong(m.group(2), 16) + 1;
            int type;
            switch (m.group(3)) {
                case "System RAM" -> type = RAM;
                case "reserved" -> type = RESERVED;
                case "Uncached RAM" -> type = UNCACHED;
                case "Crash kernel" -> {
                    if (crash) {
                        min = Math.max(min, start);
                        max = Math.min(max, end);
                    }
                    continue;
                }
                case "Boot parameter", "EFI Memory Map" -> {
                    reserve(out, start, end);
                    continue;
                }
                default -> {
                    continue;
                }
            }
            Range last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end() == start && last.type() == type) {
                out.set(out.size() - 1, new Range(last.start(), end, type));
            } else {
                out.add(new Range(start, end, type));
            }
        }
        return new Ia64PlacementModel(out, min, max, pageSize);
    }

    // The Boot parameter / EFI Memory Map split: [start & ~4K, ALIGN(end, 4K)) becomes RESERVED inside the first
    // range holding it; everything after that range is replaced by the tail, typed and ended like the last range.
    private static void reserve(List<Range> list, long start, long end) {
        if (list.isEmpty()) {
            return;
        }
        Range last = list.get(list.size() - 1);
        long s = start & ~0xfffL;
        long e = (end + 0xfff) & ~0xfffL;
        int i = 0;
        while (i < list.size() && !(list.get(i).start() <= s && list.get(i).end() >= e)) {
            i++;
        }
        if (i == list.size()) {
            return;
        }
        Range holder = list.get(i);
        List<Range> tail = new ArrayList<>();
        if (holder.start() < s) {
            tail.add(new Range(holder.start(), s, holder.type()));
        }
        tail.add(new Range(s, e, RESERVED));
        if (e < last.end()) {
            tail.add(new Range(e, last.end(), last.type()));
        }
        list.subList(i, list.size()).clear();
        list.addAll(tail);
    }

    /** Return the memory ranges, in order. */
    public List<Range> ranges() {
        return ranges;
    }

    /** Return the lowest address buffers may use (the crash region's start for kdump, else 0). */
    public long memMin() {
        return memMin;
    }

    /** Return the end of what buffers may use (the crash region's end + 1 for kdump, else no limit). */
    public long memMax() {
        return memMax;
    }

    /** Add a segment at a fixed address (a kernel PT_LOAD), its size rounded up to the page size. */
    public Ia64PlacementModel fixed(long mem, long memsz) {
        segments.add(new long[] {mem, roundUp(memsz, pageSize)});
        segments.sort(Comparator.comparingLong(a -> a[0]));
        return this;
    }

    /**
     * Place a buffer as {@code add_buffer(…, memsz, align, 0, max, -1)} does: round memsz up to the page, raise the
     * alignment to the page, take the top of the highest free RAM hole inside [memMin, memMax].
     *
     * @return the base address
     * @throws IllegalStateException when nothing fits
     */
    public long placeTopDown(long memsz, long align) {
        long size = roundUp(memsz, pageSize);
        long a = Math.max(align, pageSize);
        List<long[]> free = new ArrayList<>();
        int j = 0;
        for (Range r : ranges) {
            if (r.type() != RAM) {
                continue;
            }
            long mstart = r.start();
            long mend = r.end();
            while (j < segments.size() && segments.get(j)[0] <= mend) {
                long sstart = segments.get(j)[0];
                long send = sstart + segments.get(j)[1] - 1;
                if (mstart < sstart) {
                    free.add(new long[] {mstart, sstart - 1});
                }
                mstart = send + 1;
                j++;
            }
            if (mstart < mend) {
                free.add(new long[] {mstart, mend});
            }
        }
        long base = -1;
        for (long[] f : free) {
            long start = roundUp(Math.max(f[0], memMin), a);
            long end = Math.min(f[1], memMax);
            if (start >= end || start >= memMax || end <= memMin) {
                continue;
            }
            if (end - start >= size - 1) {
                base = (end - size + 1) & -a;
            }
        }
        if (base < 0) {
            throw new IllegalStateException(String.format("no hole of %#x bytes", size));
        }
        fixed(base, size);
        return base;
    }

    /** Return {@code v} rounded up to a multiple of {@code a} (a power of two). */
    public static long roundUp(long v, long a) {
        return (v + a - 1) & -a;
    }
}
