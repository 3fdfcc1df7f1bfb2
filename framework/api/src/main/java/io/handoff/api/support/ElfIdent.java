package io.handoff.api.support;

import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.Optional;

/**
 * What the first {@value #SIZE} bytes of an ELF file say about its target: the byte order ({@code EI_DATA}) and
 * the machine ({@code e_machine}, read in that order).
 *
 * <p>Used to name a kernel image of another machine and to learn a profile's machine from its
 * {@code /proc/kcore}; it knows no architecture, only the ELF header.
 *
 * @param byteOrder the byte order {@code EI_DATA} names
 * @param machine the {@code e_machine}
 * @since 0.2
 */
public record ElfIdent(ByteOrder byteOrder, int machine) {
    /** The bytes the identity needs: {@code e_ident} and {@code e_type}, then {@code e_machine} at 18. */
    public static final int SIZE = 20;

    /** Check the fields. */
    public ElfIdent {
        Objects.requireNonNull(byteOrder, "byteOrder");
    }

    /**
     * Read the identity from the start of a file.
     *
     * @param head the file's first bytes (at least {@value #SIZE} for an answer)
     * @return the identity; empty when the bytes are too few, not ELF, or name no valid byte order
     */
    public static Optional<ElfIdent> of(byte[] head) {
        if (head.length < SIZE || head[0] != 0x7F || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
            return Optional.empty();
        }
        int lo = head[18] & 0xFF;
        int hi = head[19] & 0xFF;
        return switch (head[5]) {
            case 1 -> Optional.of(new ElfIdent(ByteOrder.LITTLE_ENDIAN, lo | hi << 8));
            case 2 -> Optional.of(new ElfIdent(ByteOrder.BIG_ENDIAN, lo << 8 | hi));
            default -> Optional.empty();
        };
    }

    /**
     * Read the identity of a machine file, such as {@code /proc/kcore}.
     *
     * @param view the machine's files
     * @param machinePath the file
     * @return the identity; empty when the file is absent, unreadable or not ELF
     */
    public static Optional<ElfIdent> read(SystemView view, String machinePath) {
        try {
            return view.exists(machinePath) ? of(view.readBytes(machinePath, SIZE)) : Optional.empty();
        } catch (HandoffException e) {
            return Optional.empty(); // not readable (not root on a real machine): nothing to tell
        }
    }

    /** Return whether this is the identity of a file for {@code machine} in {@code order}. */
    public boolean is(ByteOrder order, int machine) {
        return byteOrder.equals(order) && this.machine == machine;
    }
}
