package com.example.handoff.toyarch;

import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.arch.SimpleStepKind;
import io.handoff.api.arch.StepCodeRange;
import java.time.Duration;
import java.util.List;

/**
 * toyarch's architecture step kinds: the code range it reserves in vendor space and its one kind, implemented by
 * src/main/purgatory/steps-toyarch.c.
 */
final class ToyArchSteps {
    /** The codes toyarch reserves: 0x100..0x10f (steps-toyarch.h). */
    static final StepCodeRange CODES = new StepCodeRange(0x100, 0x10F);

    /** Ring the boot doorbell with the entry, then enter the kernel with its argument; the doorbell takes 1 ms at most. */
    static final SimpleStepKind TOY_ENTER = new SimpleStepKind("toy-enter", 0x100, List.of("entry", "argument"), true,
            Duration.ofMillis(1), "purgatory: toy enter ");

    /** toyarch's kinds and codes. */
    static final ArchitectureSteps ALL = new ArchitectureSteps(List.of(CODES), List.of(TOY_ENTER));

    private ToyArchSteps() {
    }
}
