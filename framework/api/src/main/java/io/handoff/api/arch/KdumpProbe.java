package io.handoff.api.arch;

import java.util.Objects;

/**
 * How a crashed kernel of this architecture checks the capture kernel through purgatory's probe mode before it
 * enters purgatory for real (s390's {@code kdump_csum_valid}), as the trace tells it.
 *
 * @param call the event of the probe call; {@code %#x} is replaced by purgatory's entry address
 * @param result how the kernel reads the probe's result, such as {@code "r2 = "}
 * @param refused the event when the probe found the capture kernel corrupted (the kernel goes on panicking)
 * @param enter the event of the real entry after a good probe; {@code %#x} is replaced by the entry address
 * @since 0.2
 */
public record KdumpProbe(String call, String result, String refused, String enter) {
    public KdumpProbe {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(refused, "refused");
        Objects.requireNonNull(enter, "enter");
    }
}
