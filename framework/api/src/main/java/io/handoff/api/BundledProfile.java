package io.handoff.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A machine profile shipped with the distribution for a platform, named as {@code --root NAME} accepts it.
 *
 * <p>The profile is a directory {@code profiles/NAME} of the distribution, laid out like a machine's {@code /}
 * (what {@code handoff capture} writes).
 *
 * @param name the directory name under {@code profiles/}, such as {@code s390x-ccw-dump}; one path element
 * @param description one line for {@code handoff platforms}, never {@code null}
 * @since 0.2
 */
public record BundledProfile(String name, String description) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Check that the name is one plain path element and nothing is {@code null}. */
    public BundledProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("profile name must be one path element of letters, digits, '.', '_'"
                    + " or '-': '" + name + "'");
        }
    }
}
