package io.handoff.api.spi;

import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PurgatoryStep;
import java.util.List;

/**
 * A contributor of steps to the purgatory program that runs between the two kernels.
 *
 * @since 0.1
 */
public interface PurgatoryStepContributor extends Contribution {
    /** Return the names of the steps this contributes, for {@code handoff platforms}. */
    List<String> stepNames();

    /**
     * Return the steps for this plan, in the order they run.
     *
     * @param context the plan being built, with its placed segments
     * @return the steps, possibly empty
     */
    List<PurgatoryStep> steps(PlanContext context);
}
