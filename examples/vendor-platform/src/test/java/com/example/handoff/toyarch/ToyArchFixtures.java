package com.example.handoff.toyarch;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * What the tests run on: the plugin as a jar (PF4J loads plugins from jars only, and tests run before the package
 * phase, so this packs target/classes with the manifest plugin-parent writes), the bundled test profile and TOYK
 * kernels.
 */
final class ToyArchFixtures {
    private static Path plugins;

    private ToyArchFixtures() {
    }

    /** Return target/classes, where the build put the plugin's classes, purgatory image and host library. */
    static Path classes() {
        try {
            return Path.of(ToyArchPlatform.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Return a plugins directory holding the plugin's jar, built once per test run (target/test-plugins). */
    static synchronized Path pluginsDir() {
        if (plugins == null) {
            Path dir = classes().resolveSibling("test-plugins");
            try {
                Files.createDirectories(dir);
                jar(classes(), dir.resolve("handoff-toyarch.jar"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            plugins = dir;
        }
        return plugins;
    }

    private static void jar(Path classes, Path jar) throws IOException {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Plugin-Id", ToyArchPlatform.ID);
        a.putValue("Plugin-Version", "0.1.0-SNAPSHOT");
        a.putValue("Plugin-Requires", ">=0.1.0");
        a.putValue("Plugin-Provider", "Example Vendor");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
    }

    /** Return the toyarch machine profile the tests plan for. */
    static Path profile() {
        return classes().resolveSibling("test-classes").resolve("profiles/toyarch-board");
    }

    /** Write a TOYK kernel: the header, then {@code size - 32} bytes of code; memsz covers a bss past the file. */
    static Path kernel(Path dir, String name, int size, long entryOffset, long memsz) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ToyKernel.MAGIC).putInt(1).putLong(entryOffset).putLong(memsz).putLong(0);
        for (int i = ToyKernel.HEADER_SIZE; i < size; i++) {
            b.put(i, (byte) (i * 31 + 7));
        }
        try {
            return Files.write(dir.resolve(name), b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kernel most tests load: 128 KiB of file, entry at 0x40, 192 KiB in memory. */
    static Path kernel(Path dir) {
        return kernel(dir, "vmtoy", 0x2_0000, 0x40, 0x3_0000);
    }

    /** Return the names of the list's elements' kinds, for assertions. */
    static List<String> kinds(List<io.handoff.api.plan.PurgatoryStep> steps) {
        return steps.stream().map(io.handoff.api.plan.PurgatoryStep::kind).toList();
    }
}
