package io.handoff.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared test fixtures: {@code shared/fixtures} next to the repository (as CI clones it).
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** Return {@code shared/fixtures}, found by walking up from the working directory. */
    public static Path fixtures() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no shared/fixtures above " + Path.of("").toAbsolutePath());
    }

    /** Return the machine profile directory {@code shared/fixtures/profiles/<name>}. */
    public static Path profile(String name) {
        return fixtures().resolve("profiles").resolve(name);
    }
}
