package io.handoff.core.purgatory;

import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.util.Objects;

/**
 * A purgatory image placed as a segment whose parameter area is still empty.
 *
 * @param image the checked image
 * @param segment the placed segment (role {@code purgatory})
 * @param bytes the segment's data array itself, for the linker to write the program into once digests exist
 * @since 0.1
 */
public record PlacedPurgatory(PurgatoryImage image, Segment segment, byte[] bytes) {
    public PlacedPurgatory {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(segment, "segment");
        if (!(segment.data() instanceof SegmentData.Bytes b) || b.data() != bytes) {
            throw new IllegalArgumentException("the purgatory segment's data must be the given array");
        }
    }
}
