package io.handoff.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Provider;
import com.google.inject.Scope;
import com.google.inject.multibindings.Multibinder;
import io.handoff.api.spi.Contribution;
import io.handoff.api.spi.Platform;
import io.handoff.api.Settings;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The bindings of one plugin's child injector: its {@link Settings}, each extension class explicitly (so
 * that their bindings, and the plugin's class loader, stay in the child), and the sets of its contributions.
 */
final class PluginModule extends AbstractModule {
    /**
     * A singleton scope that creates on first use even in {@code Stage.PRODUCTION}.
     *
     * <p>The registry then creates each extension itself, through the PF4J extension factory, and can
     * name the one whose constructor fails instead of parsing a {@code CreationException}.
     */
    static final Scope LAZY_SINGLETON = new Scope() {
        @Override
        public <T> Provider<T> scope(Key<T> key, Provider<T> unscoped) {
            return new Provider<>() {
                private T instance;

                @Override
                public synchronized T get() {
                    if (instance == null) {
                        instance = unscoped.get();
                    }
                    return instance;
                }

                @Override
                public String toString() {
                    return "lazy singleton of " + unscoped;
                }
            };
        }

        @Override
        public String toString() {
            return "PluginModule.LAZY_SINGLETON";
        }
    };

    private final Settings settings;
    private final List<Class<?>> extensionClasses;

    PluginModule(Settings settings, List<Class<?>> extensionClasses) {
        this.settings = settings;
        this.extensionClasses = List.copyOf(extensionClasses);
    }

    @Override
    protected void configure() {
        bind(Settings.class).toInstance(settings);
        // bound even when empty, so that framework code may ask any child for it
        Multibinder.newSetBinder(binder(), Contribution.class, PluginContributions.class);
        List<Class<?>> platforms = extensionClasses.stream().filter(Platform.class::isAssignableFrom).toList();
        for (Class<?> extension : extensionClasses) {
            bind(extension).in(LAZY_SINGLETON);
            for (Class<?> spi : contributionTypes(extension)) {
                addContribution(spi, extension);
            }
        }
        if (platforms.size() == 1) {
            bindPlatform(platforms.get(0));
        }
    }

    @SuppressWarnings("unchecked")
    private <T> void addContribution(Class<T> spi, Class<?> extension) {
        Multibinder.newSetBinder(binder(), spi, PluginContributions.class).addBinding()
                .to((Class<? extends T>) extension);
    }

    @SuppressWarnings("unchecked")
    private void bindPlatform(Class<?> platform) {
        bind(Platform.class).to((Class<? extends Platform>) platform);
    }

    /** Return every interface of the class that is {@link Contribution} or extends it. */
    private static Set<Class<?>> contributionTypes(Class<?> type) {
        Set<Class<?>> result = new LinkedHashSet<>();
        Deque<Class<?>> pending = new ArrayDeque<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            pending.addAll(List.of(c.getInterfaces()));
        }
        while (!pending.isEmpty()) {
            Class<?> next = pending.pop();
            if (Contribution.class.isAssignableFrom(next) && result.add(next)) {
                pending.addAll(List.of(next.getInterfaces()));
            }
        }
        return result;
    }
}
