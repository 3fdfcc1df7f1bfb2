package io.handoff.platforms.x86_64;

import io.handoff.api.machine.Machine;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.spi.DumpFallback;
import io.handoff.api.support.GenericSteps;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * The last link of the x86_64 fallback chain: say why on the serial console and halt, never booting a capture
 * kernel whose bytes were corrupted (kexec-tools' purgatory loops forever instead, silently).
 *
 * @since 0.1
 */
@Extension
public final class X86_64HaltFallback implements DumpFallback {
    /** The position in the chain: late, so that dump devices or firmware assists go first. */
    public static final int PRIORITY = 100;

    @Override
    public String id() {
        return "x86_64-halt";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /** Return the steps on every machine: printing and halting need nothing. */
    @Override
    public Optional<List<PurgatoryStep>> steps(Machine machine) {
        return Optional.of(List.of(
                PurgatorySteps.CONSOLE.print("handoff: purgatory: a required step failed, halting; the capture "
                        + "kernel is not started"),
                GenericSteps.halt(PurgatorySteps.HALT_REQUIRED_STEP_FAILED, "halt with reason "
                        + PurgatorySteps.HALT_REQUIRED_STEP_FAILED + " (cli; hlt, forever)")));
    }
}
