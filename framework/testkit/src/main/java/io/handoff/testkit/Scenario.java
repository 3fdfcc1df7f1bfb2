package io.handoff.testkit;

import io.handoff.api.FailureKind;
import io.handoff.api.plan.PlanRequest;
import io.handoff.simulator.matrix.MatrixScenario;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link PlatformTestKit} plans and runs, and what the platform is expected to do about it: the
 * {@link MatrixScenario}s of {@code handoff matrix}, by the names tests have used since 0.1.
 *
 * @since 0.1
 */
public enum Scenario {
    /** A kexec reboot: the program verifies the segments and jumps into the new kernel. */
    KEXEC_REBOOT,
    /** A kdump load, then a crash: the program verifies the capture kernel and jumps into it. */
    KDUMP,
    /** A kdump load whose kernel has one byte flipped after loading: the digest check must catch it. */
    CORRUPTED_SEGMENT,
    /** A kdump load with a non-zero byte in the kernel's zero tail: the tail compare must catch it. */
    CORRUPTED_ZERO_TAIL,
    /** A kdump load under a 1 ms purgatory budget: the planner must refuse it, nothing runs. */
    BUDGET_EXCEEDED;

    /** Where {@link #CORRUPTED_SEGMENT} flips its byte: inside the kernel's first chunk, past any header. */
    public static final long CORRUPTED_DATA_OFFSET = MatrixScenario.CORRUPTED_DATA_OFFSET;

    /** Return the matrix scenario this one is: its definition, which {@code handoff matrix} runs too. */
    public MatrixScenario definition() {
        return MatrixScenario.valueOf(name());
    }

    /** Return the kind of load planned. */
    public PlanRequest.Mode mode() {
        return definition().mode();
    }

    /** Return the configuration overrides the scenario plans with. */
    public Map<String, String> settings() {
        return definition().settings();
    }

    /** Return the planner refusal this scenario expects, if it expects one. */
    public Optional<FailureKind> expectedRefusal() {
        return definition().expectedRefusal();
    }

    /** Return whether the program is expected to end in the platform's fallback instead of the jump. */
    public boolean expectsFallback() {
        return definition().expectsFallback();
    }
}
