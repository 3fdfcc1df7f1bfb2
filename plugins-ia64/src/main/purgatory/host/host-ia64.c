/*
 * The IA-64 hardware of the reference machine's host library: r28 at entry, the jump, the i-cache flush and the
 * running kernel's firmware memory (boot_param, EFI system table, runtime services, memory map) are the Java
 * machine's (Ia64Simulator); every other address is the plan's memory, through the HAL.
 */
#include "hal.h"
#include "host/purgatory_host.h"
#include "steps-ia64.h"

uint64_t hal_ia64_r28(void)
{
    return pg_host_arch_call(IA64_OP_R28, 0, 0, 0, 0);
}

void hal_ia64_jump(uint64_t entry, uint64_t boot_param)
{
    uint64_t args[2] = { entry, boot_param };
    pg_host_arch_call(IA64_OP_JUMP, args, 2, 0, 0);
}

void hal_ia64_flush_icache(uint64_t addr, uint64_t len)
{
    uint64_t args[2] = { addr, len };
    pg_host_arch_call(IA64_OP_FLUSH, args, 2, 0, 0);
}

static int firmware(uint64_t addr, uint64_t len)
{
    uint64_t args[2] = { addr, len };
    return pg_host_arch_call(IA64_OP_FW_OWNS, args, 2, 0, 0) == 1;
}

void hal_ia64_read(uint64_t addr, void *buf, uint64_t len)
{
    if (!firmware(addr, len)) {
        hal_read(addr, buf, len);
        return;
    }
    uint8_t *out = buf;
    for (uint64_t i = 0; i < len; i += 8) {
        uint64_t args[1] = { addr + i };
        uint64_t v = pg_host_arch_call(IA64_OP_FW_READ64, args, 1, 0, 0);
        for (uint64_t k = 0; k < 8 && i + k < len; k++)
            out[i + k] = (uint8_t) (v >> (8 * k));
    }
}

void hal_ia64_write(uint64_t addr, const void *buf, uint64_t len)
{
    if (!firmware(addr, len)) {
        hal_write(addr, buf, len);
        return;
    }
    uint64_t args[1] = { addr };
    pg_host_arch_call(IA64_OP_FW_WRITE, args, 1, buf, len);
}
