package io.handoff.core.plugin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code reference.conf} a plugin ships in its own jar, and the platform namespaces it defines.
 *
 * <p>PF4J's {@code PluginClassLoader.getResources} also returns the application's resources, so
 * {@code ConfigFactory.parseResources(pluginLoader, ...)} would hand every plugin the framework's (and
 * other libraries') defaults. Only {@link URLClassLoader#findResources}, which searches the plugin's own
 * URLs, is used; the plugin's loader still resolves {@code include classpath(...)} inside the file.
 */
final class PluginReference {
    static final String RESOURCE = "reference.conf";
    static final String PLATFORMS = "handoff.platforms";

    private PluginReference() {
    }

    /** Read and merge the plugin's own {@code reference.conf} files (usually one); empty when it ships none. */
    static Config read(ClassLoader pluginLoader) {
        if (!(pluginLoader instanceof URLClassLoader urls)) {
            throw new IllegalStateException("plugin class loader is not a URLClassLoader: " + pluginLoader);
        }
        List<URL> found;
        try {
            found = Collections.list(urls.findResources(RESOURCE));
        } catch (IOException e) {
            throw new HandoffException(FailureKind.CONFIGURATION, RESOURCE + ": cannot be listed: " + e.getMessage(), e);
        }
        Config merged = ConfigFactory.empty();
        for (URL url : found) {
            merged = merged.withFallback(parse(url, pluginLoader));
        }
        return merged;
    }

    private static Config parse(URL url, ClassLoader pluginLoader) {
        String text;
        try {
            URLConnection connection = url.openConnection();
            // no cached JarFile: the jar must be closable (and deletable) when the plugin is unloaded
            connection.setUseCaches(false);
            try (InputStream in = connection.getInputStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new HandoffException(FailureKind.CONFIGURATION, url + ": cannot be read: " + e.getMessage(), e);
        }
        ConfigParseOptions options = ConfigParseOptions.defaults()
                .setSyntax(ConfigSyntax.CONF)
                .setOriginDescription(url.toString())
                .setClassLoader(pluginLoader);
        try {
            return ConfigFactory.parseString(text, options);
        } catch (ConfigException e) {
            throw new HandoffException(FailureKind.CONFIGURATION, e.getMessage().replace('\n', ' '), e);
        }
    }

    /** Return the platform ids under {@code handoff.platforms} in a plugin's reference, sorted. */
    static Set<String> namespaces(Config reference) {
        try {
            if (!reference.hasPath(PLATFORMS)) {
                return Set.of();
            }
            return new TreeSet<>(reference.getObject(PLATFORMS).keySet());
        } catch (ConfigException e) {
            throw new HandoffException(FailureKind.CONFIGURATION,
                    RESOURCE + ": " + PLATFORMS + " must be an object of platform sections", e);
        }
    }
}
