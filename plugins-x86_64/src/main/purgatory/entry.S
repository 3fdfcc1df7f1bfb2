/*
 * x86_64 purgatory entry and final jump (FORMAT.md sections 1 and 3, kind 16).
 *
 * Entered in 64-bit mode with the kernel's identity map, at base + entry_offset, at any page-aligned base:
 * every address here is RIP-relative, and the one absolute address the CPU needs (the GDT base in the
 * GDT descriptor) is computed at run time, so the linked image has no relocations.
 */
    .code64

    .section .text.entry, "ax"
    .globl purgatory_entry
    .type purgatory_entry, @function
purgatory_entry:
    cli
    cld
    /* Our own GDT: 0x10 = flat 64-bit code, 0x18 = flat data, as the kernel's 64-bit entry expects. */
    leaq    gdt(%rip), %rax
    movq    %rax, gdt_desc + 2(%rip)
    lgdt    gdt_desc(%rip)
    /* The stack lives inside the blob (linker script: __stack_start .. __stack_end). */
    leaq    __stack_end(%rip), %rsp
    movl    $0x18, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    movl    %eax, %fs
    movl    %eax, %gs
    /* Reload CS through a far return to the next instruction. */
    leaq    1f(%rip), %rax
    pushq   $0x10
    pushq   %rax
    lretq
1:
    /* purgatory_x86_64_main(parameter area, its size) never returns. */
    leaq    __param_start(%rip), %rdi
    leaq    __param_end(%rip), %rsi
    subq    %rdi, %rsi
    call    purgatory_x86_64_main
2:  cli
    hlt
    jmp     2b
    .size purgatory_entry, . - purgatory_entry

/*
 * void hal_jump_x86_64(const uint64_t regs[17]): rax rbx rcx rdx rsi rdi rsp rbp r8..r15 rip.
 * Loads all 16 general registers, rdi last since it points at the array, then jumps through a slot in
 * the blob (no register is left free to hold rip).
 */
    .text
    .globl hal_jump_x86_64
    .type hal_jump_x86_64, @function
hal_jump_x86_64:
    cli
    movq    128(%rdi), %rax
    movq    %rax, jump_rip(%rip)
    movq    0(%rdi), %rax
    movq    8(%rdi), %rbx
    movq    16(%rdi), %rcx
    movq    24(%rdi), %rdx
    movq    32(%rdi), %rsi
    movq    48(%rdi), %rsp
    movq    56(%rdi), %rbp
    movq    64(%rdi), %r8
    movq    72(%rdi), %r9
    movq    80(%rdi), %r10
    movq    88(%rdi), %r11
    movq    96(%rdi), %r12
    movq    104(%rdi), %r13
    movq    112(%rdi), %r14
    movq    120(%rdi), %r15
    movq    40(%rdi), %rdi
    jmp     *jump_rip(%rip)
    .size hal_jump_x86_64, . - hal_jump_x86_64

    .data
    .balign 16
gdt:
    .quad   0                       /* 0x00 null */
    .quad   0                       /* 0x08 unused */
    .quad   0x00AF9A000000FFFF      /* 0x10 code: 64-bit, present, ring 0 */
    .quad   0x00CF92000000FFFF      /* 0x18 data: flat 4 GiB, writable */
gdt_end:

    .balign 16
gdt_desc:
    .word   gdt_end - gdt - 1       /* limit */
    .quad   0                       /* base: stored by purgatory_entry */

    .balign 8
jump_rip:
    .quad   0

    .section .note.GNU-stack, "", @progbits
