package io.handoff.platforms.ia64;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.support.FileSlices;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An IA-64 ELF vmlinux: its PT_LOAD program headers and entry, as kexec-tools' {@code build_elf_exec_info} reads them.
 *
 * <p>Linux's ia64 kernel links with {@code ENTRY(phys_start)} and physical load addresses ({@code p_paddr}), and
 * pins its first 64 MiB granule with a translation register at {@code ip & ~(64M - 1)}: it runs at any 64 MiB
 * aligned base provided every PT_LOAD and the entry move by the same offset. {@link #movedTo} is that move
 * (kexec-tools' {@code move_loaded_segments}).
 *
 * @param file the file
 * @param type {@code e_type}: ET_EXEC (2), ET_DYN (3) or ET_CORE (4), as kexec-tools' probe accepts
 * @param entry {@code e_entry}, physical
 * @param programHeaders every program header, in file order (kexec-tools consolidates consecutive PT_LOADs)
 * @param marker the synthetic kernel's identification string, when the file is handoff's synthetic vmlinux
 */
record Vmlinux(Path file, int type, long entry, List<ProgramHeader> programHeaders, Optional<String> marker) {
    /** ELF {@code e_machine} of IA-64. */
    static final int EM_IA_64 = 50;
    /** The string handoff's synthetic vmlinux carries in its text (plugins-ia64/src/main/kernel). */
    static final String SYNTHETIC_MARKER = "handoff synthetic ia64 vmlinux (not Linux)";
    static final int PT_LOAD = 1;
    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int MAX_PHDRS = 4096;

    Vmlinux {
        programHeaders = List.copyOf(programHeaders);
    }

    /**
     * One program header.
     *
     * @param type p_type
     * @param offset p_offset in the file
     * @param paddr p_paddr, the physical load address
     * @param filesz p_filesz
     * @param memsz p_memsz
     */
    record ProgramHeader(int type, long offset, long paddr, long filesz, long memsz) {
        boolean load() {
            return type == PT_LOAD;
        }
    }

    /**
     * Read a vmlinux, refusing anything kexec-tools' ia64 probe refuses, with one line naming the file.
     *
     * @param file the kernel file
     * @return the image
     * @throws HandoffException UNSUPPORTED_IMAGE for another format or a broken ELF
     */
    static Vmlinux read(Path file) {
        long size = FileSlices.size(file);
        byte[] head = FileSlices.read(file, 0, (int) Math.min(size, EHDR_SIZE));
        if (head.length < 20 || head[0] != 0x7F || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, file + ": not an ELF file; the ia64 platform loads an "
                    + "ELF vmlinux (EM_IA_64)");
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(head[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int machine = b.getShort(18) & 0xFFFF;
        if (head[4] != 2 || head[5] != 1 || machine != EM_IA_64) {
            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, String.format("%s: an ELF file for e_machine %d (%s, "
                    + "%s); the ia64 platform loads a 64-bit little-endian EM_IA_64 (50) vmlinux", file, machine,
                    head[4] == 2 ? "64-bit" : "32-bit", head[5] == 2 ? "big-endian" : "little-endian"));
        }
        if (head.length < EHDR_SIZE) {
            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, file + ": ELF header truncated at "
                    + head.length + " bytes");
        }
        int type = b.getShort(16) & 0xFFFF;
        if (type != 2 && type != 3 && type != 4) {
            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, String.format("%s: ELF type %d; the ia64 loader takes "
                    + "ET_EXEC, ET_DYN or ET_CORE", file, type));
        }
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xFFFF;
        int phnum = b.getShort(56) & 0xFFFF;
        if (phnum == 0 || phnum > MAX_PHDRS) {
            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, file + ": " + phnum + " program headers");
        }
        if (phentsize != PHDR_SIZE) {
            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, file + ": e_phentsize " + phentsize + ", want 56");
        }
        if (phoff < 0 || phoff > size || (long) phnum * PHDR_SIZE > size - phoff) {
            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, String.format("%s: program headers at %#x run past "
                    + "the end of the file (%d bytes)", file, phoff, size));
        }
        ByteBuffer ph = ByteBuffer.wrap(FileSlices.read(file, phoff, phnum * PHDR_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        List<ProgramHeader> headers = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = i * PHDR_SIZE;
            ProgramHeader h = new ProgramHeader(ph.getInt(at), ph.getLong(at + 8), ph.getLong(at + 24),
                    ph.getLong(at + 32), ph.getLong(at + 40));
            if (h.load()) {
                if (h.filesz() < 0 || h.offset() < 0 || h.filesz() > size || h.offset() > size - h.filesz()) {
                    throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, String.format("%s: PT_LOAD %d (file %#x + "
                            + "%#x) runs past the end of the file (%d bytes)", file, i, h.offset(), h.filesz(), size));
                }
                if (Long.compareUnsigned(h.memsz(), h.filesz()) < 0 || h.paddr() < 0 || h.memsz() > Long.MAX_VALUE
                        - h.paddr()) {
                    throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, String.format("%s: PT_LOAD %d: p_paddr %#x "
                            + "p_filesz %#x p_memsz %#x", file, i, h.paddr(), h.filesz(), h.memsz()));
                }
            }
            headers.add(h);
        }
        if (headers.stream().noneMatch(ProgramHeader::load)) {
            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, file + ": no PT_LOAD program header");
        }
        return new Vmlinux(file, type, entry, headers, marker(file, headers));
    }

    // the synthetic kernel says what it is in its first text bytes; a real vmlinux never carries this string
    private static Optional<String> marker(Path file, List<ProgramHeader> headers) {
        ProgramHeader text = headers.stream().filter(ProgramHeader::load).findFirst().orElseThrow();
        int n = (int) Math.min(text.filesz(), 4096);
        String s = new String(FileSlices.read(file, text.offset(), n), StandardCharsets.ISO_8859_1);
        return s.contains(SYNTHETIC_MARKER) ? Optional.of(SYNTHETIC_MARKER) : Optional.empty();
    }

    /** Return the PT_LOAD headers in file order. */
    List<ProgramHeader> loads() {
        return programHeaders.stream().filter(ProgramHeader::load).toList();
    }

    /** Return the lowest p_paddr of the PT_LOADs. */
    long lowest() {
        return loads().stream().mapToLong(ProgramHeader::paddr).min().orElseThrow();
    }

    /** Return the highest p_paddr + p_memsz of the PT_LOADs. */
    long highest() {
        return loads().stream().mapToLong(h -> h.paddr() + h.memsz()).max().orElseThrow();
    }

    /**
     * Return this image with every PT_LOAD and the entry moved so that the first PT_LOAD (in file order) starts at
     * {@code base}, as kexec-tools' {@code move_loaded_segments} does.
     */
    Vmlinux movedTo(long base) {
        long offset = base - loads().get(0).paddr();
        List<ProgramHeader> moved = programHeaders.stream().map(h -> h.load()
                ? new ProgramHeader(h.type(), h.offset(), h.paddr() + offset, h.filesz(), h.memsz()) : h).toList();
        return new Vmlinux(file, type, entry + offset, moved, marker);
    }

    /** Return the file bytes of a PT_LOAD, streamed from the file. */
    SegmentData data(ProgramHeader h) {
        return FileSlices.slice(file, h.offset(), h.filesz());
    }
}
