/*
 * The x86_64 architecture steps (FORMAT.md section 3; declared in Java by X86_64Steps): jump-x86_64 enters a
 * 64-bit kernel with all sixteen general registers and rip set; efi-call-x86_64 calls a UEFI runtime service on
 * purgatory's own page tables. The jump and the call themselves are the HAL's: entry.S and hal-x86_64.c on the
 * machine, host-x86_64.c in the reference machine's library.
 */
#ifndef PURGATORY_STEPS_X86_64_H
#define PURGATORY_STEPS_X86_64_H

#include <stdint.h>

#define K_JUMP_X86_64 16
/* The host HAL's operation number for the jump (FORMAT.md section 6): args = the 17 registers. */
#define X86_64_OP_JUMP 1

#define K_EFI_CALL_X86_64 64
/*
 * The host HAL's operation number for the EFI call: args = root, function (virtual), service offset, pointer mask,
 * then the five arguments with pointer arguments as offsets into the data; the data bytes are the byte block.
 */
#define X86_64_OP_EFI_CALL 2

/* rax rbx rcx rdx rsi rdi rsp rbp r8 .. r15 rip, in host order */
__attribute__((noreturn)) void hal_jump_x86_64(const uint64_t regs[17]);

/*
 * Calls the UEFI runtime service at virtual address fn with the Microsoft x64 convention (args[0..3] in RCX RDX R8
 * R9, args[4] on the stack above 32 bytes of shadow space), interrupts off, SSE usable, CR3 = root for the call and
 * restored after it; returns the EFI status. args are as the firmware gets them: pointer arguments (bit i of mask)
 * are addresses inside data[0..len), which the machine ignores and the host build passes on as offsets.
 */
uint64_t hal_efi_call_x86_64(uint64_t root, uint64_t fn, const uint64_t args[5], uint64_t offset, uint64_t mask,
                             const uint8_t *data, uint64_t len);

#endif
