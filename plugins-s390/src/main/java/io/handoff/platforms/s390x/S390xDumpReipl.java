package io.handoff.platforms.s390x;

import io.handoff.api.machine.Machine;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.spi.DumpFallback;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * When purgatory finds the capture kernel corrupted, re-IPL the machine's stand-alone dump tool with diag 308, as
 * Linux's {@code dump_reipl} shutdown action does: the device from {@code /sys/firmware/dump} (CCW or FCP) goes
 * into an IPL parameter block that purgatory sets (subcode 5) and loads as a dump (subcode 4). If the machine
 * refuses, the CPU stops in a disabled wait with code {@value S390xDisabledWait#REIPL_FAILED_HEX}.
 *
 * @since 0.1
 */
@Extension
public final class S390xDumpReipl implements DumpFallback {
    /** The position in the chain: first. */
    public static final int PRIORITY = 10;

    @Override
    public String id() {
        return "s390x-dump-reipl";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * Return the re-IPL and the disabled wait behind it, or empty when {@code dump_type} is none, eckd, nvme or absent.
     *
     * @throws io.handoff.api.HandoffException MALFORMED_PROFILE when the dump type names a CCW or FCP device whose
     *     files are missing or malformed
     */
    @Override
    public Optional<List<PurgatoryStep>> steps(Machine machine) {
        return DumpDevice.read(machine.view()).map(device -> List.of(
                S390xSteps.dumpReipl(device.block(), device.describe()),
                S390xSteps.disabledWait(S390xDisabledWait.REIPL_FAILED, "the dump re-IPL failed")));
    }
}
