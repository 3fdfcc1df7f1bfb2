package io.handoff.core.purgatory;

import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.util.Arrays;
import java.util.Objects;

/**
 * A purgatory image linked into a plan: its segment with the step program written into the parameter area.
 *
 * @param image the image
 * @param segment the {@code purgatory} segment, program included
 * @param program the program that was encoded
 * @param entry the kexec entry: the segment's base plus the image's entry offset
 * @param kinds the platform's step vocabulary, by which the program was encoded
 * @since 0.1
 */
public record LinkedPurgatory(PurgatoryImage image, Segment segment, StepProgram program, long entry,
                              StepKinds kinds) {
    public LinkedPurgatory {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(kinds, "kinds");
    }

    /** Return a copy of the parameter area as loaded (the whole {@code param_size} bytes). */
    public byte[] parameterArea() {
        byte[] data = ((SegmentData.Bytes) segment.data()).data();
        return Arrays.copyOfRange(data, (int) image.paramOffset(), (int) (image.paramOffset() + image.paramSize()));
    }

    /** Return the program decoded from the segment's bytes: what the runtime will read. */
    public StepDecoder.Program decoded() {
        return StepDecoder.decode(parameterArea(), image.order(), kinds);
    }
}
