package io.handoff.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of the purgatory program ({@code handoff.purgatory} in {@code reference.conf}).
 *
 * @param budget the longest the whole program may take in the worst case, positive
 * @param iterationCap the iteration cap of every bounded wait, positive
 * @param digestRate the bytes per second purgatory is assumed to hash, positive
 * @since 0.1
 */
public record PurgatorySettings(Duration budget, long iterationCap, long digestRate) {
    /** The defaults of {@code reference.conf}: 30 s, 1,000,000 iterations, 50 MiB/s. */
    public static final PurgatorySettings DEFAULTS = new PurgatorySettings(Duration.ofSeconds(30), 1_000_000,
            50L << 20);

    /** Validate the values; {@link #from} reports bad user values as configuration errors before this runs. */
    public PurgatorySettings {
        Objects.requireNonNull(budget, "budget");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("budget must be positive: " + budget);
        }
        if (iterationCap <= 0) {
            throw new IllegalArgumentException("iterationCap must be positive: " + iterationCap);
        }
        if (digestRate <= 0) {
            throw new IllegalArgumentException("digestRate must be positive: " + digestRate);
        }
    }

    /**
     * Bind the purgatory settings from settings rooted at {@code handoff.purgatory}.
     *
     * @param settings the settings, rooted at {@code handoff.purgatory}, never {@code null}
     * @return the bound settings
     * @throws io.handoff.api.HandoffException of kind CONFIGURATION for values out of range
     */
    public static PurgatorySettings from(ConfigSettings settings) {
        Duration budget = settings.getDuration("budget");
        if (budget.isNegative() || budget.isZero()) {
            throw settings.invalid("budget", "must be a positive duration, got " + budget);
        }
        int cap = settings.getInt("iteration-cap");
        if (cap <= 0) {
            throw settings.invalid("iteration-cap", "must be positive, got " + cap);
        }
        long rate = settings.getBytes("digest-rate");
        if (rate <= 0) {
            throw settings.invalid("digest-rate", "must be a positive number of bytes per second, got " + rate);
        }
        return new PurgatorySettings(budget, cap, rate);
    }
}
