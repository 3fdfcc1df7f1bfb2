package io.handoff.testkit;

import io.handoff.api.FailureKind;
import io.handoff.api.plan.PlanRequest;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link PlatformTestKit} plans and runs, and what the platform is expected to do about it.
 *
 * @since 0.1
 */
public enum Scenario {
    /** A kexec reboot: the program verifies the segments and jumps into the new kernel. */
    KEXEC_REBOOT(PlanRequest.Mode.KEXEC, Map.of()),
    /** A kdump load, then a crash: the program verifies the capture kernel and jumps into it. */
    KDUMP(PlanRequest.Mode.KDUMP, Map.of()),
    /** A kdump load whose kernel has one byte flipped after loading: the digest check must catch it. */
    CORRUPTED_SEGMENT(PlanRequest.Mode.KDUMP, Map.of()),
    /** A kdump load with a non-zero byte in the kernel's zero tail: the tail compare must catch it. */
    CORRUPTED_ZERO_TAIL(PlanRequest.Mode.KDUMP, Map.of()),
    /** A kdump load under a 1 ms purgatory budget: the planner must refuse it, nothing runs. */
    BUDGET_EXCEEDED(PlanRequest.Mode.KDUMP, Map.of("handoff.purgatory.budget", "1ms"));

    /** Where {@link #CORRUPTED_SEGMENT} flips its byte: inside the kernel's first chunk, past any header. */
    public static final long CORRUPTED_DATA_OFFSET = 0x1234;

    private final PlanRequest.Mode mode;
    private final Map<String, String> settings;

    Scenario(PlanRequest.Mode mode, Map<String, String> settings) {
        this.mode = mode;
        this.settings = settings;
    }

    /** Return the kind of load planned. */
    public PlanRequest.Mode mode() {
        return mode;
    }

    /** Return the configuration overrides the scenario plans with. */
    public Map<String, String> settings() {
        return settings;
    }

    /** Return the planner refusal this scenario expects, if it expects one. */
    public Optional<FailureKind> expectedRefusal() {
        return this == BUDGET_EXCEEDED ? Optional.of(FailureKind.DOES_NOT_FIT) : Optional.empty();
    }

    /** Return whether the program is expected to end in the platform's fallback instead of the jump. */
    public boolean expectsFallback() {
        return this == CORRUPTED_SEGMENT || this == CORRUPTED_ZERO_TAIL;
    }
}
