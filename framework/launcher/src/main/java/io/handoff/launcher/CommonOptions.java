package io.handoff.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options every command that loads plugins shares: where plugins and configuration come from.
 */
final class CommonOptions {
    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Plugin directory (default: the distribution's plugins/).")
    Path plugins;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: /etc/handoff/handoff.conf when it exists).")
    Path config;

    @Option(names = {"-D", "--set"}, paramLabel = "PATH=VALUE",
            description = "Override one configuration value, e.g. -D handoff.purgatory.budget=20s.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** Return the plugin directory: --plugins, else the distribution's. */
    Path pluginsDir() {
        if (plugins != null) {
            return plugins;
        }
        return Distribution.home().resolve("plugins");
    }
}
