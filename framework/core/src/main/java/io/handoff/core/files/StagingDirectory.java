package io.handoff.core.files;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hidden directory next to a target ({@code .NAME.tmp-PID-N}) that a result is written into and then moved
 * into place, so that a failed or interrupted run never leaves half a result.
 *
 * <p>It is deleted when it is closed without {@link #commit()}, and by a shutdown hook when the JVM is stopped
 * (Ctrl-C) while it exists. Creating one first sweeps the staging directories of the same target that earlier
 * runs left behind: those of processes no longer alive, and those of the older naming ({@code .NAME.tmpN}) not
 * touched for an hour.
 */
public final class StagingDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StagingDirectory.class);
    private static final Pattern OURS = Pattern.compile("\\.(.+)\\.(?:tmp|old)-([0-9]{1,10})-[0-9]+");
    private static final Pattern OLDER = Pattern.compile("\\.(.+)\\.tmp[0-9]+");
    private static final Duration OLDER_STALE_AFTER = Duration.ofHours(1);

    private final Path target;
    private final Path path;
    private final Thread cleanup;
    private boolean done;

    private StagingDirectory(Path target, Path path) {
        this.target = target;
        this.path = path;
        this.cleanup = new Thread(() -> deleteQuietly(path), "handoff-staging-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Create the staging directory of {@code target} (mode 0700), after sweeping stale ones of earlier runs.
     *
     * @param target the directory the result will replace; its parent must exist
     * @return the staging directory, to be committed or closed
     * @throws IOException when it cannot be created
     */
    public static StagingDirectory beside(Path target) throws IOException {
        Path absolute = Objects.requireNonNull(target, "target").toAbsolutePath().normalize();
        Path parent = Objects.requireNonNull(absolute.getParent(), "target has no parent");
        sweep(absolute);
        String prefix = "." + absolute.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-";
        // createTempDirectory creates it 0700 on POSIX file systems
        return new StagingDirectory(absolute, Files.createTempDirectory(parent, prefix));
    }

    /** Return the directory to write into. */
    public Path path() {
        return path;
    }

    /**
     * Move the staging directory to the target: an empty target or none is replaced by one rename; an earlier
     * result is first renamed aside, so the target always holds a complete result, then deleted.
     *
     * @throws IOException when a rename fails (the earlier result is then put back)
     */
    public void commit() throws IOException {
        Path aside = null;
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(target)) {
            aside = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid() + "-"
                    + ThreadLocalRandom.current().nextInt(1 << 30));
            Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (aside != null) {
                Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        done = true;
        if (aside != null) {
            deleteQuietly(aside);
        }
        removeHook();
    }

    /** Delete the staging directory unless it was committed. */
    @Override
    public void close() {
        if (!done) {
            deleteQuietly(path);
            done = true;
        }
        removeHook();
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs, and deleting twice is harmless
        }
    }

    /**
     * Delete the staging directories of {@code target} that earlier runs left behind.
     *
     * @param target the target whose siblings are swept
     */
    public static void sweep(Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null || absolute.getFileName() == null || !Files.isDirectory(parent)) {
            return;
        }
        String name = absolute.getFileName().toString();
        try (Stream<Path> siblings = Files.list(parent)) {
            siblings.filter(p -> stale(p, name)).forEach(p -> {
                LOG.info("{}: removing the staging directory an earlier run left behind", p);
                deleteQuietly(p);
            });
        } catch (IOException e) {
            LOG.debug("{}: cannot look for stale staging directories: {}", parent, e.getMessage());
        }
    }

    private static boolean stale(Path sibling, String name) {
        String file = sibling.getFileName().toString();
        Matcher ours = OURS.matcher(file);
        if (ours.matches() && ours.group(1).equals(name)) {
            long pid = Long.parseLong(ours.group(2));
            return pid != ProcessHandle.current().pid()
                    && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }
        Matcher older = OLDER.matcher(file);
        if (older.matches() && older.group(1).equals(name)) {
            try {
                FileTime modified = Files.getLastModifiedTime(sibling);
                return modified.toInstant().isBefore(Instant.now().minus(OLDER_STALE_AFTER));
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** Delete a tree without following links; errors are logged, never thrown. */
    public static void deleteQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            LOG.warn("{}: cannot delete: {}", root, e.getMessage());
        }
    }

    /**
     * Delete a tree without following symbolic links.
     *
     * @param root the file or directory
     * @throws IOException when something cannot be deleted
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
