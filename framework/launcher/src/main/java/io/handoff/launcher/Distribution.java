package io.handoff.launcher;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** Return the directory itself, or the bundled profile of that name when no such directory exists. */
    static Path resolveProfile(Path root) {
        if (Files.isDirectory(root) || root.getNameCount() != 1) {
            return root;
        }
        Path bundled = home().resolve("profiles").resolve(root.toString());
        return Files.isDirectory(bundled) ? bundled : root;
    }
}
