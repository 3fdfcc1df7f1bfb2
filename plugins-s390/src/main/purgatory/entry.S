/*
 * s390x purgatory entry (FORMAT.md sections 1 and 8). Entered with DAT off in 64-bit addressing mode at
 * base + entry_offset, at any page-aligned base: every address here is PC-relative (larl/brasl), so the
 * linked image has no relocations.
 *
 * For kdump the kernel enters purgatory twice (facts D.2), both times in 64-bit addressing mode: first as a
 * C call with r2 = 0 (kdump_csum_valid(), the probe: verify the digests, change nothing, return the result in
 * r2 to the caller at r14), then, after resetting the machine, with r2 != 0 (start_kdump(1)): run the whole
 * program, which never returns.
 *
 * For a normal kexec the kernel's relocate_kernel ends in diag 308 (clear reset): the CPU starts at the entry
 * from the short PSW it left at absolute 0, in 31-bit addressing mode with every register cleared, r2 and r14
 * included. That is not a call: switch to 64-bit addressing and run the whole program. TAM tells the two apart
 * (condition code 3 only in 64-bit mode), where r2 alone cannot (0 in both the probe and the reset entry).
 */
    .section .text.entry, "ax"
    .globl purgatory_entry
    .type purgatory_entry, @function
purgatory_entry:
    tam
    jo      .Lcalled                /* cc 3: 64-bit, the kernel called (probe or start_kdump) */
    sam64                           /* the reset entry of a normal kexec */
    lghi    %r2, 1                  /* run the program; there is no caller to return to */
.Lcalled:
    /* keep the caller's callee-saved registers and stack: the probe returns to it */
    larl    %r1, caller_regs
    stmg    %r6, %r15, 0(%r1)
    larl    %r15, __stack_end
    aghi    %r15, -160              /* the ABI's register save area of the first frame */
    xc      0(8, %r15), 0(%r15)     /* back chain: none */
    lgr     %r4, %r2                /* mode: 0 = probe */
    larl    %r2, __param_start
    larl    %r3, __param_end
    sgr     %r3, %r2
    brasl   %r14, purgatory_s390x_main
    /* only the probe comes back: rc in r2 */
    larl    %r1, caller_regs
    lmg     %r6, %r15, 0(%r1)
    br      %r14
    .size purgatory_entry, . - purgatory_entry

    .data
    .balign 8
caller_regs:
    .fill   10, 8, 0

    .section .note.GNU-stack, "", @progbits
