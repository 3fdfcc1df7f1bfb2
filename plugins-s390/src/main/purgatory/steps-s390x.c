/*
 * The s390x architecture steps (FORMAT.md section 8), handed over by the runtime (hal.h). The PSW and the
 * diag 308 instruction are the HAL's; this file only reads the operands, says what it does on the console
 * (silent on s390, which has no UART) and calls it. The same file runs on the machine and in the host library.
 */
#include "hal.h"
#include "pg_bytes.h"
#include "pg_internal.h"
#include "steps-s390x.h"

#define STEP_HEADER 16u

int hal_arch_operands_fit(uint16_t kind, const uint8_t *s, uint32_t len)
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
        return PG_ARCH_UNKNOWN;
    }
}


static void step_load_psw(struct pg_ctx *c, const uint8_t *s)
{
    uint64_t mask = PG_LD64(s + STEP_HEADER), addr = PG_LD64(s + STEP_HEADER + 8);
    pg_say(c, "load psw ");
    pg_puthex(c, mask);
    pg_putc(c, ' ');
    pg_puthex(c, addr);
    pg_putc(c, '\n');
    pg_console_flush(c);
    hal_load_psw(mask, addr);
}

static void step_disabled_wait(struct pg_ctx *c, const uint8_t *s)
{
    uint64_t code = PG_LD64(s + STEP_HEADER);
    pg_say(c, "disabled wait, code ");
    pg_puthex(c, code);
    pg_putc(c, '\n');
    pg_console_flush(c);
    hal_disabled_wait(code);
}

/*
 * diag 308 SET with the block (its bytes lie in the parameter area in memory order), then LOAD_NORMAL_DUMP,
 * retried while the machine answers busy as Linux's diag308_dump() does. Success never returns.
 */
static uint64_t step_dump_reipl(struct pg_ctx *c, const uint8_t *s)
{
    uint64_t len = PG_LD64(s + STEP_HEADER);
    const uint8_t *block = s + STEP_HEADER + 8;
    pg_say(c, "dump re-ipl, ");
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

int hal_arch_step(struct pg_ctx *c, uint16_t kind, const uint8_t *s, struct fail *f)
{
    switch (kind) {
    case K_LOAD_PSW:
        step_load_psw(c, s);
        return failed(f, "no PSW to load on this machine", NUM_NONE, 0);
    case K_DUMP_REIPL:
        return failed(f, "dump re-ipl failed, diag 308 rc ", NUM_HEX, step_dump_reipl(c, s));
    case K_DISABLED_WAIT:
        step_disabled_wait(c, s);
        return failed(f, "no disabled wait on this machine", NUM_NONE, 0);
    default:
        return PG_ARCH_UNKNOWN;
    }
}

/* the ids S390xSteps declares (S390xStepNamesTests runs a failing step of each and reads them back) */
const char *hal_arch_step_name(uint16_t kind)
{
    switch (kind) {
    case K_LOAD_PSW:
        return "load-psw";
    case K_DUMP_REIPL:
        return "dump-reipl";
    case K_DISABLED_WAIT:
        return "disabled-wait";
    default:
        return 0;
    }
}
