package io.handoff.lastwords;

import java.util.Objects;

/**
 * The BMC watchdog commands (NetFn App 0x06) and their byte layouts (IPMI 2.0 §27, as Linux's ipmi_watchdog uses them).
 *
 * <p>Set Watchdog Timer loads the timer; the countdown (re)starts only on Reset Watchdog Timer. To stop the
 * timer, Set it with {@code don't stop} cleared and no action ({@link #stop()}).
 *
 * @since 0.1
 */
public final class WatchdogTimer {
    /** Reset Watchdog Timer: starts (or restarts) the countdown; no data. */
    public static final int CMD_RESET = 0x22;
    /** Set Watchdog Timer: 6 data bytes. */
    public static final int CMD_SET = 0x24;
    /** Get Watchdog Timer: 8 data bytes in the response. */
    public static final int CMD_GET = 0x25;
    /** Completion code of Reset when the timer was never Set. */
    public static final int CC_NOT_INITIALISED = 0x80;
    /** Timer use bit 6: on Set, do not stop a running timer. */
    public static final int USE_DONT_STOP = 0x40;
    /** Timer use bit 7 (Set): do not log the expiration; in Get, bit 6 is "running". */
    public static final int USE_DONT_LOG = 0x80;
    /** The longest countdown, in seconds (0xFFFF × 100 ms). */
    public static final int MAX_SECONDS = 6553;
    /** The countdown Linux programs when it stops the timer: its default 10 s timeout. */
    public static final int STOP_COUNTDOWN = 100;

    private WatchdogTimer() {
    }

    /** What the timer is used by (timer use bits 2:0). */
    public enum TimerUse {
        /** BIOS FRB2. */
        BIOS_FRB2(1),
        /** BIOS/POST. */
        BIOS_POST(2),
        /** OS load. */
        OS_LOAD(3),
        /** SMS/OS: the running system, what Linux and handoff use. */
        SMS_OS(4),
        /** OEM. */
        OEM(5);

        private final int code;

        TimerUse(int code) {
            this.code = code;
        }

        /** Return the 3-bit code. */
        public int code() {
            return code;
        }

        static TimerUse of(int code) {
            for (TimerUse use : values()) {
                if (use.code == code) {
                    return use;
                }
            }
            throw new IllegalArgumentException("timer use " + code + " is reserved");
        }
    }

    /** What happens when the countdown expires (timer actions bits 2:0). */
    public enum TimeoutAction {
        /** Nothing (the timer only logs). */
        NONE(0, "none"),
        /** Hard reset. */
        HARD_RESET(1, "hard-reset"),
        /** Power down. */
        POWER_DOWN(2, "power-down"),
        /** Power cycle. */
        POWER_CYCLE(3, "power-cycle");

        private final int code;
        private final String id;

        TimeoutAction(int code, String id) {
            this.code = code;
            this.id = id;
        }

        /** Return the 3-bit code. */
        public int code() {
            return code;
        }

        /** Return the configuration spelling, such as {@code hard-reset}. */
        public String id() {
            return id;
        }

        static TimeoutAction of(int code) {
            for (TimeoutAction action : values()) {
                if (action.code == code) {
                    return action;
                }
            }
            throw new IllegalArgumentException("timeout action " + code + " is reserved");
        }
    }

    /** The interrupt raised before the timeout (timer actions bits 6:4). */
    public enum PreTimeoutInterrupt {
        /** None. */
        NONE(0),
        /** SMI. */
        SMI(1),
        /** NMI / diagnostic interrupt. */
        NMI(2),
        /** Messaging interrupt. */
        MESSAGING(3);

        private final int code;

        PreTimeoutInterrupt(int code) {
            this.code = code;
        }

        /** Return the 3-bit code. */
        public int code() {
            return code;
        }

        static PreTimeoutInterrupt of(int code) {
            for (PreTimeoutInterrupt interrupt : values()) {
                if (interrupt.code == code) {
                    return interrupt;
                }
            }
            throw new IllegalArgumentException("pre-timeout interrupt " + code + " is reserved");
        }
    }

