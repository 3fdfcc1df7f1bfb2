package io.handoff.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The plugin jars the build copied to {@code target/plugins} (never on the test classpath).
 */
final class BuiltPlugins {
    private BuiltPlugins() {
    }

    /** Return the plugins directory the surefire configuration names. */
    static Path dir() {
        return Path.of(System.getProperty("handoff.plugins", "target/plugins"));
    }

    /** Return every plugin jar, sorted by name. */
    static List<Path> jars() throws IOException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }
}
