/*
 * The s390 steps (FORMAT.md section 8). The PSW and the diag 308 instruction are the HAL's; this file only
 * reads the operands, says what it does on the console (silent on s390, which has no UART) and calls it.
 */
#include "hal.h"
#include "pg_bytes.h"
#include "pg_internal.h"
#include "s390.h"

#define STEP_HEADER 16u

/* Weak defaults for HALs without s390 hardware: they return, and the step fails by its flags. */
__attribute__((weak)) void hal_load_psw(uint64_t mask, uint64_t addr)
{
    (void)mask;
    (void)addr;
}

__attribute__((weak)) uint64_t hal_diag308(uint64_t subcode, const void *block, uint64_t len)
{
    (void)subcode;
    (void)block;
    (void)len;
    return PG_DIAG308_UNAVAILABLE;
}

__attribute__((weak)) void hal_disabled_wait(uint64_t code)
{
    (void)code;
}

int pg_s390_operands_fit(uint16_t kind, const uint8_t *s, uint32_t len)
{
    switch (kind) {
    case K_LOAD_PSW:
        return len >= STEP_HEADER + 16;
    case K_DISABLED_WAIT:
        return len >= STEP_HEADER + 8;
    case K_DUMP_REIPL: {
        if (len < STEP_HEADER + 8)
            return 0;
        uint64_t n = PG_LD64(s + STEP_HEADER);
        return n >= 8 && n <= PG_IPL_BLOCK_MAX && n <= len - (STEP_HEADER + 8);
    }
    default:
        return 0;
    }
}

static void say(struct pg_ctx *c, const char *s)
{
    pg_puts(c, "purgatory: ");
    pg_puts(c, s);
}

void pg_step_load_psw(struct pg_ctx *c, const uint8_t *s)
{
    uint64_t mask = PG_LD64(s + STEP_HEADER), addr = PG_LD64(s + STEP_HEADER + 8);
    say(c, "load psw ");
    pg_puthex(c, mask);
    pg_putc(c, ' ');
    pg_puthex(c, addr);
    pg_putc(c, '\n');
    pg_console_flush(c);
    hal_load_psw(mask, addr);
}

void pg_step_disabled_wait(struct pg_ctx *c, const uint8_t *s)
{
    uint64_t code = PG_LD64(s + STEP_HEADER);
    say(c, "disabled wait, code ");
    pg_puthex(c, code);
    pg_putc(c, '\n');
    pg_console_flush(c);
    hal_disabled_wait(code);
}

/*
 * diag 308 SET with the block (its bytes lie in the parameter area in memory order), then LOAD_NORMAL_DUMP,
 * retried while the machine answers busy as Linux's diag308_dump() does. Success never returns.
 */
uint64_t pg_step_dump_reipl(struct pg_ctx *c, const uint8_t *s)
{
    uint64_t len = PG_LD64(s + STEP_HEADER);
    const uint8_t *block = s + STEP_HEADER + 8;
    say(c, "dump re-ipl, ");
    pg_putdec(c, len);
    pg_puts(c, "-byte ipl parameter block\n");
    pg_console_flush(c);
    uint64_t rc = hal_diag308(PG_DIAG308_SET, block, len);
    if (rc != PG_DIAG308_RC_OK)
        return rc;
    for (unsigned i = 0; i < PG_DIAG308_BUSY_TRIES; i++) {
        rc = hal_diag308(PG_DIAG308_LOAD_NORMAL_DUMP, 0, 0);
        if (rc != PG_DIAG308_RC_BUSY)
            break;
    }
    return rc;
}
