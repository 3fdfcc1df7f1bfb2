package io.handoff.api.machine;

/**
 * A PT_LOAD program header of {@code /proc/kcore}: how the running kernel maps its memory.
 *
 * @param vaddr virtual address
 * @param paddr physical address (as the kernel reports it, may be 0 or -1 for vmalloc space)
 * @param memsz size in bytes
 * @since 0.1
 */
public record KcoreLoad(long vaddr, long paddr, long memsz) {
    /** Return whether the virtual address lies in this segment. */
    public boolean containsVirtual(long address) {
        return Long.compareUnsigned(address, vaddr) >= 0 && Long.compareUnsigned(address - vaddr, memsz) < 0;
    }
}
