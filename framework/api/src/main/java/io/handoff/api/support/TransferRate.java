package io.handoff.api.support;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * A rate at which purgatory moves memory, by which a copy or swap step's worst case is bounded.
 *
 * <p>The caller decides what one byte of a step costs: a platform that counts a copy once gives its loop's rate, one
 * that counts the read and the write of every byte gives half of it (and a quarter for a swap, which reads and writes
 * both ranges).
 *
 * @param bytesPerSecond the bytes moved per second, at least 1
 * @since 0.2
 */
public record TransferRate(long bytesPerSecond) {
    public TransferRate {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("a transfer rate needs at least 1 byte per second, got "
                    + bytesPerSecond);
        }
    }

    /**
     * Return the time to move the bytes at this rate, rounded up to a microsecond.
     *
     * @param bytes the bytes moved, not negative
     */
    public Duration time(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count " + bytes);
        }
        return Duration.of((bytes * 1_000_000 + bytesPerSecond - 1) / bytesPerSecond, ChronoUnit.MICROS);
    }
}
