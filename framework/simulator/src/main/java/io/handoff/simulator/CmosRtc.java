package io.handoff.simulator;

import java.time.LocalDateTime;
import java.util.Objects;

/**
 * The MC146818-compatible CMOS real-time clock of a PC at ports 0x70 (index) and 0x71 (data).
 *
 * <p>Registers: 0x00 seconds, 0x02 minutes, 0x04 hours, 0x06 day of week (1 = Sunday), 0x07 day of
 * month, 0x08 month, 0x09 year (two digits), 0x0A register A (bit 7 UIP), 0x0B register B (0x04
 * {@code DM_BINARY}, 0x02 {@code 24H}), 0x0C register C (flags, cleared on read, always 0 here), 0x0D
 * register D (0x80 valid RAM and time); the rest is 114 bytes of battery-backed RAM. Bit 7 of the index
 * byte is the chipset's NMI mask and is ignored.
 *
 * <p>The time shown is {@code start} plus the virtual clock, with the clock's second boundary half a second
 * after the crash. Around each boundary the chip runs its update cycle: UIP reads 1 from 244 µs before the
 * boundary until the update ends 1984 µs after it (2.228 ms in all), and the time registers show the new
 * second only once the update is over. Values are BCD unless register B has {@code DM_BINARY}; hours are
 * 12-hour with bit 7 = PM unless register B has {@code 24H}.
 */
public final class CmosRtc implements PortDevice {
    /** The index port. */
    public static final int INDEX_PORT = 0x70;
    /** The data port. */
    public static final int DATA_PORT = 0x71;
    /** Register A's update-in-progress bit. */
    public static final int UIP = 0x80;
    /** Register B: values are binary, not BCD. */
    public static final int DM_BINARY = 0x04;
    /** Register B: hours run 0..23. */
    public static final int HOUR_24 = 0x02;
    /** How long before a second boundary UIP rises. */
    public static final long UIP_LEAD_NS = 244_000;
    /** How long the update cycle lasts after the boundary. */
    public static final long UPDATE_NS = 1_984_000;
    /** Where the first second boundary falls, after the crash. */
    public static final long FIRST_BOUNDARY_NS = 500_000_000;
    /** How often a {@link Fault#JUMPING} clock jumps. */
    public static final long JUMP_PERIOD_NS = 100_000_000;

    /** The ways this RTC can misbehave (fault injection). */
    public enum Fault {
        /** A healthy clock. */
        NONE,
        /** The time never advances and no update ever runs (a dead oscillator). */
        FROZEN,
        /** UIP reads 1 forever; the time registers still advance. */
        UIP_STUCK,
        /** The time jumps back and forth by hours every 100 ms of virtual time. */
        JUMPING
    }

    private static final long SECOND_NS = 1_000_000_000L;

    private final VirtualClock clock;
    private final LocalDateTime start;
    private final Fault fault;
    private final byte[] ram = new byte[128];
    private int index;
    private int registerB;
    private long reads;

    /**
     * Create an RTC.
     *
     * @param clock the machine's clock
     * @param start the wall-clock time shown at the crash
     * @param registerB the initial register B ({@link #DM_BINARY} and {@link #HOUR_24} bits)
     * @param fault the fault to inject
     */
    public CmosRtc(VirtualClock clock, LocalDateTime start, int registerB, Fault fault) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.start = Objects.requireNonNull(start, "start");
        this.registerB = registerB & 0xFF;
        this.fault = Objects.requireNonNull(fault, "fault");
    }

    /** Return a healthy RTC in the PC default mode (BCD, 24-hour). */
    public static CmosRtc pcDefault(VirtualClock clock, LocalDateTime start) {
        return new CmosRtc(clock, start, HOUR_24, Fault.NONE);
    }

    /** Return the injected fault. */
    public Fault fault() {
        return fault;
    }

    /** Return how many data-port reads the CPU made (a busy-wait shows up here). */
    public long reads() {
        return reads;
    }

    @Override
    public int inb(int port) {
        if (port == INDEX_PORT) {
            // the index register is write-only on PC chipsets
            return 0xFF;
        }
        reads++;
        return read(index);
    }

    @Override
    public void outb(int port, int value) {
        if (port == INDEX_PORT) {
            index = value & 0x7F;
            return;
        }
        switch (index) {
            case 0x0B -> registerB = value & 0xFF;
            case 0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0C, 0x0D -> {
                // setting the time is not modelled: purgatory only reads it
            }
            default -> ram[index] = (byte) value;
        }
    }

    /** Return the register's current value, as the data port would. */
    public int read(int register) {
        long t = clock.nanos();
        switch (register) {
            case 0x0A:
                return (updateInProgress(t) ? UIP : 0) | 0x26;
            case 0x0B:
                return registerB;
            case 0x0C:
                return 0;
            case 0x0D:
                return 0x80;
            default:
                break;
        }
        LocalDateTime now = shownTime(t);
        return switch (register) {
            case 0x00 -> encode(now.getSecond());
            case 0x02 -> encode(now.getMinute());
            case 0x04 -> hours(now.getHour());
            case 0x06 -> encode(now.getDayOfWeek().getValue() % 7 + 1);
            case 0x07 -> encode(now.getDayOfMonth());
            case 0x08 -> encode(now.getMonthValue());
            case 0x09 -> encode(now.getYear() % 100);
            default -> ram[register] & 0xFF;
        };
    }

    /** Return the time the registers show at virtual time {@code t} (after the fault is applied). */
    public LocalDateTime shownTime(long t) {
        if (fault == Fault.FROZEN) {
            return start;
        }
        // seconds completed: the registers change at the end of each update cycle
        long sinceFirst = t - FIRST_BOUNDARY_NS - UPDATE_NS;
        long seconds = sinceFirst < 0 ? 0 : sinceFirst / SECOND_NS + 1;
        LocalDateTime shown = start.plusSeconds(seconds);
        if (fault == Fault.JUMPING) {
            long k = t / JUMP_PERIOD_NS;
            if (k % 2 == 1) {
                shown = shown.minusSeconds(3 * 3600 + 17 * 60 + 23);
            } else if (k % 4 == 2) {
                shown = shown.plusSeconds(9 * 3600 + 41 * 60 + 7);
            }
        }
        return shown;
    }

    private boolean updateInProgress(long t) {
        return switch (fault) {
            case FROZEN -> false;
            case UIP_STUCK -> true;
            default -> {
                // position relative to the nearest boundary at FIRST_BOUNDARY_NS + k seconds
                long phase = Math.floorMod(t - FIRST_BOUNDARY_NS, SECOND_NS);
                yield phase < UPDATE_NS || phase >= SECOND_NS - UIP_LEAD_NS;
            }
        };
    }

    private int hours(int hour) {
        if ((registerB & HOUR_24) != 0) {
            return encode(hour);
        }
        int h12 = hour % 12 == 0 ? 12 : hour % 12;
        return encode(h12) | (hour >= 12 ? 0x80 : 0);
    }

    private int encode(int value) {
        return (registerB & DM_BINARY) != 0 ? value : ((value / 10) << 4) | (value % 10);
    }
}
