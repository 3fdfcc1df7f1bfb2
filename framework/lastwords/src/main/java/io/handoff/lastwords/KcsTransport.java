package io.handoff.lastwords;

import java.time.Duration;
import java.util.List;

/**
 * Where the BMC's KCS interface is and how long purgatory may talk to it: the five transport operands that
 * start every {@code ipmi-request} and {@code cpu-ip-records} step (FORMAT.md §7), and the bound they give.
 *
 * <p>Time is bounded twice in the runtime. Each transaction attempt has its own deadline ({@code timeout}: all
 * its IBF/OBF waits together), and all last words together have one <em>last-words deadline</em>
 * ({@code deadline}), counted from the start of the first kind 7/8 step: once it has passed, every further
 * last-words step fails at once without touching the BMC. Every wait ends at the earliest of the two deadlines
 * and the iteration cap, so whatever the BMC does, all last words take at most {@link #lastWordsBound()}: the
 * deadline in whole seconds plus one second (the CMOS RTC the runtime measures on has a resolution of one
 * second). That is the bound the planner charges, once, to the first last-words step.
 *
 * @param dataPort the KCS data register (0..0xFFFF)
 * @param statusPort the KCS command/status register (0..0xFFFF)
 * @param timeout the deadline of one transaction attempt (all its waits together)
 * @param retries how many times a failed transaction is retried after the abort recovery
 * @param deadline the last-words deadline: the time all last-words steps of the program may take together
 * @since 0.1
 */
public record KcsTransport(int dataPort, int statusPort, Duration timeout, int retries, Duration deadline) {
    /** The default KCS data register of the IPMI system interface. */
    public static final int DEFAULT_DATA_PORT = 0xCA2;
    /** The default KCS command/status register. */
    public static final int DEFAULT_STATUS_PORT = 0xCA3;
    /** The most response bytes the runtime reads (longer responses are a failure). */
    public static final int MAX_RESPONSE = 40;
    /** What the RTC's one-second resolution adds to the last-words deadline. */
    public static final Duration RTC_RESOLUTION = Duration.ofSeconds(1);

    /** Check the ranges. */
    public KcsTransport {
        Bytes.checkRange("dataPort", dataPort, 0xFFFF);
        Bytes.checkRange("statusPort", statusPort, 0xFFFF);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + retries);
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline);
        }
    }

    /** Return the attempt deadline in microseconds, rounded up (a bound must never shrink). */
    public long waitMicros() {
        return micros(timeout);
    }

    /** Return the last-words deadline in microseconds, rounded up. */
    public long deadlineMicros() {
        return micros(deadline);
    }

    /** Return the five transport operands: data port, status port, wait_us, retries, deadline_us. */
    public List<Long> operands() {
        return List.of((long) dataPort, (long) statusPort, waitMicros(), (long) retries, deadlineMicros());
    }

    /**
     * Return the longest all last-words steps of a program take together, whatever the BMC does: the
     * last-words deadline rounded up to whole seconds, plus {@link #RTC_RESOLUTION}.
     */
    public Duration lastWordsBound() {
        long seconds = deadline.getSeconds() + (deadline.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(seconds).plus(RTC_RESOLUTION);
    }

    /**
     * Decode the five transport operands at the start of a step's operands.
     *
     * @param operands a kind 7 or 8 step's operands
     * @return the transport
     * @throws IllegalArgumentException when there are fewer than five or they are out of range
     */
    public static KcsTransport decode(List<Long> operands) {
        if (operands.size() < 5) {
            throw new IllegalArgumentException("KCS transport: " + operands.size() + " operands, need 5");
        }
        return new KcsTransport(Math.toIntExact(operands.get(0)), Math.toIntExact(operands.get(1)),
                Duration.ofNanos(Math.multiplyExact(operands.get(2), 1000L)), Math.toIntExact(operands.get(3)),
                Duration.ofNanos(Math.multiplyExact(operands.get(4), 1000L)));
    }

    private static long micros(Duration d) {
        long us = Math.multiplyExact(d.getSeconds(), 1_000_000L);
        return Math.addExact(us, (d.getNano() + 999) / 1000);
    }
}
