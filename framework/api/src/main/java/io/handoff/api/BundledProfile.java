package io.handoff.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A machine profile shipped with the distribution for a platform, named as {@code --root NAME} accepts it.
 *
 * <p>The profile is a directory {@code profiles/NAME} of the distribution, else {@code profiles/NAME/} of the
 * platform's plugin jar (a plugin built on {@code plugin-parent} ships {@code src/main/profiles/NAME} there), laid
 * out like a machine's {@code /} (what {@code handoff capture} writes). Its {@code boot/} may carry a kernel image
 * ({@code vmlinux*} or {@code vmlinuz*}), taken when no kernel is given and neither the host nor
 * {@link io.handoff.api.spi.Platform#debianKernel()} provides one.
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
