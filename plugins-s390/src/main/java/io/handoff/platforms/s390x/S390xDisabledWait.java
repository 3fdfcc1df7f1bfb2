package io.handoff.platforms.s390x;

import io.handoff.api.machine.Machine;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.spi.DumpFallback;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * The last link of the s390x fallback chain: a disabled-wait PSW whose address is a code saying why no dump was
 * taken. The operator (or {@code zgetdump}/the HMC) sees the code as the wait PSW's address.
 *
 * <p>The codes ("HF" in the upper half, so they cannot be taken for Linux's own return-address waits):
 * <ul>
 *   <li>{@value #NO_DUMP_DEVICE_HEX}: a required purgatory step failed (a digest mismatch) and the machine has
 *       no dump device ({@code dump_type} is {@code none});</li>
 *   <li>{@value #NO_DUMP_SYSFS_HEX}: the same, and the kernel had no {@code /sys/firmware/dump} at all;</li>
 *   <li>{@value #UNSUPPORTED_DUMP_TYPE_HEX}: the same, and the dump device is ECKD or NVMe, which handoff does
 *       not re-IPL yet;</li>
 *   <li>{@value #REIPL_FAILED_HEX}: the dump re-IPL was tried and diag 308 refused it (see
 *       {@link S390xDumpReipl}).</li>
 * </ul>
 * The runtime's own codes (FORMAT.md §4 and §8) are 0xFF01 (no step handed over), 0xFF11..0xFF13 (the program
 * was refused) and 0xFF20/0xFF21 (an x86 jump or a reset on s390).
 *
 * @since 0.1
 */
@Extension
public final class S390xDisabledWait implements DumpFallback {
    /** The position in the chain: after the dump re-IPL. */
    public static final int PRIORITY = 100;
    /** A required step failed and dump_type is none. */
    public static final long NO_DUMP_DEVICE = 0x48460001L;
    /** A required step failed and there is no /sys/firmware/dump. */
    public static final long NO_DUMP_SYSFS = 0x48460002L;
    /** A required step failed and the dump device is of a type handoff cannot re-IPL. */
    public static final long UNSUPPORTED_DUMP_TYPE = 0x48460003L;
    /** The dump re-IPL failed. */
    public static final long REIPL_FAILED = 0x48460010L;

    static final String NO_DUMP_DEVICE_HEX = "0x48460001";
    static final String NO_DUMP_SYSFS_HEX = "0x48460002";
    static final String UNSUPPORTED_DUMP_TYPE_HEX = "0x48460003";
    static final String REIPL_FAILED_HEX = "0x48460010";

    @Override
    public String id() {
        return "s390x-disabled-wait";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /** Return the disabled wait, on every machine, with the code of why there is no dump device. */
    @Override
    public Optional<List<PurgatoryStep>> steps(Machine machine) {
        DumpDevice.Absence why = DumpDevice.absence(machine.view());
        return Optional.of(List.of(switch (why) {
            case NO_SYSFS -> S390xSteps.disabledWait(NO_DUMP_SYSFS, "a required step failed; no /sys/firmware/dump");
            case UNSUPPORTED_TYPE -> S390xSteps.disabledWait(UNSUPPORTED_DUMP_TYPE,
                    "a required step failed; the dump device type cannot be re-IPLed by handoff");
            default -> S390xSteps.disabledWait(NO_DUMP_DEVICE, "a required step failed; no dump device (dump_type none)");
        }));
    }
}
