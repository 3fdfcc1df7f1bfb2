/*
 * The x86_64 architecture HAL of the reference machine's host library: the jump goes to the Java machine
 * (X86_64Simulator), which records the registers; the runtime then unwinds. An EFI call goes there too: the
 * machine walks the page tables in its memory and runs its firmware model; a call that never returns (a reset, a
 * hang) unwinds as well.
 */
#include "hal.h"
#include "host/purgatory_host.h"
#include "steps-x86_64.h"

void hal_jump_x86_64(const uint64_t regs[17])
{
    pg_host_arch_call(X86_64_OP_JUMP, regs, 17, 0, 0);
    /* a machine that does not record the jump: stop here as a halted CPU would */
    hal_halt(0);
}

uint64_t hal_efi_call_x86_64(uint64_t root, uint64_t fn, const uint64_t args[5], uint64_t offset, uint64_t mask,
                             const uint8_t *data, uint64_t len)
{
    /* the data lives in host memory: pointer arguments go to the machine as offsets into the byte block */
    uint64_t a[9] = {root, fn, offset, mask, 0, 0, 0, 0, 0};
    for (unsigned i = 0; i < 5; i++)
        a[4 + i] = (mask >> i & 1) ? args[i] - (uint64_t)(uintptr_t)data : args[i];
    return pg_host_arch_call(X86_64_OP_EFI_CALL, a, 9, data, len);
}
