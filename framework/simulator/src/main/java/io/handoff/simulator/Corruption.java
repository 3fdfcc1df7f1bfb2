package io.handoff.simulator;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.util.Objects;

/**
 * One byte of a loaded segment to flip before purgatory runs: fault injection for the digest check.
 *
 * <p>The offset counts from the segment's base: below {@code bufsz} it hits the data, from {@code bufsz}
 * to {@code memsz} the zero tail (which then reads non-zero).
 *
 * @param role the segment's role ({@code kernel}, {@code initrd}, {@code purgatory} …); the first segment with it
 * @param offset the byte's offset from the segment's base
 */
public record Corruption(String role, long offset) {
    public Corruption {
        Objects.requireNonNull(role, "role");
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
    }

    /**
     * Parse {@code ROLE:OFFSET}, the offset decimal or {@code 0x} hexadecimal.
     *
     * @throws HandoffException USAGE naming the option value when it is not of that form
     */
    public static Corruption parse(String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw new HandoffException(FailureKind.USAGE, "--corrupt " + spec + ": expected SEGMENT:OFFSET, e.g. kernel:0x200");
        }
        String number = spec.substring(colon + 1).trim();
        try {
            long offset = number.startsWith("0x") || number.startsWith("0X")
                    ? Long.parseUnsignedLong(number.substring(2), 16) : Long.parseLong(number);
            if (offset < 0) {
                throw new NumberFormatException();
            }
            return new Corruption(spec.substring(0, colon).trim(), offset);
        } catch (NumberFormatException e) {
            throw new HandoffException(FailureKind.USAGE, "--corrupt " + spec + ": offset '" + number
                    + "' is not a non-negative number");
        }
    }

    @Override
    public String toString() {
        return String.format("%s:%#x", role, offset);
    }
}
