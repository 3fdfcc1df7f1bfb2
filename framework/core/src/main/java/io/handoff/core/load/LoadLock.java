package io.handoff.core.load;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock that keeps two handoff processes from loading, unloading or rebooting at the same time.
 *
 * <p>It is an advisory lock ({@link FileChannel#tryLock()}) on {@code load.lock} in a directory, by default
 * {@link #DEFAULT_DIRECTORY}; the holder writes its pid into the file so that the one refused can name it. The
 * kernel drops the lock when the process dies, so a crashed holder never blocks the next run. A second process
 * polls for a bounded time, then fails with {@link FailureKind#BUSY}.
 */
public final class LoadLock implements AutoCloseable {
    /** Where the lock lives on a real machine: a tmpfs cleared at boot, writable by root only. */
    public static final Path DEFAULT_DIRECTORY = Path.of("/run/handoff");
    /** The lock file's name. */
    public static final String FILE_NAME = "load.lock";

    private static final Logger LOG = LoggerFactory.getLogger(LoadLock.class);
    private static final long POLL_MILLIS = 50;

    private final FileChannel channel;
    private final FileLock lock;
    private final Path file;

    private LoadLock(FileChannel channel, FileLock lock, Path file) {
        this.channel = channel;
        this.lock = lock;
        this.file = file;
    }

    /**
     * Take the lock, waiting at most {@code wait} for another holder to release it.
     *
     * @param directory the lock's directory, created (0700) when missing
     * @param wait how long to wait for another holder, not negative
     * @return the held lock, to be closed when the kexec call is done
     * @throws HandoffException {@code BUSY} naming the holder's pid when the wait ends, {@code OUTPUT} when the
     *     lock file cannot be created
     */
    public static LoadLock acquire(Path directory, Duration wait) {
        Objects.requireNonNull(directory, "directory");
        Path file = directory.resolve(FILE_NAME);
        FileChannel channel;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.OUTPUT, file + ": cannot create the load lock: " + e.getMessage()
                    + " (set handoff.load.lock-dir to a writable directory)", e);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    channel.truncate(0);
                    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                            .getBytes(StandardCharsets.US_ASCII)), 0);
                    channel.force(false);
                    LOG.debug("{}: taken", file);
                    return new LoadLock(channel, lock, file);
                }
                if (System.nanoTime() - deadline >= 0) {
                    break;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException e) {
            close(channel);
            throw new HandoffException(FailureKind.OUTPUT, file + ": cannot take the load lock: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(channel);
            throw new HandoffException(FailureKind.BUSY, file + ": interrupted while waiting for the load lock");
        }
        Optional<Long> holder = holder(channel);
        close(channel);
        throw new HandoffException(FailureKind.BUSY, file + ": another handoff process"
                + holder.map(pid -> " (pid " + pid + ")").orElse("") + " is loading, unloading or rebooting; waited "
                + describe(wait) + ": try again when it has finished");
    }

    /** Return the lock file. */
    public Path file() {
        return file;
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // this JVM holds it already (another thread)
        }
    }

    private static Optional<Long> holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
            return text.matches("[0-9]{1,10}") ? Optional.of(Long.parseLong(text)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String describe(Duration wait) {
        long millis = wait.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the lock file: {}", e.getMessage());
        }
    }

    /** Release the lock (the file stays, with the last holder's pid). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.debug("{}: release: {}", file, e.getMessage());
        }
        close(channel);
    }
}
