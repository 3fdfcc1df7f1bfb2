package io.handoff.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the test-only C stub of the purgatory host library ({@code src/test/c/purgatory_stub.c}) with gcc, once.
 */
final class StubRuntime {
    private static Path built;

    private StubRuntime() {
    }

    /** Return the stub library, compiling it into {@code target/test-native/} on first use. */
    static synchronized Path library() {
        if (built != null) {
            return built;
        }
        Path source = Path.of("src/test/c/purgatory_stub.c").toAbsolutePath();
        Path out = Path.of("target/test-native/libpurgatory-stub.so").toAbsolutePath();
        try {
            Files.createDirectories(out.getParent());
            Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", out.toString(),
                    source.toString()).redirectErrorStream(true).start();
            String log = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (gcc.waitFor() != 0) {
                throw new IllegalStateException("gcc failed on " + source + ":\n" + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run gcc for " + source, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        built = out;
        return out;
    }
}
