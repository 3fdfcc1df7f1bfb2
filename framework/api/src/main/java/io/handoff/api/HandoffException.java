package io.handoff.api;

import java.util.Objects;

/**
 * A failure that handoff reports to its user as one line and a distinct exit code.
 *
 * <p>The message names the file (or option) and the problem; {@link #kind()} selects the exit code.
 * Platforms throw it for bad input (an image they cannot load, a command line over the limit, a
 * segment that does not fit).
 *
 * @since 0.1
 */
public class HandoffException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final FailureKind kind;

    /**
     * Create a failure of the given kind.
     *
     * @param kind what went wrong, never {@code null}
     * @param message one line naming the file or option and the problem, never {@code null}
     */
    public HandoffException(FailureKind kind, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * Create a failure of the given kind with a cause.
     *
     * @param kind what went wrong, never {@code null}
     * @param message one line naming the file or option and the problem, never {@code null}
     * @param cause the underlying exception, may be {@code null}
     */
    public HandoffException(FailureKind kind, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Return the kind of failure, which decides the exit code. */
    public FailureKind kind() {
        return kind;
    }
}
