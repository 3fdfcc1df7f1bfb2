package io.handoff.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of the program as the reference machine saw it run.
 *
 * <p>The runtime does not announce step boundaries, so outcomes and times are read from what it did say:
 * its console lines (FORMAT.md §4) and the final jump, halt or reset. {@code reportedAt} is the virtual
 * time of the console line that reported this step (or of the handoff, for the step that made it);
 * {@code duration} is the time since the previous report, i.e. this step's share when every step reports.
 *
 * @param step the decoded step
 * @param outcome what happened to it
 * @param reportedAt when the step was reported, if it was
 * @param duration virtual time since the previous report, if this step was reported
 * @param detail the console line that reported it, or empty
 */
public record StepRun(PurgatoryProgram.Step step, Outcome outcome, Optional<Duration> reportedAt,
                      Optional<Duration> duration, String detail) {
    public StepRun {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reportedAt, "reportedAt");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(detail, "detail");
    }

    /** What happened to a step. */
    public enum Outcome {
        /** It was reached and no failure of it appeared on the console. */
        COMPLETED,
        /** The console reported its failure. */
        FAILED,
        /** It was skipped: it runs only after a success and the step before it did not succeed. */
        SKIPPED,
        /** It made the final handoff (jump, halt or reset). */
        HANDED_OFF,
        /** The program ended (or went to the fallback) before it. */
        NOT_REACHED,
        /** The run ended without a handoff; whether it ran cannot be told. */
        UNKNOWN
    }
}
