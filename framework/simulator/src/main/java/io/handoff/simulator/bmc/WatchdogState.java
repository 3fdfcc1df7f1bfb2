package io.handoff.simulator.bmc;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The simulated BMC watchdog as Get Watchdog Timer would report it, plus what the simulation knows besides.
 *
 * @param initialized whether a Set Watchdog Timer was ever accepted
 * @param running whether the countdown runs
 * @param use the timer use (1 BIOS FRB2, 2 BIOS/POST, 3 OS load, 4 SMS/OS, 5 OEM)
 * @param dontLog whether an expiration is not logged in the SEL
 * @param action the timeout action (0 none, 1 hard reset, 2 power down, 3 power cycle)
 * @param preTimeoutInterrupt the pre-timeout interrupt (0 none, 1 SMI, 2 NMI, 3 messaging)
 * @param preTimeoutSeconds the pre-timeout interval
 * @param expirationFlags the timer use expiration flags (bit 4 SMS/OS …)
 * @param initialCountdown the initial countdown, 100 ms units
 * @param presentCountdown the present countdown, 100 ms units
 * @param expiredAt the virtual time it last expired, if it did
 * @since 0.1
 */
public record WatchdogState(boolean initialized, boolean running, int use, boolean dontLog, int action,
                            int preTimeoutInterrupt, int preTimeoutSeconds, int expirationFlags, int initialCountdown,
                            int presentCountdown, Optional<Duration> expiredAt) {
    /** Timeout action: hard reset. */
    public static final int ACTION_HARD_RESET = 1;
    /** Timer use: SMS/OS. */
    public static final int USE_SMS_OS = 4;

    /** Check. */
    public WatchdogState {
        Objects.requireNonNull(expiredAt, "expiredAt");
    }

    /** Return the timeout action's name: {@code none}, {@code hard reset}, {@code power down}, {@code power cycle}. */
    public String actionName() {
        return switch (action) {
            case 0 -> "none";
            case 1 -> "hard reset";
            case 2 -> "power down";
            case 3 -> "power cycle";
            default -> "action " + action;
        };
    }

    /** Return the timer use's name, such as {@code SMS/OS}. */
    public String useName() {
        return switch (use) {
            case 1 -> "BIOS FRB2";
            case 2 -> "BIOS/POST";
            case 3 -> "OS load";
            case 4 -> "SMS/OS";
            case 5 -> "OEM";
            default -> "use " + use;
        };
    }

    /** Return the initial countdown in seconds. */
    public double initialSeconds() {
        return initialCountdown / 10.0;
    }

    /** Return one line: {@code watchdog: running, 120 s countdown (119.9 s left), SMS/OS, on expiry: hard reset}. */
    public String describe() {
        if (!initialized) {
            return "watchdog: never set (not running)";
        }
        String countdown = seconds(initialCountdown) + " countdown";
        String state = running ? "running, " + countdown + " (" + seconds(presentCountdown) + " left)"
                : expiredAt.isPresent() ? String.format(Locale.ROOT, "expired at %.3f s (virtual), %s",
                        expiredAt.get().toNanos() / 1e9, countdown)
                : "stopped, " + countdown + " loaded";
        return "watchdog: " + state + ", " + useName() + ", on expiry: " + actionName()
                + (dontLog ? ", not logged" : ", logged in the SEL");
    }

    private static String seconds(int tenths) {
        return tenths % 10 == 0 ? tenths / 10 + " s" : String.format(Locale.ROOT, "%.1f s", tenths / 10.0);
    }
}
