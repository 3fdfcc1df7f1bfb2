package io.handoff.api.spi;

import io.handoff.api.plan.EfiMemoryDescriptor;
import io.handoff.api.plan.Segment;
import java.util.List;

/**
 * A rewrite of the firmware's memory map so that the next kernel sees the loaded segments as in use.
 *
 * @since 0.1
 */
public interface FirmwareMemoryMapPatch extends Contribution {
    /**
     * Return the patched map.
     *
     * @param firmware the firmware's descriptors, in firmware order
     * @param loaded the segments of the plan, sorted by address
     * @return the descriptors the next kernel is given
     */
    List<EfiMemoryDescriptor> patch(List<EfiMemoryDescriptor> firmware, List<Segment> loaded);
}
