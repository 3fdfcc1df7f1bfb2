/*
 * The toyarch architecture step, handed over by the runtime (hal.h): the same file runs on the board and in the
 * reference machine's host library.
 */
#include "hal.h"
#include "pg_bytes.h"
#include "pg_internal.h"
#include "steps-toyarch.h"

#define STEP_HEADER 16u

int hal_arch_operands_fit(uint16_t kind, const uint8_t *s, uint32_t len)
{
    (void)s;
    if (kind == K_TOY_ENTER)
        return len >= STEP_HEADER + 2 * 8;
    return PG_ARCH_UNKNOWN;
}

int hal_arch_step(struct pg_ctx *c, uint16_t kind, const uint8_t *s, struct fail *f)
{
    if (kind != K_TOY_ENTER)
        return PG_ARCH_UNKNOWN;
    uint64_t entry = PG_LD64(s + STEP_HEADER), arg = PG_LD64(s + STEP_HEADER + 8);
    pg_say(c, "toy enter ");
    pg_puthex(c, entry);
    pg_puts(c, " arg ");
    pg_puthex(c, arg);
    pg_putc(c, '\n');
    pg_console_flush(c);
    uint64_t ack = hal_toy_doorbell(entry);
    if (ack != TOY_DOORBELL_ACK) {
        return failed(f, "boot doorbell not acknowledged, ack ", NUM_HEX, ack);
    }
    hal_toy_enter(entry, arg);
}

/* the id ToyArchSteps.TOY_ENTER declares: the console names a failed step by it ("step 3 (toy-enter) failed: ") */
const char *hal_arch_step_name(uint16_t kind)
{
    return kind == K_TOY_ENTER ? "toy-enter" : 0;
}
