package io.handoff.core.plugin;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.Settings;
import java.time.Duration;
import java.util.List;

/**
 * The {@link Settings} bound in a plugin's child injector, backed by the platform's settings once known.
 *
 * <p>When a plugin's {@code reference.conf} names its namespace ({@code handoff.platforms.<id>}) the
 * backing settings exist before any extension is created. A plugin that ships no defaults has its
 * namespace known only from {@link io.handoff.api.spi.Platform#id()}, after construction; reading settings
 * in its constructor then fails with a message saying so.
 */
final class PluginSettings implements Settings {
    private final String label;
    private volatile Settings delegate;

    PluginSettings(String label) {
        this.label = label;
    }

    void bind(Settings settings) {
        this.delegate = settings;
    }

    private Settings delegate() {
        Settings current = delegate;
        if (current == null) {
            throw new HandoffException(FailureKind.CONFIGURATION, label
                    + ": settings read before the platform id is known; ship defaults in reference.conf under"
                    + " handoff.platforms.<id> or read settings after construction");
        }
        return current;
    }

    @Override
    public boolean has(String path) {
        return delegate().has(path);
    }

    @Override
    public String getString(String path) {
        return delegate().getString(path);
    }

    @Override
    public boolean getBoolean(String path) {
        return delegate().getBoolean(path);
    }

    @Override
    public int getInt(String path) {
        return delegate().getInt(path);
    }

    @Override
    public long getBytes(String path) {
        return delegate().getBytes(path);
    }

    @Override
    public Duration getDuration(String path) {
        return delegate().getDuration(path);
    }

    @Override
    public List<String> getStringList(String path) {
        return delegate().getStringList(path);
    }

    @Override
    public String toString() {
        return "PluginSettings[" + label + " -> " + delegate + "]";
    }
}
