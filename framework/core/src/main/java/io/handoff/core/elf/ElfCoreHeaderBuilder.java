package io.handoff.core.elf;

import io.handoff.api.machine.CrashNote;
import io.handoff.api.machine.KernelText;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.VmcoreInfo;
import io.handoff.api.plan.ElfCoreRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds the ELF64 {@code ET_CORE} header a capture kernel reads as {@code elfcorehdr}, field for field
 * as kexec-tools' {@code crash_create_elf64_headers()} lays it out.
 *
 * <p>Layout: the 64-byte ELF header, then program headers in this order: a PT_NOTE per CPU crash-notes
 * buffer, the VMCOREINFO PT_NOTE, the kernel-text PT_LOAD, and a PT_LOAD per RAM range. The buffer is
 * zero-padded to a multiple of the request's alignment.
 *
 * <p>One sizing difference is deliberate: kexec-tools sizes its buffer for every crash memory range
 * (reserved ones included) but writes headers only for RAM; the request carries only the ranges to dump,
 * so the buffer is sized for those. The headers are identical; the padding can be shorter.
 */
public final class ElfCoreHeaderBuilder {
    private static final int EV_CURRENT = 1;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int ELFDATA2MSB = 2;
    private static final int ELFOSABI_NONE = 0;
    private static final int PF_RWX = 7;

    private ElfCoreHeaderBuilder() {
    }

    /**
     * Build the header.
     *
     * @param r what to describe; {@code r.align()} must be positive
     * @return the header bytes, {@code r.align()}-rounded, in {@code r.byteOrder()}
     * @throws IllegalArgumentException for a non-positive alignment or more than 65535 program headers
     */
    public static byte[] build(ElfCoreRequest r) {
        if (r.align() <= 0) {
            throw new IllegalArgumentException("ELF core header alignment must be positive: " + r.align());
        }
        int phnum = r.notes().size() + (r.vmcoreInfo().isPresent() ? 1 : 0) + (r.kernelText().isPresent() ? 1 : 0)
                + r.ram().size();
        if (phnum > 0xffff) {
            // e_phnum is 16 bits; kexec-tools has no PN_XNUM extension either
            throw new IllegalArgumentException(phnum + " program headers do not fit e_phnum (at most 65535)");
        }
        long used = Elf64.EHDR_SIZE + (long) phnum * ProgramHeader.SIZE;
        long size = (used + r.align() - 1) / r.align() * r.align();
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size)).order(r.byteOrder());

        writeElfHeader(out, r, phnum);
        out.position(Elf64.EHDR_SIZE);
        for (CrashNote note : r.notes()) {
            put(out, new ProgramHeader(ProgramHeader.PT_NOTE, 0, note.address(), 0, note.address(), note.size(),
                    note.size(), 0));
        }
        if (r.vmcoreInfo().isPresent()) {
            VmcoreInfo info = r.vmcoreInfo().get();
            put(out, new ProgramHeader(ProgramHeader.PT_NOTE, 0, info.address(), 0, info.address(), info.size(),
                    info.size(), 0));
        }
        if (r.kernelText().isPresent()) {
            KernelText text = r.kernelText().get();
            put(out, new ProgramHeader(ProgramHeader.PT_LOAD, PF_RWX, text.paddr(), text.vaddr(), text.paddr(),
                    text.size(), text.size(), 0));
        }
        for (MemoryRange range : r.ram()) {
            long offset = range.start();
            // the dump reads the backed-up low memory from its copy, not from the overwritten original
            if (r.backup().isPresent() && r.backup().get().sourceStart() == range.start()) {
                offset = r.backup().get().copyAddress();
            }
            put(out, new ProgramHeader(ProgramHeader.PT_LOAD, PF_RWX, offset, r.pageOffset() + range.start(),
                    range.start(), range.size(), range.size(), 0));
        }
        return out.array();
    }

    private static void writeElfHeader(ByteBuffer out, ElfCoreRequest r, int phnum) {
        out.put(0, (byte) 0x7f).put(1, (byte) 'E').put(2, (byte) 'L').put(3, (byte) 'F');
        out.put(4, (byte) ELFCLASS64);
        out.put(5, (byte) (r.byteOrder() == ByteOrder.BIG_ENDIAN ? ELFDATA2MSB : ELFDATA2LSB));
        out.put(6, (byte) EV_CURRENT);
        out.put(7, (byte) ELFOSABI_NONE);
        // bytes 8..15 (ABI version, padding) stay zero
        out.putShort(16, (short) Elf64.ET_CORE);
        out.putShort(18, (short) r.machine());
        out.putInt(20, EV_CURRENT);
        out.putLong(24, 0); // e_entry
        out.putLong(32, Elf64.EHDR_SIZE); // e_phoff
        out.putLong(40, 0); // e_shoff
        out.putInt(48, 0); // e_flags
        out.putShort(52, (short) Elf64.EHDR_SIZE); // e_ehsize
        out.putShort(54, (short) ProgramHeader.SIZE); // e_phentsize
        out.putShort(56, (short) phnum);
        // e_shentsize, e_shnum, e_shstrndx stay zero: a core header has no sections
    }

    private static void put(ByteBuffer out, ProgramHeader h) {
        out.putInt(h.type());
        out.putInt(h.flags());
        out.putLong(h.offset());
        out.putLong(h.vaddr());
        out.putLong(h.paddr());
        out.putLong(h.filesz());
        out.putLong(h.memsz());
        out.putLong(h.align());
    }
}
