package io.handoff.api;

import java.util.Objects;

/**
 * A kernel image format that a platform accepts, such as {@code bzImage} or {@code s390-image}.
 *
 * @param id short stable name, never {@code null}
 * @param description one line for {@code handoff platforms}, never {@code null}
 * @since 0.1
 */
public record ImageFormat(String id, String description) {
    public ImageFormat {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
    }
}
