package io.handoff.simulator.matrix;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.Machine;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.spi.Platform;
import io.handoff.core.plan.HandoffImage;
import io.handoff.simulator.Handoff;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.Trace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Plans a scenario for a platform and runs it on the {@link ReferenceMachine} in a {@link MachineCondition}.
 *
 * <p>Planning is the caller's (the launcher's runtime, or the testkit's registry), so that what runs here is what
 * {@code handoff plan} would have planned; a planner refusal is not an exception but the run's outcome
 * ({@link Handoff.Refused} with the failure's exit code), since a scenario may expect one.
 *
 * @since 0.3
 */
public final class ScenarioMatrix {
    private ScenarioMatrix() {
    }

    /** Plans for one platform: the framework's planner with the scenario's configuration settings. */
    @FunctionalInterface
    public interface Planner {
        /**
         * Plan the request under the scenario's {@link MatrixScenario#settings()}.
         *
         * @throws HandoffException when the planner refuses
         */
        HandoffImage plan(MatrixScenario scenario, PlanRequest request);
    }

    /**
     * A platform under test: the machine it is planned for, what is loaded, and how it is planned.
     *
     * @param platform the platform
     * @param machine the machine planned for (its profile)
     * @param kernel the kernel image
     * @param initrd the initrd, if any
     * @param commandLine the new kernel's command line
     * @param platformOptions the platform options ({@code -O KEY=VALUE})
     * @param planner how plans are made
     */
    public record Subject(Platform platform, Machine machine, Path kernel, Optional<Path> initrd, String commandLine,
                          Map<String, String> platformOptions, Planner planner) {
        public Subject {
            Objects.requireNonNull(platform, "platform");
            Objects.requireNonNull(machine, "machine");
            Objects.requireNonNull(kernel, "kernel");
            Objects.requireNonNull(initrd, "initrd");
            Objects.requireNonNull(commandLine, "commandLine");
            platformOptions = Map.copyOf(platformOptions);
            Objects.requireNonNull(planner, "planner");
        }
    }

    /**
     * What one scenario did: the plan, the trace, and the planner's refusal.
     *
     * @param image the plan; empty when the planner refused it
     * @param trace the run (for a refusal: no steps, the {@link Handoff.Refused} outcome)
     * @param refusal the planner's failure kind, when it refused
     */
    public record Outcome(Optional<HandoffImage> image, Trace trace, Optional<FailureKind> refusal) {
    }

    /**
     * Plan the scenario and run it on a machine.
     *
     * @param subject the platform and its inputs
     * @param scenario what to plan and how to break it
     * @param options the machine's devices and faults (the scenario's corruption is added)
     * @param machines makes the machine from the options (normally {@code o -> ReferenceMachine.of(platform, o)})
     * @throws HandoffException for what is not the planner's refusal (no purgatory host build, a corruption that
     *     fits no segment)
     */
    public static Outcome execute(Subject subject, MatrixScenario scenario, ReferenceMachine.Options options,
                                  Function<ReferenceMachine.Options, ReferenceMachine> machines) {
        PlanRequest request = new PlanRequest(scenario.mode(), subject.kernel().toAbsolutePath(),
                subject.initrd().map(Path::toAbsolutePath), subject.commandLine(), subject.platformOptions());
        HandoffImage image;
        try {
            image = subject.planner().plan(scenario, request);
        } catch (HandoffException e) {
            Trace refused = new Trace(Optional.empty(), List.of(), "", List.of(),
                    new Handoff.Refused(e.kind().exitCode(), e.getMessage()), Duration.ZERO,
                    List.of("the planner refused the plan (" + e.kind() + "): " + e.getMessage()));
            return new Outcome(Optional.empty(), refused, Optional.of(e.kind()));
        }
        ReferenceMachine.Options machine = scenario.corrupt(options, image)
                .crashNotesFor(subject.machine(), request, subject.platform());
        return new Outcome(Optional.of(image), machines.apply(machine).run(image), Optional.empty());
    }

    /**
     * Run one cell of the matrix on the platform's own machine and judge it; never throws for what the run did.
     *
     * @return the run, failed with the reason when it is not what the scenario and condition expect or could not
     *     run at all
     */
    public static MatrixRun run(Subject subject, MatrixScenario scenario, MachineCondition condition) {
        long start = System.nanoTime();
        try {
            Outcome outcome = execute(subject, scenario, condition.options(),
                    options -> ReferenceMachine.of(subject.platform(), options));
            Optional<String> failure = condition.judge(scenario, outcome.image(), outcome.trace());
            return new MatrixRun(subject.platform().id(), condition, scenario, outcome.image(),
                    Optional.of(outcome.trace()), failure, Duration.ofNanos(System.nanoTime() - start));
        } catch (RuntimeException e) {
            String why = e instanceof HandoffException h ? h.getMessage() + " (" + h.kind() + ")" : e.toString();
            return MatrixRun.couldNotRun(subject.platform().id(), new Cell(condition, scenario), why,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * One cell of the matrix: a scenario on a machine condition.
     *
     * @param condition the machine's condition
     * @param scenario the scenario
     */
    public record Cell(MachineCondition condition, MatrixScenario scenario) {
    }

    /** Return every scenario on every condition that covers it, conditions first, each in the order given. */
    public static List<Cell> cells(List<MatrixScenario> scenarios, List<MachineCondition> conditions) {
        List<Cell> cells = new ArrayList<>();
        for (MachineCondition condition : conditions) {
            for (MatrixScenario scenario : scenarios) {
                if (condition.covers(scenario)) {
                    cells.add(new Cell(condition, scenario));
                }
            }
        }
        return cells;
    }

    /** Run every cell of these scenarios and conditions ({@link #cells}). */
    public static List<MatrixRun> runAll(Subject subject, List<MatrixScenario> scenarios,
                                         List<MachineCondition> conditions) {
        return cells(scenarios, conditions).stream().map(c -> run(subject, c.scenario(), c.condition())).toList();
    }
}
