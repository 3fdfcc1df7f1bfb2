package io.handoff.testkit;

import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.arch.StepKindDeclaration;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.support.GenericSteps;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.purgatory.PurgatoryImage;
import io.handoff.core.purgatory.StepEncoder;
import io.handoff.core.purgatory.StepKinds;
import io.handoff.core.purgatory.StepProgram;
import io.handoff.simulator.HostPurgatory;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.Trace;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps a platform's purgatory sources and its Java declarations naming the same kinds: the runtime names a step on
 * the console by the id {@code hal_arch_step_name()} returns ({@code purgatory: step 2 (load-psw) skipped: …},
 * FORMAT.md §4), a string the C side hard-codes, and every {@link StepKindDeclaration#id()} must come back there.
 *
 * <p>Each declared kind gets its own program on the {@link ReferenceMachine} with the plugin's host library: the
 * console, a best-effort copy that fails (its ranges overlap), then a step of the kind chained after it
 * ({@link PurgatoryStep.FailurePolicy#AFTER_SUCCESS}), which the runtime reports as skipped without running it, so
 * a terminal kind is named too. The program then halts ({@link #HALT}); the fallback halts with 1.
 *
 * <pre>{@code
 * StepNames.skipped(simulator, X86_64Steps.ALL, blob, ByteOrder.LITTLE_ENDIAN, operands).forEach((id, trace) ->
 *         assertThat(trace.lines()).contains(StepNames.skippedLine(id)));
 * }</pre>
 *
 * @since 0.3
 */
public final class StepNames {
    /** The index of the chained step in each program (console 0, the failing copy 1). */
    public static final int INDEX = 2;

    /** The reason the program's last step halts with; its fallback halts with 1. */
    public static final long HALT = 0x5EED;

    private static final long PURGATORY = 0x2000_0000L;

    private StepNames() {
    }

    /** Return the line the runtime prints for the chained step of kind {@code id}. */
    public static String skippedLine(String id) {
        return "purgatory: step " + INDEX + " (" + id + ") skipped: the step before did not succeed";
    }

    /**
     * Run one program per declared kind and return each run's trace by the kind's id, in declaration order.
     *
     * @param simulator the platform's simulator (its host library runs the programs)
     * @param steps the platform's declared kinds
     * @param blob the platform's purgatory image as shipped ({@code PURGATORY_RESOURCE})
     * @param order the target's byte order
     * @param operands operands each kind's record accepts (checked before anything runs), by id; every declared
     *     kind needs an entry
     * @throws IllegalArgumentException when a declared kind has no operands here
     */
    public static Map<String, Trace> skipped(ArchitectureSimulator simulator, ArchitectureSteps steps, byte[] blob,
                                             ByteOrder order, Map<String, List<Long>> operands) {
        HostPurgatory runtime = HostPurgatory.load(simulator);
        PurgatoryImage image = PurgatoryImage.read(blob, "purgatory", order);
        Map<String, Trace> out = new LinkedHashMap<>();
        for (StepKindDeclaration kind : steps.kinds()) {
            List<Long> ops = operands.get(kind.id());
            if (ops == null) {
                throw new IllegalArgumentException("no operands for declared kind " + kind.id());
            }
            List<PurgatoryStep> main = List.of(
                    new PurgatoryStep("console", PurgatoryStep.FailurePolicy.BEST_EFFORT, Duration.ofMillis(10),
                            List.of(0x3F8L, 1L), "console"),
                    new PurgatoryStep("copy", PurgatoryStep.FailurePolicy.BEST_EFFORT, Duration.ofMillis(1),
                            List.of(0x1000L, 0x1100L, 0x200L), "copy that fails: the ranges overlap"),
                    new PurgatoryStep(kind.id(), PurgatoryStep.FailurePolicy.AFTER_SUCCESS, kind.worstCase(ops), ops,
                            kind.id() + " after the failed copy"),
                    GenericSteps.halt(HALT, "halt: the program ends here"));
            byte[] area = StepEncoder.encode(new StepProgram(main, List.of(GenericSteps.halt(1, "halt")),
                    Optional.empty()), order, 1_000_000, new StepKinds(steps));
            byte[] loaded = image.loadBytes();
            System.arraycopy(area, 0, loaded, (int) image.paramOffset(), area.length);
            long memsz = (Math.max(loaded.length, image.imageSize()) + 0xFFF) & ~0xFFFL;
            HandoffImage plan = new HandoffImage("step-names",
                    new PlanRequest(PlanRequest.Mode.KEXEC, Path.of("kernel"), Optional.empty(), "", Map.of()),
                    new PlatformPlan(0x100_0000L, Map.of(), "", Map.of(), List.of()),
                    List.of(new Segment(ReferenceMachine.PURGATORY_ROLE, new SegmentData.Bytes(loaded), PURGATORY,
                            memsz)),
                    List.of(), 0, Optional.empty(), Optional.empty());
            out.put(kind.id(), new ReferenceMachine(runtime, ReferenceMachine.Options.defaults(),
                    Optional.of(simulator), steps).run(plan));
        }
        return out;
    }
}
