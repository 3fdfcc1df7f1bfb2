package io.handoff.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

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

    /**
     * Copy a directory tree (a profile a test will change) and return the copy.
     *
     * @param from the tree to copy
     * @param to where the copy goes (created)
     */
    public static Path copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Return the machine profile directory {@code shared/fixtures/profiles/<name>}. */
    public static Path profile(String name) {
        return fixtures().resolve("profiles").resolve(name);
    }

    /**
     * Return a machine profile the repository bundles: the distribution's
     * {@code framework/launcher/src/dist/profiles/<name>}, else the one a plugin module ships in its
     * {@code src/main/profiles/<name>} (modules named {@code plugins-...}, by name), found by walking up from the
     * working directory.
     *
     * @throws IllegalStateException when neither has it
     */
    public static Path bundledProfile(String name) {
        return findBundledProfile(name).orElseThrow(() -> new IllegalStateException("no bundled profile " + name
                + " (framework/launcher/src/dist/profiles or plugins-.../src/main/profiles) above "
                + Path.of("").toAbsolutePath()));
    }

    /** Return the bundled profile {@link #bundledProfile} finds, or empty when the repository has none of that name. */
    public static Optional<Path> findBundledProfile(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path distribution = dir.resolve("framework/launcher/src/dist/profiles");
            if (!Files.isDirectory(distribution)) {
                continue;
            }
            if (Files.isDirectory(distribution.resolve(name))) {
                return Optional.of(distribution.resolve(name));
            }
            List<Path> modules;
            try (Stream<Path> s = Files.list(dir)) {
                modules = s.filter(p -> p.getFileName().toString().startsWith("plugins-")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return modules.stream().map(m -> m.resolve("src/main/profiles").resolve(name)).filter(Files::isDirectory)
                    .findFirst();
        }
        return Optional.empty();
    }
}
