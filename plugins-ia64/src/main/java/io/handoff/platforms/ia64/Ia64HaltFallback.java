package io.handoff.platforms.ia64;

import io.handoff.api.machine.Machine;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.spi.DumpFallback;
import io.handoff.api.support.GenericSteps;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * The last link of the IA-64 fallback chain: say why on the console (where there is one) and halt, never entering
 * a kernel whose bytes were corrupted (kexec-tools' ia64 purgatory spins silently instead).
 *
 * @since 0.3
 */
@Extension
public final class Ia64HaltFallback implements DumpFallback {
    /** The position in the chain: late, so that firmware assists go first. */
    public static final int PRIORITY = 100;

    @Override
    public String id() {
        return "ia64-halt";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /** Return the steps on every machine: printing (a no-op without a console) and halting need nothing. */
    @Override
    public Optional<List<PurgatoryStep>> steps(Machine machine) {
        return Optional.of(List.of(
                Ia64Steps.CONSOLE.print("handoff: purgatory: a required step failed, halting; the new kernel is not "
                        + "started"),
                GenericSteps.halt(Ia64Steps.HALT_REQUIRED_STEP_FAILED, "halt with reason "
                        + Ia64Steps.HALT_REQUIRED_STEP_FAILED + " (the CPU spins at purgatory_halted)")));
    }
}
