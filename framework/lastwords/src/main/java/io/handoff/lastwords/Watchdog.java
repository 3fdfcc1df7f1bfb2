package io.handoff.lastwords;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.lastwords.WatchdogTimer.TimeoutAction;
import java.util.Locale;
import java.util.Objects;

/**
 * What last words do with the BMC watchdog before entering the next kernel: start it, stop it, or leave it alone.
 *
 * @since 0.1
 */
public sealed interface Watchdog {
    /** Leave the watchdog as the crashed kernel left it (the default). */
    Watchdog LEAVE = new Leave();
    /** Stop the watchdog, so a timer the first kernel armed cannot kill the next one while it boots. */
    Watchdog STOP = new Stop();

    /**
     * Parse {@code start:SECONDS}, {@code stop} or {@code leave} (the {@code --watchdog} syntax).
     *
     * @param value the text
     * @param action the timeout action of a started timer
     * @param dontLog whether a started timer's expiration is not logged
     * @param source the option or setting named in errors, such as {@code --watchdog}
     * @return the watchdog choice
     * @throws HandoffException CONFIGURATION naming {@code source} for anything else, or seconds outside 1..6553
     */
    static Watchdog parse(String value, TimeoutAction action, boolean dontLog, String source) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("leave")) {
            return LEAVE;
        }
        if (v.equals("stop")) {
            return STOP;
        }
        if (v.startsWith("start:")) {
            String digits = v.substring("start:".length()).trim();
            int seconds;
            try {
                seconds = Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw new HandoffException(FailureKind.CONFIGURATION, source + ": '" + value
                        + "': watchdog seconds must be a number 1.." + WatchdogTimer.MAX_SECONDS, e);
            }
            if (seconds < 1 || seconds > WatchdogTimer.MAX_SECONDS) {
                throw new HandoffException(FailureKind.CONFIGURATION, source + ": '" + value
                        + "': watchdog seconds must be 1.." + WatchdogTimer.MAX_SECONDS + " (100 ms units in 16 bits)");
            }
            return new Start(seconds, action, dontLog);
        }
        throw new HandoffException(FailureKind.CONFIGURATION, source + ": '" + value
                + "' is not a watchdog choice; expected start:SECONDS, stop or leave");
    }

    /**
     * Arm the SMS/OS watchdog: if the next kernel hangs while booting, the BMC acts after {@code seconds}.
     *
     * @param seconds 1..6553
     * @param action what the BMC does on expiration
     * @param dontLog whether the BMC should not log the expiration
     */
    record Start(int seconds, TimeoutAction action, boolean dontLog) implements Watchdog {
        /** Check the range. */
        public Start {
            Objects.requireNonNull(action, "action");
            if (seconds < 1 || seconds > WatchdogTimer.MAX_SECONDS) {
                throw new IllegalArgumentException("watchdog seconds must be 1.." + WatchdogTimer.MAX_SECONDS);
            }
        }

        @Override
        public String toString() {
            return "start:" + seconds + " (" + action.id() + (dontLog ? ", not logged" : "") + ")";
        }
    }

    /** Stop the watchdog (Set with no action and "don't stop" cleared). */
    record Stop() implements Watchdog {
        @Override
        public String toString() {
            return "stop";
        }
    }

    /** Do not touch the watchdog. */
    record Leave() implements Watchdog {
        @Override
        public String toString() {
            return "leave";
        }
    }
}
