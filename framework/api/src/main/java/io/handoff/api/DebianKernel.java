package io.handoff.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Debian kernel package that provides a kernel for a platform when none is given: {@code linux-image-FLAVOUR}
 * of the Debian architecture {@code ARCHITECTURE}.
 *
 * <p>The distribution's {@code libexec/debian-kernel.sh ARCHITECTURE FLAVOUR} downloads it once into
 * {@code ~/.cache/handoff} and prints the image's path; {@code handoff simulate} and {@code handoff plan} use it
 * when the host's {@code /boot} does not apply (the host runs another architecture, or has no kernel there).
 *
 * @param architecture the Debian architecture, such as {@code amd64} or {@code s390x}
 * @param flavour the kernel flavour, the meta package's suffix, such as {@code amd64} in {@code linux-image-amd64}
 * @since 0.2
 */
public record DebianKernel(String architecture, String flavour) {
    private static final Pattern WORD = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /** Check that both are Debian names (lower-case letters, digits, '-'), as the download script expects. */
    public DebianKernel {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(flavour, "flavour");
        if (!WORD.matcher(architecture).matches() || !WORD.matcher(flavour).matches()) {
            throw new IllegalArgumentException("not a Debian architecture and flavour: '" + architecture + "', '"
                    + flavour + "'");
        }
    }

    /** Return the meta package's name, {@code linux-image-FLAVOUR}. */
    public String metaPackage() {
        return "linux-image-" + flavour;
    }
}
