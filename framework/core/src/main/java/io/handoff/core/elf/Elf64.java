package io.handoff.core.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A reader of ELF64 file headers and program headers, in either byte order.
 *
 * <p>Used for {@code /proc/kcore}, for checking built core headers, and for comparing them with
 * kexec-tools' output. Errors are returned as messages so callers can name their file.
 */
public final class Elf64 {
    /** ELF header size. */
    public static final int EHDR_SIZE = 64;
    public static final int ET_CORE = 4;

    private final ByteBuffer buf;
    private final int type;
    private final int machine;
    private final long entry;
    private final long phoff;
    private final int phentsize;
    private final int phnum;
    private final int osabi;

    private Elf64(ByteBuffer buf) {
        this.buf = buf;
        this.osabi = buf.get(7) & 0xff;
        this.type = Short.toUnsignedInt(buf.getShort(16));
        this.machine = Short.toUnsignedInt(buf.getShort(18));
        this.entry = buf.getLong(24);
        this.phoff = buf.getLong(32);
        this.phentsize = Short.toUnsignedInt(buf.getShort(54));
        this.phnum = Short.toUnsignedInt(buf.getShort(56));
    }

    /**
     * Parse the headers at the start of {@code bytes}.
     *
     * @return the parsed file, or a problem description (offset and what is wrong)
     */
    public static Result parse(byte[] bytes) {
        if (bytes.length < EHDR_SIZE) {
            return new Result(Optional.empty(), "truncated: " + bytes.length + " bytes, an ELF64 header needs 64");
        }
        if (bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            return new Result(Optional.empty(), "offset 0: no ELF magic");
        }
        if (bytes[4] != 2) {
            return new Result(Optional.empty(), "offset 4: not ELFCLASS64 (" + bytes[4] + ")");
        }
        ByteOrder order;
        if (bytes[5] == 1) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (bytes[5] == 2) {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            return new Result(Optional.empty(), "offset 5: unknown data encoding " + bytes[5]);
        }
        Elf64 elf = new Elf64(ByteBuffer.wrap(bytes).order(order));
        if (elf.phnum > 0 && elf.phentsize != ProgramHeader.SIZE) {
            return new Result(Optional.empty(), "offset 54: e_phentsize " + elf.phentsize + ", expected 56");
        }
        // e_phoff is unsigned: a huge one would wrap the end around, so it is checked on its own first
        if (elf.phoff < 0 || elf.phoff > bytes.length) {
            return new Result(Optional.empty(), String.format(
                    "offset 32: e_phoff %#x is past the %#x bytes read", elf.phoff, bytes.length));
        }
        long end = elf.phoff + (long) elf.phnum * ProgramHeader.SIZE;
        if (end > bytes.length) {
            return new Result(Optional.empty(), String.format(
                    "offset 32: program headers end at %#x, past the %#x bytes read", end, bytes.length));
        }
        return new Result(Optional.of(elf), null);
    }

    /** Return the byte order. */
    public ByteOrder byteOrder() {
        return buf.order();
    }

    /** Return e_ident[EI_OSABI]. */
    public int osabi() {
        return osabi;
    }

    /** Return e_type. */
    public int type() {
        return type;
    }

    /** Return e_machine. */
    public int machine() {
        return machine;
    }

    /** Return e_entry. */
    public long entry() {
        return entry;
    }

    /** Return e_phoff. */
    public long phoff() {
        return phoff;
    }

    /** Return the program headers in file order. */
    public List<ProgramHeader> programHeaders() {
        List<ProgramHeader> out = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int o = (int) (phoff + (long) i * ProgramHeader.SIZE);
            out.add(new ProgramHeader(buf.getInt(o), buf.getInt(o + 4), buf.getLong(o + 8), buf.getLong(o + 16),
                    buf.getLong(o + 24), buf.getLong(o + 32), buf.getLong(o + 40), buf.getLong(o + 48)));
        }
        return out;
    }

    /**
     * The outcome of {@link #parse}: the file, or a problem.
     *
     * @param elf the parsed file when well formed
     * @param problem what is wrong otherwise
     */
    public record Result(Optional<Elf64> elf, String problem) {
    }
}
