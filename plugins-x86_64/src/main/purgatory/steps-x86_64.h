/*
 * The x86_64 architecture step (FORMAT.md section 3; declared in Java by X86_64Steps): jump-x86_64 enters a
 * 64-bit kernel with all sixteen general registers and rip set. The jump itself is the HAL's: entry.S on the
 * machine, host-x86_64.c in the reference machine's library.
 */
#ifndef PURGATORY_STEPS_X86_64_H
#define PURGATORY_STEPS_X86_64_H

#include <stdint.h>

#define K_JUMP_X86_64 16
/* The host HAL's operation number for the jump (FORMAT.md section 6): args = the 17 registers. */
#define X86_64_OP_JUMP 1

/* rax rbx rcx rdx rsi rdi rsp rbp r8 .. r15 rip, in host order */
__attribute__((noreturn)) void hal_jump_x86_64(const uint64_t regs[17]);

#endif
