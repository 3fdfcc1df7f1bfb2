package io.handoff.platforms.x86_64;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code shared/fixtures} by walking up from the working directory (CI clones the repo next to it). */
final class Fixtures {
    private Fixtures() {
    }

    static Path fixtures() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/fixtures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no shared/fixtures above " + Path.of("").toAbsolutePath());
    }

    static Path profile(String name) {
        return fixtures().resolve("profiles").resolve(name);
    }
}
