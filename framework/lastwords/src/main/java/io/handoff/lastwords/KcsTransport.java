package io.handoff.lastwords;

import java.time.Duration;
import java.util.List;

/**
 * Where the BMC's KCS interface is and how long purgatory may wait for it: the first four operands of the
 * {@code ipmi-request} and {@code cpu-ip-records} steps (FORMAT.md §7), and their worst-case time.
 *
 * <p>The worst case of one request of {@code N} bytes is {@code W × ((retries + 1) × T(N) + retries × A)}:
 * <ul>
 *   <li>{@code T(N) = N + 2 + 2 × 40} bounded waits per transaction: one IBF wait per request byte, two for
 *     the WRITE_START and WRITE_END control codes, and one OBF plus one IBF wait per response byte, the
 *     response capped at {@value #MAX_RESPONSE} bytes (the runtime fails a longer one);</li>
 *   <li>{@code A = }{@value #ABORT_WAITS} waits for the abort recovery before each retry (clear OBF, IBF after
 *     GET_STATUS/ABORT, IBF after the 0x00 write, OBF of the status byte, IBF after READ, OBF at idle);</li>
 *   <li>{@code W} = the wait timeout rounded up to whole seconds, plus one second: the runtime measures
 *     waits on the CMOS RTC, whose resolution is one second.</li>
 * </ul>
 * With the defaults (5 s, 3 retries) a 10-byte panic event is bounded by 6 s × (4 × 92 + 3 × 6) = 2316 s.
 * The bound is what a BMC that answers every poll just before the deadline could cost; a missing BMC
 * (status 0xFF) fails at the first poll.
 *
 * @param dataPort the KCS data register (0..0xFFFF)
 * @param statusPort the KCS command/status register (0..0xFFFF)
 * @param timeout the longest a single wait may take
 * @param retries how many times a failed transaction is retried after the abort recovery
 * @since 0.1
 */
public record KcsTransport(int dataPort, int statusPort, Duration timeout, int retries) {
    /** The default KCS data register of the IPMI system interface. */
    public static final int DEFAULT_DATA_PORT = 0xCA2;
    /** The default KCS command/status register. */
    public static final int DEFAULT_STATUS_PORT = 0xCA3;
    /** The most response bytes the runtime reads (longer responses are a failure). */
    public static final int MAX_RESPONSE = 40;
    /** Bounded waits of one abort recovery. */
    public static final int ABORT_WAITS = 6;

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
    }

    /** Return the wait timeout in microseconds, rounded up (a bound must never shrink). */
    public long waitMicros() {
        long us = Math.multiplyExact(timeout.getSeconds(), 1_000_000L);
        return Math.addExact(us, (timeout.getNano() + 999) / 1000);
    }

    /** Return the four transport operands: data port, status port, wait_us, retries. */
    public List<Long> operands() {
        return List.of((long) dataPort, (long) statusPort, waitMicros(), (long) retries);
    }

    /** Return the number of bounded waits of one transaction with a request of {@code requestLength} bytes. */
    public static int transactionWaits(int requestLength) {
        return requestLength + 2 + 2 * MAX_RESPONSE;
    }

    /** Return the longest one wait can take: the timeout in whole seconds, rounded up, plus one second. */
    public Duration waitBound() {
        long seconds = timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(seconds + 1);
    }

    /**
     * Return the worst case of one request, retries and abort recoveries included (see the class comment).
     *
     * @param requestLength the request's wire length, 2..40
     * @return the bound
     */
    public Duration worstCase(int requestLength) {
        long waits = (long) (retries + 1) * transactionWaits(requestLength) + (long) retries * ABORT_WAITS;
        return waitBound().multipliedBy(waits);
    }
}
