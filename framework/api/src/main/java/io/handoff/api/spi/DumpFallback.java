package io.handoff.api.spi;

import io.handoff.api.machine.Machine;
import io.handoff.api.plan.PurgatoryStep;
import java.util.List;
import java.util.Optional;

/**
 * What purgatory does instead of jumping when it finds the loaded capture kernel corrupted.
 *
 * <p>Fallbacks form a chain ordered by {@link #priority()}; the first one available on the machine is
 * used, and the last link is always a platform's terminal stop (halt or disabled wait).
 *
 * @since 0.1
 */
public interface DumpFallback extends Contribution {
    /** Return the position in the chain; lower runs first. */
    int priority();

    /**
     * Return the steps of this fallback, or empty when the machine cannot use it (no dump device, say).
     *
     * @param machine the machine, for its firmware configuration
     * @return the steps, or empty
     */
    Optional<List<PurgatoryStep>> steps(Machine machine);
}
