/*
 * The toyarch purgatory entry (FORMAT.md section 1): the crashed kernel jumps here at base + entry_offset.
 * toyarch borrows x86-64's instructions; everything is RIP-relative, so the image has no relocations.
 */
    .section .text.entry, "ax"
    .globl purgatory_entry
    .type purgatory_entry, @function
purgatory_entry:
    cli
    leaq    __stack_end(%rip), %rsp
    /* purgatory_toyarch_main(parameter area, its size) never returns */
    leaq    __param_start(%rip), %rdi
    leaq    __param_end(%rip), %rsi
    subq    %rdi, %rsi
    call    purgatory_toyarch_main
1:  hlt
    jmp     1b
    .size purgatory_entry, . - purgatory_entry

    .section .note.GNU-stack, "", @progbits
