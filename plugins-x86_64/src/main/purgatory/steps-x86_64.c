/*
 * The x86_64 architecture steps, handed over by the runtime (hal.h): the same file runs on the machine and in
 * the reference machine's host library.
 */
#include "hal.h"
#include "pg_bytes.h"
#include "pg_internal.h"
#include "steps-x86_64.h"

#define STEP_HEADER 16u

int hal_arch_operands_fit(uint16_t kind, const uint8_t *s, uint32_t len)
{
    (void)s;
    if (kind == K_JUMP_X86_64)
        return len >= STEP_HEADER + 17 * 8;
    return PG_ARCH_UNKNOWN;
}

static __attribute__((noreturn)) void step_jump(struct pg_ctx *c, const uint8_t *s)
{
    uint64_t regs[17];
    for (unsigned i = 0; i < 17; i++)
        regs[i] = PG_LD64(s + STEP_HEADER + 8 * i);
    pg_say(c, "jump to ");
    pg_puthex(c, regs[16]);
    pg_puts(c, " rsi=");
    pg_puthex(c, regs[4]);
    pg_putc(c, '\n');
    pg_console_flush(c);
    hal_jump_x86_64(regs);
}

int hal_arch_step(struct pg_ctx *c, uint16_t kind, const uint8_t *s, struct fail *f)
{
    (void)f;
    if (kind == K_JUMP_X86_64)
        step_jump(c, s);
    return PG_ARCH_UNKNOWN;
}
