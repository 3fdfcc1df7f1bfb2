/* The test architecture (test_arch.h): what a platform plugin's steps file does, for the runtime's tests. */
#include "hal.h"
#include "host/purgatory_host.h"
#include "pg_bytes.h"
#include "pg_internal.h"
#include "test_arch.h"

int hal_arch_operands_fit(uint16_t kind, const uint8_t *s, uint32_t len)
{
    (void)s;
    return kind == TEST_ARCH_K_JUMP ? len >= 16 + 17 * 8 : PG_ARCH_UNKNOWN;
}

int hal_arch_step(struct pg_ctx *c, uint16_t kind, const uint8_t *s, struct fail *f)
{
    if (kind != TEST_ARCH_K_JUMP)
        return PG_ARCH_UNKNOWN;
    uint64_t regs[17];
    for (unsigned i = 0; i < 17; i++)
        regs[i] = PG_LD64(s + 16 + 8 * i);
    pg_say(c, "jump to ");
    pg_puthex(c, regs[16]);
    pg_puts(c, " rsi=");
    pg_puthex(c, regs[4]);
    pg_putc(c, '\n');
    pg_console_flush(c);
    pg_host_arch_call(TEST_ARCH_OP_JUMP, regs, 17, 0, 0);
    return failed(f, "the machine did not take the jump", NUM_NONE, 0);
}

/* as TestArchitecture.JUMP (framework/simulator's tests) declares it */
const char *hal_arch_step_name(uint16_t kind)
{
    return kind == TEST_ARCH_K_JUMP ? "jump" : 0;
}
