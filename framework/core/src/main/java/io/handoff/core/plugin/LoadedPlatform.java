package io.handoff.core.plugin;

import io.handoff.api.spi.Contribution;
import io.handoff.api.spi.Platform;
import io.handoff.api.Settings;
import java.util.List;
import java.util.Objects;

/**
 * A platform loaded from a plugin, with its plugin's metadata, settings and the contributions offered to it.
 *
 * @param platform the platform extension, a singleton of its plugin's child injector
 * @param pluginId the plugin's {@code Plugin-Id}
 * @param version the plugin's {@code Plugin-Version}
 * @param provider the plugin's {@code Plugin-Provider}, possibly empty
 * @param settings the platform's settings, rooted at {@code handoff.platforms.<id>}
 * @param contributions the plugin's own contributions and the shared (framework) contributions that
 *     {@link Contribution#appliesTo apply to} this platform, sorted by id
 * @since 0.1
 */
public record LoadedPlatform(Platform platform, String pluginId, String version, String provider, Settings settings,
                             List<Contribution> contributions) {
    /** Check that no component is {@code null} and freeze the contributions. */
    public LoadedPlatform {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(settings, "settings");
        contributions = List.copyOf(contributions);
    }

    /** Return the platform id, such as {@code x86_64}. */
    public String id() {
        return platform.id();
    }

    /**
     * Return the contributions of a type offered to this platform: the plugin's own plus the applicable shared ones.
     *
     * @param type the contribution SPI, such as {@code PurgatoryStepContributor.class}, never {@code null}
     * @param <T> the contribution type
     * @return the contributions of that type, sorted by id
     */
    public <T extends Contribution> List<T> contributions(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return contributions.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
