package com.example.handoff.toyarch;

import io.handoff.api.machine.Machine;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import io.handoff.api.spi.DumpFallback;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/** The end of toyarch's fallback chain: say why on the console and halt (the board's power-off register). */
@Extension
public final class ToyArchHaltFallback implements DumpFallback {
    /** The halt reason: a required step failed. */
    static final long REQUIRED_STEP_FAILED = 1;

    @Override
    public String id() {
        return "toyarch-halt";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Optional<List<PurgatoryStep>> steps(Machine machine) {
        return Optional.of(List.of(
                ToyArchPurgatorySteps.print("handoff: toyarch purgatory: a required step failed, halting"),
                new PurgatoryStep("halt", FailurePolicy.REQUIRED, Duration.ZERO, List.of(REQUIRED_STEP_FAILED),
                        "halt with reason 1 (the board's power-off register)")));
    }
}
