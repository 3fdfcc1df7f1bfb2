package io.handoff.core.purgatory;

import io.handoff.api.plan.PurgatoryStep;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The program purgatory runs: the main steps, the fallback steps run when a required step fails, and the
 * digests a {@code verify-digests} step checks.
 *
 * @param steps the main steps, in order
 * @param fallback the fallback steps, in order (possibly empty)
 * @param digests the operands of the {@code verify-digests} step, present when the main program has one
 * @since 0.1
 */
public record StepProgram(List<PurgatoryStep> steps, List<PurgatoryStep> fallback, Optional<DigestTable> digests) {
    public StepProgram {
        steps = List.copyOf(steps);
        fallback = List.copyOf(fallback);
        Objects.requireNonNull(digests, "digests");
    }

    /**
     * Return the worst case of the whole program: every main step and every fallback step added up, since a
     * required step failing last still runs all the main steps before it and then the whole fallback.
     */
    public Duration worstCase() {
        Duration total = Duration.ZERO;
        for (PurgatoryStep s : steps) {
            total = total.plus(s.worstCase());
        }
        for (PurgatoryStep s : fallback) {
            total = total.plus(s.worstCase());
        }
        return total;
    }

    /** Return this program with the digests filled in. */
    public StepProgram withDigests(DigestTable table) {
        return new StepProgram(steps, fallback, Optional.of(table));
    }
}
