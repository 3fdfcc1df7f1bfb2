package io.handoff.lastwords;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import io.handoff.api.Settings;
import io.handoff.api.spi.Contribution;
import java.util.Objects;

/**
 * Plugs last words into the framework's root injector: binds the options and adds {@link LastWordsSteps} to the
 * shared {@code Multibinder<Contribution>} that is offered to every platform. No side effects.
 *
 * <p>The module depends on the API only, so it does not read the configuration itself: the launcher passes
 * the settings rooted at {@value LastWordsOptions#ROOT} (from {@code HandoffConfig.settings(...)}). They are
 * bound into {@link LastWordsOptions} here, in the constructor, so a bad value fails at once as a
 * CONFIGURATION error rather than as an injector error. {@code io.handoff.api.Settings} itself is not bound:
 * each plugin's child injector binds its own.
 *
 * @since 0.1
 */
public final class LastWordsModule extends AbstractModule {
    private final LastWordsOptions options;

    /**
     * Create the module from settings rooted at {@code handoff.last-words}.
     *
     * @param settings the settings; the module's {@code reference.conf} supplies the defaults
     * @throws io.handoff.api.HandoffException CONFIGURATION for a bad value
     */
    public LastWordsModule(Settings settings) {
        this(LastWordsOptions.from(Objects.requireNonNull(settings, "settings")));
    }

    /**
     * Create the module from bound options.
     *
     * @param options the options
     */
    public LastWordsModule(LastWordsOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    protected void configure() {
        bind(LastWordsOptions.class).toInstance(options);
        bind(LastWordsSteps.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), Contribution.class).addBinding().to(LastWordsSteps.class);
    }
}
