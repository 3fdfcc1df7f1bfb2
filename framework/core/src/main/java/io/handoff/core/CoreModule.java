package io.handoff.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import io.handoff.api.spi.Contribution;
import io.handoff.core.config.CoreSettings;
import io.handoff.core.config.HandoffConfig;
import io.handoff.core.config.PurgatorySettings;
import io.handoff.core.digest.DigestProgress;
import io.handoff.core.digest.SegmentDigester;
import io.handoff.core.plan.Planner;

/**
 * The framework's own bindings: settings, the digester and the planner (with its purgatory linker); no side effects.
 */
public final class CoreModule extends AbstractModule {
    private final HandoffConfig config;
    private final DigestProgress progress;

    /**
     * Create the module.
     *
     * @param config the loaded, validated configuration
     */
    public CoreModule(HandoffConfig config) {
        this(config, DigestProgress.NONE);
    }

    /**
     * Create the module with a listener for how far the digester has read each file (the CLI's progress).
     *
     * @param config the loaded, validated configuration
     * @param progress hears each chunk the digester reads from a file
     */
    public CoreModule(HandoffConfig config, DigestProgress progress) {
        this.config = config;
        this.progress = progress;
    }

    @Override
    protected void configure() {
        bind(HandoffConfig.class).toInstance(config);
        // shared contributions (the last-words module adds to this set); declared even when empty
        Multibinder.newSetBinder(binder(), Contribution.class);
    }

    @Provides
    @Singleton
    CoreSettings coreSettings(HandoffConfig handoffConfig) {
        return handoffConfig.core();
    }

    @Provides
    @Singleton
    SegmentDigester digester(CoreSettings settings) {
        int parallelism = settings.digestParallelism() > 0 ? settings.digestParallelism()
                : Runtime.getRuntime().availableProcessors();
        return new SegmentDigester(settings.digestChunkSize(), parallelism, progress);
    }

    @Provides
    @Singleton
    PurgatorySettings purgatorySettings(HandoffConfig handoffConfig) {
        return handoffConfig.purgatory();
    }

    @Provides
    @Singleton
    Planner planner(SegmentDigester digester, PurgatorySettings purgatory) {
        return new Planner(digester, purgatory);
    }
}
