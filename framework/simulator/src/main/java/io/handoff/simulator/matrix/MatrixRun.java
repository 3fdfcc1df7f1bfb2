package io.handoff.simulator.matrix;

import io.handoff.core.plan.HandoffImage;
import io.handoff.simulator.Trace;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One cell of the matrix: a platform's scenario on a machine condition, and whether it did what it should.
 *
 * @param platform the platform id
 * @param condition the machine's condition
 * @param scenario the scenario
 * @param image the plan; empty when the planner refused or the run could not start
 * @param trace the run; empty when it could not start (the failure says why)
 * @param failure why the run is not what was expected; empty when it passed
 * @param wall the wall-clock time planning and running took
 * @since 0.3
 */
public record MatrixRun(String platform, MachineCondition condition, MatrixScenario scenario,
                        Optional<HandoffImage> image, Optional<Trace> trace, Optional<String> failure, Duration wall) {
    public MatrixRun {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(wall, "wall");
    }

    /** Return a run of this cell that could not start (no kernel, no profile, no purgatory), failed with the reason. */
    public static MatrixRun couldNotRun(String platform, ScenarioMatrix.Cell cell, String reason, Duration wall) {
        return new MatrixRun(platform, cell.condition(), cell.scenario(), Optional.empty(), Optional.empty(),
                Optional.of("could not run: " + reason), wall);
    }

    /** Return whether the run did what the scenario and condition expect. */
    public boolean passed() {
        return failure.isEmpty();
    }

    /** Return the run's name in reports: {@code platform / condition / scenario}. */
    public String name() {
        return platform + " / " + condition.id() + " / " + scenario.id();
    }
}
