package io.handoff.api.plan;

import io.handoff.api.machine.MemoryRange;
import java.util.List;

/**
 * The memory map a capture kernel is given: the RAM it may use and the firmware ranges it must respect.
 *
 * @param ranges the typed ranges, sorted by address, non-overlapping
 * @since 0.1
 */
public record CaptureMemoryMap(List<MemoryRange> ranges) {
    public CaptureMemoryMap {
        ranges = List.copyOf(ranges);
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i).start() <= ranges.get(i - 1).end()) {
                throw new IllegalArgumentException("capture memory map not sorted or overlapping at " + ranges.get(i));
            }
        }
    }
}