    /**
     * The data of Set Watchdog Timer.
     *
     * @param use the timer use
     * @param dontStop bit 6: a running timer keeps running through the Set
     * @param dontLog bit 7: the BMC does not log the expiration in the SEL
     * @param action the timeout action
     * @param preTimeout the pre-timeout interrupt
     * @param preTimeoutSeconds seconds before the timeout the interrupt fires (0..255)
     * @param expirationFlagsClear the expiration flags to clear (bit 1 FRB2 … bit 5 OEM; 1 clears)
     * @param countdown the initial countdown in 100 ms units (0..0xFFFF)
     */
    public record SetData(TimerUse use, boolean dontStop, boolean dontLog, TimeoutAction action,
                           PreTimeoutInterrupt preTimeout, int preTimeoutSeconds, int expirationFlagsClear,
                           int countdown) {
        /** Check the ranges. */
        public SetData {
            Objects.requireNonNull(use, "use");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(preTimeout, "preTimeout");
            Bytes.checkRange("preTimeoutSeconds", preTimeoutSeconds, 0xFF);
            Bytes.checkRange("expirationFlagsClear", expirationFlagsClear, 0x3E);
            Bytes.checkRange("countdown", countdown, 0xFFFF);
        }

        /** Return the 6 data bytes; the countdown is least significant byte first. */
        public byte[] bytes() {
            return new byte[] {
                (byte) (use.code() | (dontStop ? USE_DONT_STOP : 0) | (dontLog ? USE_DONT_LOG : 0)),
                (byte) (action.code() | preTimeout.code() << 4),
                (byte) preTimeoutSeconds,
                (byte) expirationFlagsClear,
                (byte) countdown,
                (byte) (countdown >> 8),
            };
        }
    }

    /**
     * Return the settings that arm the SMS/OS timer for {@code seconds}, without pre-timeout interrupt and
     * without clearing expiration flags (they are evidence of an earlier expiration).
     *
     * <p>{@code don't stop} is set: a timer the crashed kernel left running keeps running through the Set,
     * and the Reset that follows restarts it with the new countdown.
     *
     * @param seconds 1..{@value #MAX_SECONDS}
     * @param action what the BMC does on expiration
     * @param dontLog whether the BMC should not log the expiration
     */
    public static SetData start(int seconds, TimeoutAction action, boolean dontLog) {
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("watchdog seconds must be 1.." + MAX_SECONDS + ", got " + seconds);
        }
        return new SetData(TimerUse.SMS_OS, true, dontLog, action, PreTimeoutInterrupt.NONE, 0, 0, seconds * 10);
    }

    /** Return the Set request for the settings. */
    public static IpmiRequest set(SetData settings) {
        return IpmiRequest.of(NetFn.APP, CMD_SET, settings.bytes());
    }

    /** Return the Set request that stops the timer: SMS/OS use without {@code don't stop}, no action. */
    public static IpmiRequest stop() {
        return set(new SetData(TimerUse.SMS_OS, false, false, TimeoutAction.NONE, PreTimeoutInterrupt.NONE, 0, 0,
                STOP_COUNTDOWN));
    }

    /** Return the Reset request, which starts the countdown. */
    public static IpmiRequest reset() {
        return IpmiRequest.of(NetFn.APP, CMD_RESET);
    }

    /** Return the Get request. */
    public static IpmiRequest get() {
        return IpmiRequest.of(NetFn.APP, CMD_GET);
    }

    /**
     * The timer's state, from Get Watchdog Timer.
     *
     * @param use the timer use
     * @param running bit 6 of the timer use byte
     * @param dontLog bit 7 of the timer use byte
     * @param action the timeout action
     * @param preTimeout the pre-timeout interrupt
     * @param preTimeoutSeconds the pre-timeout interval in seconds
     * @param expirationFlags the timer use expiration flags
     * @param initialCountdown the initial countdown, 100 ms units
     * @param presentCountdown the present countdown, 100 ms units
     */
    public record Status(TimerUse use, boolean running, boolean dontLog, TimeoutAction action,
                         PreTimeoutInterrupt preTimeout, int preTimeoutSeconds, int expirationFlags,
                         int initialCountdown, int presentCountdown) {
        /** Return the initial countdown in whole seconds. */
        public int initialSeconds() {
            return initialCountdown / 10;
        }
    }

    /**
     * Decode a successful Get Watchdog Timer response.
     *
     * @param response the response to {@link #get()}
     * @return the timer's state
     * @throws IllegalArgumentException for another command, a failure, fewer than 8 data bytes or reserved codes
     */
    public static Status parseStatus(IpmiResponse response) {
        if (!response.answers(get())) {
            throw new IllegalArgumentException("not a Get Watchdog Timer response: " + response);
        }
        if (!response.ok()) {
            throw new IllegalArgumentException(String.format("Get Watchdog Timer failed: cc 0x%02X",
                    response.completionCode()));
        }
        byte[] d = response.data();
        if (d.length < 8) {
            throw new IllegalArgumentException("Get Watchdog Timer response: " + d.length + " data bytes, need 8");
        }
        return new Status(TimerUse.of(d[0] & 7), (d[0] & 0x40) != 0, (d[0] & 0x80) != 0, TimeoutAction.of(d[1] & 7),
                PreTimeoutInterrupt.of(d[1] >> 4 & 7), Bytes.u8(d[2]), Bytes.u8(d[3]),
                Bytes.u8(d[4]) | Bytes.u8(d[5]) << 8, Bytes.u8(d[6]) | Bytes.u8(d[7]) << 8);
    }
}
