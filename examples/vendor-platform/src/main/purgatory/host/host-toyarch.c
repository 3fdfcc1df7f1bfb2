/*
 * The toyarch HAL of the reference machine's host library: the doorbell and the jump go to the Java machine
 * (ToyArchSimulator); a jump it records leaves purgatory (the runtime unwinds).
 */
#include "hal.h"
#include "host/purgatory_host.h"
#include "steps-toyarch.h"

uint64_t hal_toy_doorbell(uint64_t value)
{
    uint64_t args[1] = { value };
    return pg_host_arch_call(TOYARCH_OP_DOORBELL, args, 1, 0, 0);
}

void hal_toy_enter(uint64_t entry, uint64_t arg)
{
    uint64_t args[2] = { entry, arg };
    pg_host_arch_call(TOYARCH_OP_ENTER, args, 2, 0, 0);
    /* a machine that does not record the jump: stop as a halted CPU would */
    hal_halt(0);
}
