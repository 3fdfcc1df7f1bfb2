package io.handoff.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared fixtures ({@code shared/fixtures}) next to the repository, from any working directory
 * inside it.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** Return the {@code shared/fixtures} directory: the first ancestor of the working dir that has it. */
    public static Path fixtures() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no shared/fixtures above " + Path.of("").toAbsolutePath());
    }

    /** Return the machine profile directory {@code shared/fixtures/profiles/NAME}. */
    public static Path profile(String name) {
        return fixtures().resolve("profiles").resolve(name);
    }
}
