package io.handoff.core.elf;

/**
 * An ELF64 program header, field by field.
 *
 * @param type p_type (1 PT_LOAD, 4 PT_NOTE)
 * @param flags p_flags
 * @param offset p_offset
 * @param vaddr p_vaddr
 * @param paddr p_paddr
 * @param filesz p_filesz
 * @param memsz p_memsz
 * @param align p_align
 */
public record ProgramHeader(int type, int flags, long offset, long vaddr, long paddr, long filesz, long memsz,
                            long align) {
    public static final int PT_LOAD = 1;
    public static final int PT_NOTE = 4;
    public static final int SIZE = 56;

    @Override
    public String toString() {
        return String.format("%s flags=%d off=%#x vaddr=%#x paddr=%#x filesz=%#x memsz=%#x align=%#x",
                type == PT_LOAD ? "LOAD" : type == PT_NOTE ? "NOTE" : Integer.toString(type),
                flags, offset, vaddr, paddr, filesz, memsz, align);
    }
}
