package io.handoff.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Writes the stack trace of an internal error to a log file, so the terminal gets one line and the bug report a trace.
 *
 * <p>The directory is {@code -Dhandoff.log.dir}, else {@code $XDG_STATE_HOME/handoff/logs}, else
 * {@code ~/.local/state/handoff/logs}, else (when none of those can be written) the temporary directory.
 */
final class CrashLog {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private CrashLog() {
    }

    /** Return the directory logs are written to, in order of preference. */
    static Path directory() {
        String property = System.getProperty("handoff.log.dir");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String state = System.getenv("XDG_STATE_HOME");
        if (state != null && !state.isBlank() && Path.of(state).isAbsolute()) {
            return Path.of(state, "handoff", "logs");
        }
        return Path.of(System.getProperty("user.home"), ".local", "state", "handoff", "logs");
    }

    /**
     * Write the trace of {@code failure} with the command line that led to it.
     *
     * @return the file written, or empty when no directory could be written
     */
    static Optional<Path> write(Throwable failure, String[] args) {
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        w.println(new Version().getVersion()[0] + ": internal error at " + Instant.now());
        w.println("arguments: " + String.join(" ", args));
        w.println("java " + System.getProperty("java.version") + " on " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch"));
        failure.printStackTrace(w);
        w.flush();
        String name = "internal-error-" + STAMP.format(Instant.now()) + "-" + ProcessHandle.current().pid() + ".log";
        for (Path dir : new Path[] {directory(), Path.of(System.getProperty("java.io.tmpdir"))}) {
            try {
                Files.createDirectories(dir);
                Path file = dir.resolve(name);
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
                return Optional.of(file);
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                // try the next directory
            }
        }
        return Optional.empty();
    }
}
