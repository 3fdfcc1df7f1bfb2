/*
 * The s390x architecture HAL of the reference machine's host library: the PSW load, diag 308 and the disabled
 * wait go to the Java machine (S390xSimulator), which records them. A PSW load or disabled wait the machine
 * records leaves purgatory (the runtime unwinds); so does a LOAD_NORMAL_DUMP the machine answers 0x0001.
 */
#include "hal.h"
#include "host/purgatory_host.h"
#include "steps-s390x.h"

void hal_load_psw(uint64_t mask, uint64_t addr)
{
    uint64_t args[2] = { mask, addr };
    pg_host_arch_call(S390X_OP_LOAD_PSW, args, 2, 0, 0);
}

uint64_t hal_diag308(uint64_t subcode, const void *block, uint64_t len)
{
    uint64_t args[1] = { subcode };
    return pg_host_arch_call(S390X_OP_DIAG308, args, 1, block, block ? len : 0);
}

void hal_disabled_wait(uint64_t code)
{
    uint64_t args[1] = { code };
    pg_host_arch_call(S390X_OP_DISABLED_WAIT, args, 1, 0, 0);
}
