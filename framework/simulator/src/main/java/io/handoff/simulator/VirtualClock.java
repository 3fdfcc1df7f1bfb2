package io.handoff.simulator;

import java.time.Duration;

/**
 * The reference machine's time, in nanoseconds since the "crash"; it advances only when devices are used.
 *
 * <p>Port accesses cost {@link #PORT_ACCESS_NS} (an ISA-bus {@code in}/{@code out} takes about a
 * microsecond on a PC) and memory traffic costs its bytes at {@link #MEMORY_BYTES_PER_SECOND}.
 */
public final class VirtualClock {
    /** The cost of one port access, in nanoseconds. */
    public static final long PORT_ACCESS_NS = 1_000;
    /** The rate of memory reads and writes: 1 GB/s, the order of a byte loop with caches on. */
    public static final long MEMORY_BYTES_PER_SECOND = 1_000_000_000L;

    private long nanos;

    /** Return the time elapsed since the start, in nanoseconds. */
    public long nanos() {
        return nanos;
    }

    /** Return the time elapsed since the start. */
    public Duration elapsed() {
        return Duration.ofNanos(nanos);
    }

    /** Advance by a number of nanoseconds (never backwards). */
    public void advance(long ns) {
        if (ns < 0) {
            throw new IllegalArgumentException("virtual time cannot go backwards: " + ns);
        }
        nanos += ns;
    }

    /** Charge one port access. */
    public void portAccess() {
        advance(PORT_ACCESS_NS);
    }

    /** Charge a memory transfer of this many bytes. */
    public void memoryTransfer(long bytes) {
        // bytes * 1e9 / rate, without overflowing for multi-GiB transfers
        advance(bytes / MEMORY_BYTES_PER_SECOND * 1_000_000_000L
                + (bytes % MEMORY_BYTES_PER_SECOND) * 1_000_000_000L / MEMORY_BYTES_PER_SECOND);
    }
}
