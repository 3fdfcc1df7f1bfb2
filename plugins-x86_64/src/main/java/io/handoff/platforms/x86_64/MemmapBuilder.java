package io.handoff.platforms.x86_64;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.CaptureMemoryMap;
import java.util.ArrayList;
import java.util.List;

/**
 * A sorted, non-overlapping list of typed ranges edited as kexec-tools edits its capture memory map
 * ({@code add_memmap} and {@code delete_memmap} in crashdump-x86.c).
 *
 * @since 0.1
 */
public final class MemmapBuilder {
    /** The most entries the list holds ({@code CRASH_MAX_MEMMAP_NR}). */
    public static final int MAX_ENTRIES = 1024;

    private final List<MemoryRange> entries = new ArrayList<>();

    /**
     * Insert a range in address order. RAM that is not 1 KiB aligned is shrunk to 1 KiB boundaries first.
     *
     * @param addr first byte
     * @param size length in bytes
     * @param type the range type
     * @return false, changing nothing, when the range is empty after shrinking, overlaps an entry, or the list is full
     */
    public boolean add(long addr, long size, RangeType type) {
        long start = addr;
        long end = addr + size; // exclusive here
        if (type == RangeType.RAM && (start % CrashMemory.GRANULE != 0 || size % CrashMemory.GRANULE != 0)) {
            start = CrashMemory.align(start, CrashMemory.GRANULE);
            end = end & -CrashMemory.GRANULE;
            if (start >= end) {
                return false;
            }
        }
        if (size <= 0 || entries.size() >= MAX_ENTRIES) {
            return false;
        }
        MemoryRange range = new MemoryRange(start, end - 1, type);
        int at = 0;
        for (MemoryRange e : entries) {
            if (e.overlaps(range)) {
                return false;
            }
            if (range.start() > e.end()) {
                at++;
            }
        }
        entries.add(at, range);
        return true;
    }

    /**
     * Remove {@code [addr, addr + size)} from the entry that wholly contains it, splitting it when needed.
     *
     * @param addr first byte, 1 KiB aligned
     * @param size length, a multiple of 1 KiB
     * @param what the segment's role, for the error message
     * @throws HandoffException {@code INTERNAL} when the span is unaligned or inside no single entry: the
     *     placer put a crash segment outside the crash region
     */
    public void delete(long addr, long size, String what) {
        if (addr % CrashMemory.GRANULE != 0 || size % CrashMemory.GRANULE != 0 || size <= 0) {
            throw new HandoffException(FailureKind.INTERNAL, String.format(
                    "%s segment %#x+%#x is not 1 KiB aligned; the capture memory map cannot exclude it", what, addr,
                    size));
        }
        long last = addr + size - 1;
        for (int i = 0; i < entries.size(); i++) {
            MemoryRange e = entries.get(i);
            if (e.contains(addr, last)) {
                entries.remove(i);
                if (last < e.end()) {
                    entries.add(i, new MemoryRange(last + 1, e.end(), e.type()));
                }
                if (addr > e.start()) {
                    entries.add(i, new MemoryRange(e.start(), addr - 1, e.type()));
                }
                return;
            }
        }
        throw new HandoffException(FailureKind.INTERNAL, String.format(
                "%s segment %#x-%#x lies in no single capture memory map entry %s", what, addr, last, entries));
    }

    /** Return the entries so far, sorted. */
    public List<MemoryRange> entries() {
        return List.copyOf(entries);
    }

    /** Return the map. */
    public CaptureMemoryMap build() {
        return new CaptureMemoryMap(entries);
    }
}
