package io.handoff.core.plugin;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A plugin that was refused or could not be loaded, reported by {@link PlatformRegistry#problems()}.
 *
 * @param pluginId the plugin's {@code Plugin-Id}, or the jar's file name without {@code .jar} when its
 *     descriptor could not be read
 * @param path the plugin jar
 * @param message one line naming the plugin, its jar and the problem
 * @since 0.1
 */
public record PluginProblem(String pluginId, Path path, String message) {
    /** Check that no component is {@code null}. */
    public PluginProblem {
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }
}
