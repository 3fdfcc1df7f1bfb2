package io.handoff.it.qemu;

import io.handoff.core.elf.Elf64;
import io.handoff.core.elf.ProgramHeader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ELF notes ({@code Elf64_Nhdr}: u32 namesz, descsz, type; name and descriptor 4-byte aligned) of a crash
 * notes buffer or of a core file's PT_NOTE segment, little-endian (the x86_64 guest).
 */
final class CoreNotes {
    /** The note type of a CPU's registers. */
    static final int NT_PRSTATUS = 1;
    /**
     * Where x86_64's {@code elf_prstatus} keeps rip: {@code pr_reg} starts at 0x70 (after the signal info,
     * pids and four timevals) and rip is its register 16, so 0x70 + 16 × 8.
     */
    static final int X86_64_RIP_OFFSET = 0xF0;

    private CoreNotes() {
    }

    /**
     * One note.
     *
     * @param name the name without its NUL
     * @param type the note type
     * @param desc the descriptor bytes
     */
    record Note(String name, int type, byte[] desc) {
        /** Return whether this is a CPU's registers: name {@code CORE}, type NT_PRSTATUS. */
        boolean prstatus() {
            return name.equals("CORE") && type == NT_PRSTATUS;
        }

        /** Return the x86_64 instruction pointer of an NT_PRSTATUS descriptor. */
        long rip() {
            return ByteBuffer.wrap(desc).order(ByteOrder.LITTLE_ENDIAN).getLong(X86_64_RIP_OFFSET);
        }
    }

    /**
     * Walk the notes of a buffer as purgatory does: up to Linux's closing empty note, the buffer's end, or a
     * note that runs past it.
     *
     * @param buffer the bytes
     * @return the notes in order
     */
    static List<Note> walk(byte[] buffer) {
        ByteBuffer b = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        List<Note> notes = new ArrayList<>();
        int off = 0;
        while (buffer.length - off >= 12) {
            long namesz = Integer.toUnsignedLong(b.getInt(off));
            long descsz = Integer.toUnsignedLong(b.getInt(off + 4));
            int type = b.getInt(off + 8);
            if (namesz == 0 && descsz == 0 && type == 0) {
                break;
            }
            long desc = off + 12 + align4(namesz);
            if (desc + descsz > buffer.length) {
                break;
            }
            int nameLength = (int) namesz > 0 && buffer[off + 12 + (int) namesz - 1] == 0 ? (int) namesz - 1
                    : (int) namesz;
            byte[] d = new byte[(int) descsz];
            System.arraycopy(buffer, (int) desc, d, 0, d.length);
            notes.add(new Note(new String(buffer, off + 12, nameLength, StandardCharsets.US_ASCII), type, d));
            off = (int) (desc + align4(descsz));
        }
        return notes;
    }

    /**
     * Return the notes of an ELF core file's PT_NOTE segments (the file must hold them: header, program
     * headers and notes).
     *
     * @param core the head of the core file
     * @return the notes, or empty when the bytes are not an ELF64 core with a PT_NOTE inside them
     */
    static Optional<List<Note>> ofCore(byte[] core) {
        Optional<Elf64> elf = Elf64.parse(core).elf();
        if (elf.isEmpty() || elf.get().type() != Elf64.ET_CORE) {
            return Optional.empty();
        }
        List<Note> notes = new ArrayList<>();
        boolean any = false;
        for (ProgramHeader p : elf.get().programHeaders()) {
            if (p.type() == ProgramHeader.PT_NOTE) {
                if (p.offset() + p.filesz() > core.length) {
                    return Optional.empty();
                }
                byte[] segment = new byte[(int) p.filesz()];
                System.arraycopy(core, (int) p.offset(), segment, 0, segment.length);
                notes.addAll(walk(segment));
                any = true;
            }
        }
        return any ? Optional.of(notes) : Optional.empty();
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }
}
