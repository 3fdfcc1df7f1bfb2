package io.handoff.api.machine;

/**
 * Where the running kernel's text is, for the kernel-text PT_LOAD of an ELF core header.
 *
 * @param vaddr virtual start (aligned as the platform requires)
 * @param paddr physical start
 * @param size size in bytes
 * @since 0.1
 */
public record KernelText(long vaddr, long paddr, long size) {
}
