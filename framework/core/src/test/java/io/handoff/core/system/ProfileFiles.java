package io.handoff.core.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes synthetic machine files under a test root. */
final class ProfileFiles {
    private ProfileFiles() {
    }

    /** Write {@code content} at {@code <root><machinePath>}, creating directories. */
    static Path write(Path root, String machinePath, String content) {
        return write(root, machinePath, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Write {@code bytes} at {@code <root><machinePath>}, creating directories. */
    static Path write(Path root, String machinePath, byte[] bytes) {
        Path file = root.resolve(machinePath.substring(1));
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
