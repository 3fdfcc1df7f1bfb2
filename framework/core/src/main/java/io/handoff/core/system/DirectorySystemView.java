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
 *
 * <p>A profile is input handoff does not control, so every read is bounded: only regular files are read (a
 * FIFO, device or socket is refused by name instead of blocking or never ending), a text file may hold at most
 * {@link #MAX_TEXT_FILE} bytes, and a symbolic link must stay inside the root. Refusals are
 * {@code UNREADABLE_FILE} (exit 3), except a file over the size cap, which is {@code MALFORMED_PROFILE} (exit 4).
 */
public final class DirectorySystemView implements SystemView {
    /** The most bytes a profile text file may hold (/proc/iomem of a large machine is well under 1 MiB). */
    public static final int MAX_TEXT_FILE = 16 << 20;

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
        byte[] bytes = readBytes(machinePath, MAX_TEXT_FILE + 1);
        if (bytes.length > MAX_TEXT_FILE) {
            throw new HandoffException(FailureKind.MALFORMED_PROFILE, machinePath + ": larger than "
                    + (MAX_TEXT_FILE >> 20) + " MiB under " + root + "; refused (no machine file is that large)");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] readBytes(String machinePath, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        // readNBytes stops at the limit, so /proc/kcore (as large as the address space) is never read whole.
        try (InputStream in = open(machinePath)) {
            return in.readNBytes(limit);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE,
                    machinePath + ": cannot read under " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Open a regular file of the machine for streaming.
     *
     * @throws HandoffException {@code UNREADABLE_FILE} when the file is missing, is no regular file (a FIFO,
     *     a device, a socket, a directory) or is a symbolic link that leads out of the root
     */
    @Override
    public InputStream open(String machinePath) {
        Path file = resolve(machinePath);
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw missing(machinePath);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE,
                    machinePath + ": cannot read under " + root + ": " + e.getMessage(), e);
        }
        Path realRoot = realRoot();
        if (!real.startsWith(realRoot)) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, machinePath + ": a symbolic link out of the"
                    + " profile root " + root + " (to " + real + "); refused");
        }
        String kind = FileKinds.describe(real);
        if (kind != null) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, machinePath + ": is " + kind
                    + ", not a regular file, under " + root + "; refused");
        }
        try {
            return Files.newInputStream(real);
        } catch (NoSuchFileException e) {
            throw missing(machinePath);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE,
                    machinePath + ": cannot read under " + root + ": " + e.getMessage(), e);
        }
    }

    private Path realRoot() {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, root + ": the machine root cannot be read: "
                    + e.getMessage(), e);
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
