package io.handoff.simulator.bmc;

import java.time.Duration;
import java.util.Optional;

/**
 * The BMC watchdog timer (IPMI 2.0 §27) on virtual time: Set loads it, Reset starts the countdown, Get reports it.
 */
final class BmcWatchdog {
    /** Completion code: Reset before any Set. */
    static final int CC_NOT_INITIALISED = 0x80;
    private static final long TICK_NS = 100_000_000L;

    private boolean initialized;
    private boolean running;
    private int use;
    private boolean dontLog;
    private int action;
    private int preInterrupt;
    private int preSeconds;
    private int flags;
    private int initial;
    private long startedAt;
    private Optional<Duration> expiredAt = Optional.empty();

    /** An expiration the BMC must act on. */
    record Expiry(long at, int use, int action, boolean log) {
    }

    /** Set Watchdog Timer; returns the completion code. */
    int set(byte[] d, long now) {
        if (d.length != 6) {
            return 0xC7;
        }
        int newUse = d[0] & 7;
        int newAction = d[1] & 7;
        int newPre = (d[1] >> 4) & 7;
        int countdown = (d[4] & 0xFF) | (d[5] & 0xFF) << 8;
        if (newUse < 1 || newUse > 5 || newAction > 3 || newPre > 3
                || (newPre != 0 && (d[2] & 0xFF) * 10 > countdown)) {
            return 0xCC;
        }
        boolean dontStop = (d[0] & 0x40) != 0;
        use = newUse;
        dontLog = (d[0] & 0x80) != 0;
        action = newAction;
        preInterrupt = newPre;
        preSeconds = d[2] & 0xFF;
        flags &= ~(d[3] & 0x3E);
        initial = countdown;
        initialized = true;
        if (!dontStop) {
            running = false;
        } else if (running) {
            // IPMI 1.5+: a running timer keeps running, from the new countdown
            startedAt = now;
        }
        return 0;
    }

    /** Reset Watchdog Timer; returns the completion code. */
    int reset(long now) {
        if (!initialized) {
            return CC_NOT_INITIALISED;
        }
        running = true;
        startedAt = now;
        return 0;
    }

    /** Get Watchdog Timer's 8 data bytes. */
    byte[] get(long now) {
        int present = present(now);
        return new byte[] {(byte) (use | (running ? 0x40 : 0) | (dontLog ? 0x80 : 0)),
            (byte) (action | preInterrupt << 4), (byte) preSeconds, (byte) flags, (byte) initial, (byte) (initial >> 8),
            (byte) present, (byte) (present >> 8)};
    }

    /** Advance to {@code now}; return the expiration when the countdown ran out on the way. */
    Optional<Expiry> tick(long now) {
        if (!running) {
            return Optional.empty();
        }
        long end = startedAt + initial * TICK_NS;
        if (now < end) {
            return Optional.empty();
        }
        running = false;
        flags |= 1 << use;
        expiredAt = Optional.of(Duration.ofNanos(end));
        return Optional.of(new Expiry(end, use, action, !dontLog));
    }

    WatchdogState state(long now) {
        return new WatchdogState(initialized, running, use, dontLog, action, preInterrupt, preSeconds, flags, initial,
                present(now), expiredAt);
    }

    private int present(long now) {
        if (!running) {
            return initial;
        }
        return (int) Math.max(0, initial - (now - startedAt) / TICK_NS);
    }
}
