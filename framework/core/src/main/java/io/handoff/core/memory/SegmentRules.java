package io.handoff.core.memory;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.Segment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The rules every kexec segment list must satisfy before {@code kexec_load}, as kexec-tools enforces them.
 *
 * <p>Checked in this order: page-aligned base, memsz a whole number of pages, bufsz at most memsz
 * (violations are planner or platform bugs: {@code INTERNAL}); then the segment count, overlaps, RAM and
 * crash-region containment ({@code DOES_NOT_FIT}).
 */
public final class SegmentRules {
    private SegmentRules() {
    }

    /**
     * Sort the segments by address and check them.
     *
     * @param segments the segments, in any order
     * @param ram the machine's memory; only RAM ranges count, adjacent ranges are merged
     * @param crashRegion for a kdump load, the region every segment must lie in
     * @param pageSize the target page size
     * @param maxSegments the most segments the loader takes (16 for {@code kexec_load})
     * @return the segments sorted by {@code mem}
     * @throws HandoffException {@code INTERNAL} for misaligned segments, {@code DOES_NOT_FIT} otherwise
     */
    public static List<Segment> validate(List<Segment> segments, List<MemoryRange> ram,
                                         Optional<MemoryRange> crashRegion, long pageSize, int maxSegments) {
        List<Segment> sorted = new ArrayList<>(segments);
        sorted.sort(Comparator.comparingLong(Segment::mem));
        for (Segment s : sorted) {
            checkShape(s, pageSize);
        }
        if (sorted.size() > maxSegments) {
            throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format(
                    "%d segments, kexec_load takes at most %d", sorted.size(), maxSegments));
        }
        for (int i = 1; i < sorted.size(); i++) {
            Segment previous = sorted.get(i - 1);
            Segment next = sorted.get(i);
            if (next.mem() <= previous.end()) {
                throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format(
                        "segments %s and %s overlap at %#x", previous.role(), next.role(), next.mem()));
            }
        }
        List<MemoryRange> merged = MemoryMaps.sortAndMerge(MemoryMaps.ofType(ram, RangeType.RAM));
        for (Segment s : sorted) {
            if (merged.stream().noneMatch(r -> r.contains(s.mem(), s.end()))) {
                throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format(
                        "segment %s at %#x-%#x is not inside one RAM range", s.role(), s.mem(), s.end()));
            }
            if (crashRegion.isPresent() && !crashRegion.get().contains(s.mem(), s.end())) {
                MemoryRange crash = crashRegion.get();
                throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format(
                        "segment %s at %#x-%#x is outside the crash region %#x-%#x", s.role(), s.mem(), s.end(),
                        crash.start(), crash.end()));
            }
        }
        return List.copyOf(sorted);
    }

    private static void checkShape(Segment s, long pageSize) {
        if (s.mem() % pageSize != 0) {
            throw new HandoffException(FailureKind.INTERNAL, String.format(
                    "segment %s: base %#x is not aligned to the page size %#x", s.role(), s.mem(), pageSize));
        }
        if (s.memsz() <= 0 || s.memsz() % pageSize != 0) {
            throw new HandoffException(FailureKind.INTERNAL, String.format(
                    "segment %s: memsz %#x is not a positive multiple of the page size %#x", s.role(), s.memsz(),
                    pageSize));
        }
        if (s.bufsz() > s.memsz()) {
            throw new HandoffException(FailureKind.INTERNAL, String.format(
                    "segment %s: bufsz %#x exceeds memsz %#x", s.role(), s.bufsz(), s.memsz()));
        }
        if (s.end() < s.mem()) {
            throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format(
                    "segment %s at %#x with memsz %#x passes the top of the address space", s.role(), s.mem(),
                    s.memsz()));
        }
    }
}
