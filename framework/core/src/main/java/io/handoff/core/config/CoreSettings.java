package io.handoff.core.config;

/**
 * The settings of the framework core ({@code handoff.core} in {@code reference.conf}).
 *
 * @param digestChunkSize bytes hashed as one digest chunk, positive
 * @param digestParallelism threads hashing segments, positive ({@code 0} in the file means one per CPU)
 * @since 0.1
 */
public record CoreSettings(int digestChunkSize, int digestParallelism) {
    /** The smallest digest chunk: one page; smaller chunks only multiply the digests purgatory checks. */
    public static final long MIN_DIGEST_CHUNK = 4096;
    /** The largest digest chunk. */
    public static final long MAX_DIGEST_CHUNK = 1L << 30;

    /** Validate the values; {@link #from} reports bad user values as configuration errors before this runs. */
    public CoreSettings {
        if (digestChunkSize <= 0) {
            throw new IllegalArgumentException("digestChunkSize must be positive: " + digestChunkSize);
        }
        if (digestParallelism <= 0) {
            throw new IllegalArgumentException("digestParallelism must be positive: " + digestParallelism);
        }
    }

    /**
     * Bind the core settings from settings rooted at {@code handoff.core}.
     *
     * @param settings the settings, rooted at {@code handoff.core}, never {@code null}
     * @return the bound settings, with a parallelism of 0 replaced by the number of available CPUs
     * @throws io.handoff.api.HandoffException of kind CONFIGURATION for values out of range
     */
    public static CoreSettings from(ConfigSettings settings) {
        long chunk = settings.getBytes("digest-chunk-size");
        if (chunk < MIN_DIGEST_CHUNK || chunk > MAX_DIGEST_CHUNK) {
            // checked here, when the configuration loads, so a tiny chunk is refused before any hashing
            throw settings.invalid("digest-chunk-size", "must be between 4K (one page) and 1G, got " + chunk
                    + " bytes");
        }
        int parallelism = settings.getInt("digest-parallelism");
        if (parallelism < 0) {
            throw settings.invalid("digest-parallelism",
                    "must be 0 (one thread per CPU) or positive, got " + parallelism);
        }
        return new CoreSettings((int) chunk, parallelism == 0 ? availableProcessors() : parallelism);
    }

    private static int availableProcessors() {
        return Runtime.getRuntime().availableProcessors();
    }
}
