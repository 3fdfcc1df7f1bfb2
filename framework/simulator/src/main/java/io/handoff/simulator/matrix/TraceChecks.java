package io.handoff.simulator.matrix;

import io.handoff.api.FailureKind;
import io.handoff.core.plan.HandoffImage;
import io.handoff.simulator.Handoff;
import io.handoff.simulator.StepRun;
import io.handoff.simulator.Trace;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The checks a run on the reference machine is judged by, each returning why it failed (empty: it passed).
 *
 * <p>The testkit's assertions and {@code handoff matrix} both use these, so a vendor's CI and a platform's JUnit
 * tests fail on the same thing with the same words.
 *
 * @since 0.3
 */
public final class TraceChecks {
    /** The generic verify-digests step kind (FORMAT.md §3). */
    private static final int VERIFY_DIGESTS = 3;

    private TraceChecks() {
    }

    /** Return the first failure of these checks, in order. */
    @SafeVarargs
    public static Optional<String> first(Optional<String>... checks) {
        return Arrays.stream(checks).filter(Optional::isPresent).map(Optional::get).findFirst();
    }

    /** Check that purgatory reported {@code digests ok} (or, without a console, ran its digest step and jumped). */
    public static Optional<String> digestsVerified(Trace trace) {
        // without a console (s390) the check passed when the run went past it to the jump
        boolean silentlyOk = trace.consoleLines().isEmpty() && trace.handoff() instanceof Handoff.Jumped
                && trace.mainSteps().stream().anyMatch(r -> r.step().kind() == VERIFY_DIGESTS
                        && r.outcome() == StepRun.Outcome.COMPLETED);
        // contains, not startsWith: a print step's text without a newline shares the runtime's line
        if (silentlyOk || trace.lines().stream().anyMatch(l -> l.contains("purgatory: digests ok"))) {
            return Optional.empty();
        }
        return Optional.of("expected \"purgatory: digests ok\" on the console");
    }

    /** Check that the run jumped with every register the platform planned, by the platform's register names. */
    public static Optional<String> jumpMatchesPlan(Optional<HandoffImage> image, Trace trace) {
        if (!(trace.handoff() instanceof Handoff.Jumped j)) {
            return Optional.of("expected a jump into the new kernel");
        }
        if (image.isEmpty()) {
            return Optional.of("no plan");
        }
        for (var entry : image.get().plan().registers().entrySet()) {
            String reg = entry.getKey();
            Long planned = entry.getValue();
            if (!j.registers().containsKey(reg)) {
                return Optional.of(String.format("the plan sets %s but the jump has no such register (%s)", reg,
                        j.registers().keySet()));
            }
            if (planned.longValue() != j.register(reg)) {
                return Optional.of(String.format("%s is %#x at the jump but the plan says %#x", reg, j.register(reg),
                        planned));
            }
        }
        return Optional.empty();
    }

    /** Check that a required step failed and the run ended in the fallback, not a jump. */
    public static Optional<String> fellBack(Trace trace) {
        // without a console (s390) the fallback shows in the step that handed off
        boolean fallbackHandedOff = trace.fallbackSteps().stream()
                .anyMatch(r -> r.outcome() == StepRun.Outcome.HANDED_OFF);
        if (trace.handoff() instanceof Handoff.Jumped || trace.handoff() instanceof Handoff.Refused
                || trace.handoff() instanceof Handoff.ProbeFailed
                || trace.lines().stream().noneMatch(l -> l.contains("; running fallback")) && !fallbackHandedOff) {
            return Optional.of("expected a failed required step and the fallback");
        }
        return Optional.empty();
    }

    /** Check that the planner refused the plan with this kind (its exit code). */
    public static Optional<String> refused(Trace trace, FailureKind kind) {
        Objects.requireNonNull(kind, "kind");
        if (trace.handoff() instanceof Handoff.Refused r && r.code() == kind.exitCode()) {
            return Optional.empty();
        }
        return Optional.of("expected the planner to refuse with " + kind);
    }

    /** Check that the run took no more virtual time than the planner's budget. */
    public static Optional<String> withinBudget(Trace trace) {
        Optional<Duration> budget = trace.budget();
        if (budget.isEmpty()) {
            return Optional.of("no program, hence no budget");
        }
        if (trace.total().compareTo(budget.get()) > 0) {
            return Optional.of("the run took " + trace.total() + ", over its budget " + budget.get());
        }
        return Optional.empty();
    }
}
