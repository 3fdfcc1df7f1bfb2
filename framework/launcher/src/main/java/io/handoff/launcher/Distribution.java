package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.core.plugin.PlatformRegistry;
import io.handoff.launcher.PluginProfiles.PluginJar;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Locates the distribution directory ({@code bin/ lib/ plugins/ conf/ profiles/}) the launcher runs from.
 */
final class Distribution {
    private Distribution() {
    }

    /** Return the distribution home: {@code -Dhandoff.home}, else the parent of the jar's {@code lib/}. */
    static Path home() {
        String prop = System.getProperty("handoff.home");
        if (prop != null) {
            return Path.of(prop);
        }
        try {
            Path jar = Path.of(Distribution.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path lib = jar.getParent();
            if (lib != null && lib.getParent() != null && Files.isDirectory(lib.getParent().resolve("plugins"))) {
                return lib.getParent();
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through to the working directory
        }
        return Path.of(".");
    }

    /**
     * Return the directory itself, or the bundled profile of that name when no such directory exists: the
     * distribution's {@code profiles/NAME}, else {@code profiles/NAME/} of the jar of a loaded plugin whose platform
     * names it among its bundled profiles, extracted into a private temporary directory.
     */
    static Path resolveProfile(Path root, PlatformRegistry registry) {
        return resolveProfile(root, home(), registry.platforms().stream()
                .flatMap(p -> registry.pluginPath(p.id()).map(jar -> new PluginJar(p.platform(), jar)).stream())
                .toList());
    }

    /**
     * Return the profile directory {@link #resolveProfile(Path, PlatformRegistry)} finds, refusing a path that is
     * neither a directory nor a bundled profile's name.
     *
     * @throws HandoffException UNREADABLE_FILE naming the path
     */
    static Path requireProfile(Path root, PlatformRegistry registry) {
        Path dir = resolveProfile(root, registry);
        if (!Files.isDirectory(dir)) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, dir + ": no such machine profile directory");
        }
        return dir;
    }

    /** Return the directory itself, or the bundled profile of that name in the distribution or a plugin jar. */
    static Path resolveProfile(Path root, Path home, List<PluginJar> jars) {
        if (Files.isDirectory(root) || root.getNameCount() != 1 || root.isAbsolute()) {
            return root;
        }
        Path bundled = home.resolve("profiles").resolve(root.toString());
        if (Files.isDirectory(bundled)) {
            return bundled;
        }
        return PluginProfiles.find(root.toString(), jars).orElse(root);
    }
}
