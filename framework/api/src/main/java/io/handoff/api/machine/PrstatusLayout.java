package io.handoff.api.machine;

/**
 * Where a platform's dying kernel keeps a CPU's pid and instruction pointer inside the NT_PRSTATUS note it
 * writes into that CPU's {@code crash_notes} buffer ({@code struct elf_prstatus}, whose layout is per architecture).
 *
 * <p>Last words read the instruction pointer from it in purgatory; the reference machine writes notes with it.
 *
 * @param descriptorSize the size of the note's descriptor ({@code sizeof(struct elf_prstatus)})
 * @param pidOffset the offset of {@code pr_pid} in the descriptor
 * @param instructionPointerOffset the offset of the saved instruction pointer in the descriptor (8 bytes)
 * @since 0.2
 */
public record PrstatusLayout(int descriptorSize, int pidOffset, int instructionPointerOffset) {
    /** Check that both fields lie inside the descriptor. */
    public PrstatusLayout {
        if (descriptorSize <= 0 || pidOffset < 0 || pidOffset + 4 > descriptorSize || instructionPointerOffset < 0
                || instructionPointerOffset + 8 > descriptorSize) {
            throw new IllegalArgumentException("NT_PRSTATUS layout: pid at " + pidOffset + " and instruction pointer at "
                    + instructionPointerOffset + " must lie inside the " + descriptorSize + "-byte descriptor");
        }
    }
}
