package io.handoff.simulator.matrix;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Segment;
import io.handoff.core.plan.HandoffImage;
import io.handoff.simulator.Corruption;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.Trace;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the matrix plans and runs, and what the platform is expected to do about it.
 *
 * @since 0.3
 */
public enum MatrixScenario {
    /** A kexec reboot: the program verifies the segments and jumps into the new kernel. */
    KEXEC_REBOOT(PlanRequest.Mode.KEXEC, Map.of(), "a kexec reboot: verify the segments, jump into the new kernel"),
    /** A kdump load, then a crash: the program verifies the capture kernel and jumps into it. */
    KDUMP(PlanRequest.Mode.KDUMP, Map.of(), "a kdump load and a crash: verify the capture kernel, jump into it"),
    /** A kdump load whose kernel has one byte flipped after loading: the digest check must catch it. */
    CORRUPTED_SEGMENT(PlanRequest.Mode.KDUMP, Map.of(),
            "a byte of the kernel flipped after loading: the digest check fails, the fallback runs"),
    /** A kdump load with a non-zero byte in the kernel's zero tail: the tail compare must catch it. */
    CORRUPTED_ZERO_TAIL(PlanRequest.Mode.KDUMP, Map.of(),
            "a non-zero byte in the kernel's zero tail: the tail compare fails, the fallback runs"),
    /** A kdump load under a 1 ms purgatory budget: the planner must refuse it, nothing runs. */
    BUDGET_EXCEEDED(PlanRequest.Mode.KDUMP, Map.of("handoff.purgatory.budget", "1ms"),
            "a kdump load under a 1 ms purgatory budget: the planner refuses it");

    /** Where {@link #CORRUPTED_SEGMENT} flips its byte: inside the kernel's first chunk, past any header. */
    public static final long CORRUPTED_DATA_OFFSET = 0x1234;

    private final PlanRequest.Mode mode;
    private final Map<String, String> settings;
    private final String description;

    MatrixScenario(PlanRequest.Mode mode, Map<String, String> settings, String description) {
        this.mode = mode;
        this.settings = settings;
        this.description = description;
    }

    /** Return the kind of load planned. */
    public PlanRequest.Mode mode() {
        return mode;
    }

    /** Return the configuration overrides the scenario plans with. */
    public Map<String, String> settings() {
        return settings;
    }

    /** Return what the scenario does and expects, in one line. */
    public String description() {
        return description;
    }

    /** Return the scenario's name on the command line and in reports: {@code corrupted-segment}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Return the scenario with this {@link #id()} (or constant name), if there is one. */
    public static Optional<MatrixScenario> byId(String id) {
        for (MatrixScenario s : values()) {
            if (s.id().equals(id) || s.name().equals(id)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Return the planner refusal this scenario expects, if it expects one. */
    public Optional<FailureKind> expectedRefusal() {
        return this == BUDGET_EXCEEDED ? Optional.of(FailureKind.DOES_NOT_FIT) : Optional.empty();
    }

    /** Return whether the program is expected to end in the platform's fallback instead of the jump. */
    public boolean expectsFallback() {
        return this == CORRUPTED_SEGMENT || this == CORRUPTED_ZERO_TAIL;
    }

    /**
     * Return the machine options with this scenario's corruption of the plan added.
     *
     * @throws HandoffException USAGE when no segment of the plan can take the corruption
     */
    public ReferenceMachine.Options corrupt(ReferenceMachine.Options options, HandoffImage image) {
        if (this == CORRUPTED_SEGMENT) {
            Segment k = kernelSegment(image, s -> s.bufsz() > CORRUPTED_DATA_OFFSET);
            return options.corrupt(new Corruption(k.role(), CORRUPTED_DATA_OFFSET));
        }
        if (this == CORRUPTED_ZERO_TAIL) {
            Segment k = kernelSegment(image, s -> s.memsz() > s.bufsz());
            return options.corrupt(new Corruption(k.role(), k.bufsz()));
        }
        return options;
    }

    /**
     * Judge a run by what this scenario expects: the refusal, the fallback, or digests verified and the jump as
     * planned.
     *
     * @return why the run is not what the scenario expects, or empty when it is
     */
    public Optional<String> judge(Optional<HandoffImage> image, Trace trace) {
        if (expectedRefusal().isPresent()) {
            return TraceChecks.refused(trace, expectedRefusal().get());
        }
        if (expectsFallback()) {
            return TraceChecks.first(TraceChecks.fellBack(trace), TraceChecks.withinBudget(trace));
        }
        return TraceChecks.first(TraceChecks.digestsVerified(trace), TraceChecks.jumpMatchesPlan(image, trace),
                TraceChecks.withinBudget(trace));
    }

    private static Segment kernelSegment(HandoffImage image, Predicate<Segment> fits) {
        return image.segments().stream().filter(s -> s.role().equals("kernel")).filter(fits).findFirst()
                .or(() -> image.segments().stream().filter(s -> !s.role().equals(ReferenceMachine.PURGATORY_ROLE))
                        .filter(fits).findFirst())
                .orElseThrow(() -> new HandoffException(FailureKind.USAGE,
                        "no segment of the plan can take this scenario's corruption"));
    }
}
