package io.handoff.api.plan;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One step of the program purgatory runs between the two kernels.
 *
 * @param kind the runtime operation ({@code console}, {@code print}, {@code copy}, {@code swap}, {@code rtc},
 *     {@code jump-x86_64}, {@code halt}, {@code reset}; {@code verify-digests} is the framework's own),
 *     see {@code io.handoff.api.spi}
 * @param operands the step's operands, encoded by the framework in the target's byte order as u64s (none
 *     for {@code print}, whose text is the description)
 * @param policy what a failure of this step means
 * @param worstCase the longest it can take (timeouts × retries), counted in the purgatory budget
 * @param description one line for plans and traces
 * @since 0.1
 */
public record PurgatoryStep(String kind, FailurePolicy policy, Duration worstCase, List<Long> operands,
                            String description) {
    public PurgatoryStep {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(worstCase, "worstCase");
        operands = List.copyOf(operands);
        Objects.requireNonNull(description, "description");
    }

    /** What a failing step means for the handoff. */
    public enum FailurePolicy {
        /** The handoff cannot continue: the platform's fallback chain runs. */
        REQUIRED,
        /** Logged to the console; the program goes on (all last words). */
        BEST_EFFORT,
        /**
         * Best effort, and run only when the step before it ran and succeeded (otherwise skipped, which also skips a
         * step chained after it): a sequence that stops at its first failure and lets the program go on.
         */
        AFTER_SUCCESS
    }
}
