package io.handoff.core.system;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A {@link SystemView} rooted at a directory: {@code /} for the running machine or a captured profile.
 */
public final class DirectorySystemView implements SystemView {
    private final Path root;

    /**
     * Create a view of the files under {@code root}.
     *
     * @param root the directory that stands for the machine's {@code /}, never {@code null}
     */
    public DirectorySystemView(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    /** Return a view of the running machine (rooted at {@code /}). */
    public static DirectorySystemView live() {
        return new DirectorySystemView(Path.of("/"));
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public Path resolve(String machinePath) {
        Objects.requireNonNull(machinePath, "machinePath");
        if (!machinePath.startsWith("/")) {
            throw new IllegalArgumentException("machine path must be absolute: " + machinePath);
        }
        String relative = machinePath.replaceFirst("^/+", "");
        Path resolved = root.resolve(relative).normalize();
        // A machine path must never escape the profile (a "../" would read the host's files instead).
        if (!resolved.startsWith(root)) {
            throw new IllegalArgumentException("machine path leaves the root: " + machinePath);
        }
        return resolved;
    }

    @Override
    public boolean exists(String machinePath) {
        return Files.exists(resolve(machinePath));
    }

    @Override
    public String readString(String machinePath) {
        // Decoding with replacement: a stray non-UTF-8 byte in a resource name must not fail the read.
        return new String(readBytes(machinePath, Integer.MAX_VALUE), StandardCharsets.UTF_8);
    }

    @Override
    public byte[] readBytes(String machinePath, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        Path file = resolve(machinePath);
        // readNBytes stops at the limit, so /proc/kcore (as large as the address space) is never read whole.
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(limit);
        } catch (NoSuchFileException e) {
            throw missing(machinePath);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE,
                    machinePath + ": cannot read under " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> list(String machineDir) {
        Path dir = resolve(machineDir);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE,
                    machineDir + ": cannot list under " + root + ": " + e.getMessage(), e);
        }
    }

    private HandoffException missing(String machinePath) {
        return new HandoffException(FailureKind.UNREADABLE_FILE, machinePath + ": no such file under " + root);
    }

    @Override
    public String toString() {
        return "DirectorySystemView[" + root + "]";
    }
}
