package io.handoff.launcher;

import io.handoff.core.digest.DigestProgress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A progress line on a terminal while a large file is hashed: {@code handoff: hashing initrd initrd.img: 45% of
 * 160 MiB}, redrawn in place at most ten times a second and erased when the file is done.
 *
 * <p>Only for terminals: a log or a pipe gets no carriage returns. Small files (under {@link #THRESHOLD}) are done
 * before a line would help.
 */
final class TerminalProgress implements DigestProgress {
    /** Files smaller than this show no progress. */
    static final long THRESHOLD = 32L << 20;

    private static final long INTERVAL_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final java.util.function.LongSupplier clock;
    private long last = Long.MIN_VALUE;
    private boolean drawn;

    TerminalProgress(PrintWriter err) {
        this(err, System::nanoTime);
    }

    /** Create a progress line redrawn by this clock (nanoseconds). */
    TerminalProgress(PrintWriter err, java.util.function.LongSupplier clock) {
        this.err = err;
        this.clock = clock;
    }

    /** Return whether this process's standard error is a terminal (Linux: what /proc/self/fd/2 points at). */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public synchronized void hashed(String role, Path file, long done, long total) {
        if (total < THRESHOLD) {
            return;
        }
        if (done >= total) {
            if (drawn) {
                // erase the line: what was hashed is in the plan's own output
                err.print("\r\033[K");
                err.flush();
                drawn = false;
            }
            last = Long.MIN_VALUE;
            return;
        }
        long now = clock.getAsLong();
        if (last != Long.MIN_VALUE && now - last < INTERVAL_NANOS) {
            return;
        }
        last = now;
        err.printf(Locale.ROOT, "\rhandoff: hashing %s %s: %d%% of %d MiB\033[K", role, file.getFileName(),
                done * 100 / total, total >> 20);
        err.flush();
        drawn = true;
    }
}
