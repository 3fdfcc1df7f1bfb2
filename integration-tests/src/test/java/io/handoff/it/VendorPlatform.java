package io.handoff.it;

import io.handoff.it.kexec.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * examples/vendor-platform built as a vendor builds it: its own Maven build, parent {@code io.handoff:plugin-parent}
 * from a local repository, with the Maven running this build.
 *
 * <p>The reactor's {@code verify} installs nothing, so the build's framework artifacts (poms, jars, test jars) are
 * laid out in a repository of their own under target ({@code vendor-repo}), the nested build's local repository;
 * everything else it needs comes from this build's local repository, mirrored as a {@code file:} repository, so
 * the nested build needs no network. The example is copied to {@code target/vendor-platform} and built there
 * ({@code mvn package}: its C tests, image self-test and Java tests run too); its jar goes to
 * {@code target/vendor-plugins} next to copies of the built-in plugins.
 */
final class VendorPlatform {
    /** The framework modules a platform plugin builds against, by directory; the root and framework are poms. */
    private static final List<String> MODULES = List.of("api", "core", "lastwords", "simulator", "purgatory",
            "testkit", "launcher");

    private static Path plugins;

    private VendorPlatform() {
    }

    /** Return the example's directory in the repository. */
    static Path source() {
        return Prerequisites.repository().resolve("examples/vendor-platform");
    }

    /** Return the machine profile the example ships for its tests. */
    static Path profile() {
        return source().resolve("src/test/resources/profiles/toyarch-board");
    }

    /** Return a plugins directory with the built-in plugins and the example's, building the example once. */
    static synchronized Path pluginsDir() {
        if (plugins == null) {
            try {
                plugins = build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return plugins;
    }

    private static Path build() throws IOException {
        Path target = BuiltPlugins.dir().toAbsolutePath().getParent();
        Path repo = target.resolve("vendor-repo");
        installFramework(repo);
        Path settings = Files.writeString(target.resolve("vendor-settings.xml"), """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors><mirror><id>build-repository</id><mirrorOf>*</mirrorOf><url>%s</url></mirror></mirrors>
                </settings>
                """.formatted(repo, Path.of(property("handoff.maven.repository")).toUri()));
        Path project = target.resolve("vendor-platform");
        deleteRecursively(project);
        copy(source(), project);
        Path log = target.resolve("vendor-platform-build.log");
        Process maven = new ProcessBuilder(Path.of(property("handoff.maven.home"), "bin", "mvn").toString(), "-B",
                "-s", settings.toString(), "package").directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!maven.waitFor(15, TimeUnit.MINUTES)) {
                maven.destroyForcibly();
                throw new AssertionError("the example's build took over 15 minutes; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (maven.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log);
            throw new AssertionError("mvn package of examples/vendor-platform failed (exit " + maven.exitValue()
                    + "), see " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60),
                    lines.size())));
        }
        Path dir = Files.createDirectories(target.resolve("vendor-plugins"));
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        for (Path jar : BuiltPlugins.jars()) {
            Files.copy(jar, dir.resolve(jar.getFileName()));
        }
        try (Stream<Path> built = Files.list(project.resolve("target"))) {
            for (Path jar : built.filter(p -> p.getFileName().toString().matches("handoff-toyarch-.*\\.jar")).toList()) {
                Files.copy(jar, dir.resolve(jar.getFileName()));
            }
        }
        return dir;
    }

    /** Lay out the reactor's framework artifacts as {@code mvn install} would (locally installed snapshots). */
    private static void installFramework(Path repo) throws IOException {
        Path root = Prerequisites.repository();
        String version = property("handoff.version");
        install(repo, "handoff-parent", version, root.resolve("pom.xml"), null, null);
        install(repo, "framework", version, root.resolve("framework/pom.xml"), null, null);
        install(repo, "plugin-parent", version, root.resolve("framework/plugin-parent/pom.xml"), null, null);
        for (String module : MODULES) {
            String artifact = "framework-" + module;
            Path dir = root.resolve("framework").resolve(module);
            Path jar = dir.resolve("target").resolve(artifact + "-" + version + ".jar");
            Path tests = dir.resolve("target").resolve(artifact + "-" + version + "-tests.jar");
            if (!Files.isRegularFile(jar)) {
                throw new AssertionError(jar + " is missing: the framework modules must be packaged first");
            }
            install(repo, artifact, version, dir.resolve("pom.xml"), jar, Files.isRegularFile(tests) ? tests : null);
        }
    }

    private static void install(Path repo, String artifact, String version, Path pom, Path jar, Path tests)
            throws IOException {
        Path dir = Files.createDirectories(repo.resolve("io/handoff").resolve(artifact).resolve(version));
        String base = artifact + "-" + version;
        Files.copy(pom, dir.resolve(base + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(base + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (tests != null) {
            Files.copy(tests, dir.resolve(base + "-tests.jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new AssertionError("system property " + name + " is not set (integration-tests/pom.xml sets it)");
        }
        return value;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName().toString().equals("target") && dir.getParent().equals(from)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(all.toList());
            java.util.Collections.reverse(paths);
            for (Path p : paths) {
                Files.delete(p);
            }
        }
    }
}
