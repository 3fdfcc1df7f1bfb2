package io.handoff.api.spi;

import io.handoff.api.machine.Machine;
import io.handoff.api.plan.PurgatoryStep;
import java.util.List;

/**
 * A way of letting the firmware finish the handoff (EFI warm reset preserving the crash region).
 *
 * @since 0.1
 */
public interface FirmwareAssist extends Contribution {
    /** Tell whether the machine's firmware offers this assistance. */
    boolean available(Machine machine);

    /** Return the purgatory steps that hand over to the firmware. */
    List<PurgatoryStep> steps(Machine machine);
}
