/*
 * The x86_64 architecture HAL of the reference machine's host library: the jump goes to the Java machine
 * (X86_64Simulator), which records the registers; the runtime then unwinds.
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
