/*
 * The step interpreter (FORMAT.md sections 2 to 4): validates the parameter area, then runs the main
 * steps in order; a REQUIRED failure runs the fallback steps; a program that ends without a handoff
 * runs the fallback too and then halts. Memory outside the parameter area is reached only through
 * hal_read/hal_write, in PG_BUF_SIZE pieces.
 */
#include "hal.h"
#include "pg_bytes.h"
#include "pg_internal.h"
#include "purgatory.h"

#define PARAM_MAGIC   0x50504F48u /* "HOPP" */
#define PARAM_VERSION 1u
#define PARAM_HEADER  0x30u
#define STEP_HEADER   16u
#define FLAG_REQUIRED 0x1u
#define FLAG_AFTER_SUCCESS 0x2u /* run only when the step before succeeded */

/* The generic kinds (FORMAT.md section 3); every other kind is the architecture's (hal.h). */
enum step_kind {
    K_CONSOLE = 1, K_PRINT = 2, K_VERIFY = 3, K_COPY = 4, K_SWAP = 5, K_RTC = 6,
    K_IPMI = 7, K_CPU_IP = 8, K_WRITE = 9, K_HALT = 17, K_RESET = 18,
};

/* ---- validation: nothing runs unless every record and operand lies inside total_length ---- */

static int operands_fit(uint16_t kind, const uint8_t *s, uint32_t len)
{
    switch (kind) {
    case K_CONSOLE:
    case K_RTC:
        return len >= STEP_HEADER + 16;
    case K_PRINT:
        return len >= STEP_HEADER + 8 && PG_LD64(s + 16) <= len - (STEP_HEADER + 8);
    case K_WRITE:
        return len >= STEP_HEADER + 16 && PG_LD64(s + 24) <= len - (STEP_HEADER + 16);
    case K_VERIFY: {
        if (len < STEP_HEADER + 16)
            return 0;
        uint64_t segments = PG_LD64(s + 24);
        uint64_t pos = STEP_HEADER + 16;
        /* each segment takes at least 32 bytes, so this ends within len / 32 rounds */
        for (uint64_t i = 0; i < segments; i++) {
            if (len - pos < 32)
                return 0;
            uint64_t chunks = PG_LD64(s + pos + 24);
            if (chunks > (len - pos - 32) / 32)
                return 0;
            pos += 32 + 32 * chunks;
        }
        return 1;
    }
    case K_COPY:
    case K_SWAP:
        return len >= STEP_HEADER + 24;
    case K_HALT:
    case K_RESET:
        return len >= STEP_HEADER + 8;
    case K_IPMI:
        return pg_operands_fit_ipmi(s, len);
    case K_CPU_IP:
        return pg_operands_fit_cpu_ip(s, len);
    default: {
        int fit = hal_arch_operands_fit(kind, s, len);
        return fit == PG_ARCH_UNKNOWN ? 1 : fit; /* unknown kinds fail when run, by their flags */
    }
    }
}

static int check_list(const uint8_t *p, uint32_t total, uint64_t off, uint64_t count)
{
    for (uint64_t i = 0; i < count; i++) {
        if (off % 8 || off < PARAM_HEADER || off > total || total - off < STEP_HEADER)
            return -1;
        uint32_t len = PG_LD32(p + off + 4);
        if (len < STEP_HEADER || len % 8 || len > total - off)
            return -1;
        if (!operands_fit(PG_LD16(p + off), p + off, len))
            return -1;
        off += len;
    }
    return 0;
}

/* ---- steps ---- */

static int ranges_overlap(uint64_t a, uint64_t b, uint64_t len)
{
    return len && (a < b ? b - a < len : a - b < len);
}

static int wraps(uint64_t a, uint64_t len)
{
    return len && a + len - 1 < a;
}


static int step_console(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    uint64_t port = PG_LD64(s + 16), divisor = PG_LD64(s + 24);
    if (port > 0xFFF8)
        return failed(f, "bad uart port ", NUM_HEX, port);
    if (pg_console_init(c, (uint16_t)port, divisor))
        return failed(f, "bad baud divisor ", NUM_DEC, divisor);
    pg_say(c, "handoff v1, ");
    pg_putdec(c, c->step_count);
    pg_puts(c, " steps, budget ");
    pg_putdec(c, c->budget_us);
    pg_puts(c, " us\n");
    if (c->uart_dead)
        return failed(f, "console write timed out", NUM_NONE, 0);
    return 0;
}

static int step_print(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    pg_putn(c, s + 24, PG_LD64(s + 16));
    if (c->uart_dead)
        return failed(f, "console write timed out", NUM_NONE, 0);
    return 0;
}

/* write: bytes carried in the step to physical memory (a crash marker, say) */
static int step_write(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    uint64_t dst = PG_LD64(s + 16), len = PG_LD64(s + 24);
    if (wraps(dst, len))
        return failed(f, "range wraps the address space", NUM_NONE, 0);
    hal_write(dst, s + 32, len);
    pg_say(c, "wrote ");
    pg_putdec(c, len);
    pg_puts(c, " bytes at ");
    pg_puthex(c, dst);
    pg_putc(c, '\n');
    return 0;
}

static int step_rtc(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    uint64_t index = PG_LD64(s + 16), data = PG_LD64(s + 24);
    c->rtc_on = 0;
    if (index > 0xFFFF || data > 0xFFFF)
        return failed(f, "bad rtc port ", NUM_HEX, index > 0xFFFF ? index : data);
    hal_outb((uint16_t)index, 0x0B);
    uint8_t regb = hal_inb((uint16_t)data);
    if (regb & 0x80) /* SET: the clock does not advance (or nothing answers: 0xff) */
        return failed(f, "rtc not running, register B ", NUM_HEX, regb);
    c->rtc_index = (uint16_t)index;
    c->rtc_data = (uint16_t)data;
    c->rtc_regb = regb;
    c->rtc_on = 1;
    pg_say(c, "rtc at ");
    pg_puthex(c, index);
    pg_puts(c, (regb & 0x04) ? ", binary" : ", bcd");
    pg_puts(c, (regb & 0x02) ? ", 24h\n" : ", 12h\n");
    return 0;
}

/* Hashes [addr, addr + len) in PG_BUF_SIZE pieces. */
static void hash_memory(struct pg_ctx *c, uint64_t addr, uint64_t len, uint8_t out[32])
{
    struct pg_sha256 h;
    pg_sha256_init(&h);
    while (len) {
        uint64_t n = len < PG_BUF_SIZE ? len : PG_BUF_SIZE;
        hal_read(addr, c->buf, n);
        pg_sha256_update(&h, c->buf, (size_t)n);
        addr += n;
        len -= n;
    }
    pg_sha256_final(&h, out);
}

/* Address of the first non-zero byte of [addr, addr + len), or 0 with *found = 0. */
static uint64_t find_nonzero(struct pg_ctx *c, uint64_t addr, uint64_t len, int *found)
{
    *found = 0;
    while (len) {
        uint64_t n = len < PG_BUF_SIZE ? len : PG_BUF_SIZE;
        hal_read(addr, c->buf, n);
        size_t at = pg_first_nonzero(c->buf, (size_t)n);
        if (at < n) {
            *found = 1;
            return addr + at;
        }
        addr += n;
        len -= n;
    }
    return 0;
}

static int step_verify(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    uint64_t chunk = PG_LD64(s + 16), segments = PG_LD64(s + 24), total_chunks = 0;
    const uint8_t *p = s + 32;
    if (chunk == 0)
        return failed(f, "chunk size 0", NUM_NONE, 0);
    for (uint64_t i = 0; i < segments; i++) {
        uint64_t mem = PG_LD64(p), bufsz = PG_LD64(p + 8), memsz = PG_LD64(p + 16);
        uint64_t chunks = PG_LD64(p + 24);
        const uint8_t *digests = p + 32;
        if (memsz < bufsz || wraps(mem, memsz))
            return failed(f, "bad sizes in segment ", NUM_DEC, i);
        if (chunks != bufsz / chunk + (bufsz % chunk != 0))
            return failed(f, "wrong chunk count in segment ", NUM_DEC, i);
        for (uint64_t k = 0; k < chunks; k++) {
            uint64_t start = k * chunk, n = bufsz - start < chunk ? bufsz - start : chunk;
            uint8_t got[32];
            hash_memory(c, mem + start, n, got);
            if (pg_memcmp(got, digests + 32 * k, 32)) {
                pg_say(c, "digest mismatch in segment ");
                pg_putdec(c, i);
                pg_puts(c, " (mem ");
                pg_puthex(c, mem);
                pg_puts(c, ") chunk ");
                pg_putdec(c, k);
                pg_puts(c, " at ");
                pg_puthex(c, mem + start);
                pg_putc(c, '\n');
                return failed(f, "digest mismatch", NUM_NONE, 0);
            }
        }
        int found;
        uint64_t bad = find_nonzero(c, mem + bufsz, memsz - bufsz, &found);
        if (found) {
            pg_say(c, "non-zero byte in zero tail of segment ");
            pg_putdec(c, i);
            pg_puts(c, " at ");
            pg_puthex(c, bad);
            pg_putc(c, '\n');
            return failed(f, "non-zero zero tail", NUM_NONE, 0);
        }
        total_chunks += chunks;
        p = digests + 32 * chunks;
    }
    pg_say(c, "digests ok (");
    pg_putdec(c, segments);
    pg_puts(c, " segments, ");
    pg_putdec(c, total_chunks);
    pg_puts(c, " chunks)\n");
    return 0;
}

static int step_copy(struct pg_ctx *c, const uint8_t *s, struct fail *f, int swap)
{
    uint64_t a = PG_LD64(s + 16), b = PG_LD64(s + 24), len = PG_LD64(s + 32);
    if (wraps(a, len) || wraps(b, len))
        return failed(f, "range wraps the address space", NUM_NONE, 0);
    if (ranges_overlap(a, b, len))
        return failed(f, "overlapping ranges", NUM_NONE, 0);
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < PG_BUF_SIZE ? len - done : PG_BUF_SIZE;
        hal_read(a + done, c->buf, n);
        if (swap) {
            hal_read(b + done, c->buf2, n);
            hal_write(a + done, c->buf2, n);
        }
        hal_write(b + done, c->buf, n);
        done += n;
    }
    pg_say(c, swap ? "swapped " : "copied ");
    pg_putdec(c, len);
    pg_puts(c, " bytes ");
    pg_puthex(c, a);
    pg_puts(c, swap ? " <-> " : " -> ");
    pg_puthex(c, b);
    pg_putc(c, '\n');
    return 0;
}

static __attribute__((noreturn)) void halt(struct pg_ctx *c, uint64_t reason)
{
    pg_say(c, "halt, reason ");
    pg_putdec(c, reason);
    pg_putc(c, '\n');
    pg_console_flush(c);
    hal_halt(reason);
}

static int step_reset(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    uint64_t method = PG_LD64(s + 16);
    if (method != 1 && method != 2)
        return failed(f, "unknown reset method ", NUM_DEC, method);
    pg_say(c, "reset, method ");
    pg_putdec(c, method);
    pg_putc(c, '\n');
    pg_console_flush(c);
    hal_reset(method);
}

static int run_step(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    uint16_t kind = PG_LD16(s);
    switch (kind) {
    case K_CONSOLE:
        return step_console(c, s, f);
    case K_PRINT:
        return step_print(c, s, f);
    case K_VERIFY:
        return step_verify(c, s, f);
    case K_COPY:
        return step_copy(c, s, f, 0);
    case K_SWAP:
        return step_copy(c, s, f, 1);
    case K_RTC:
        return step_rtc(c, s, f);
    case K_IPMI:
        return pg_step_ipmi(c, s, f);
    case K_CPU_IP:
        return pg_step_cpu_ip(c, s, f);
    case K_WRITE:
        return step_write(c, s, f);
    case K_HALT:
        halt(c, PG_LD64(s + 16));
    case K_RESET:
        return step_reset(c, s, f);
    default: {
        int rc = hal_arch_step(c, kind, s, f);
        return rc == PG_ARCH_UNKNOWN ? failed(f, "unknown step kind ", NUM_DEC, kind) : rc;
    }
    }
}

/* The name of a generic kind (FORMAT.md section 3, as GenericStep spells it), or 0. */
static const char *generic_name(uint16_t kind)
{
    switch (kind) {
    case K_CONSOLE:
        return "console";
    case K_PRINT:
        return "print";
    case K_VERIFY:
        return "verify-digests";
    case K_COPY:
        return "copy";
    case K_SWAP:
        return "swap";
    case K_RTC:
        return "rtc";
    case K_IPMI:
        return "ipmi-request";
    case K_CPU_IP:
        return "cpu-ip-records";
    case K_WRITE:
        return "write";
    case K_HALT:
        return "halt";
    case K_RESET:
        return "reset";
    default:
        return 0;
    }
}

/*
 * "fallback step S (NAME) " or "step S (NAME) " after "purgatory: ": NAME is the kind's id as the framework
 * declares it; a kind this runtime does not implement keeps its number, "(kind K)" (FORMAT.md section 4).
 */
static void say_step(struct pg_ctx *c, int fallback, uint64_t index, uint16_t kind)
{
    const char *name = generic_name(kind);
    if (!name)
        name = hal_arch_step_name(kind);
    pg_say(c, fallback ? "fallback step " : "step ");
    pg_putdec(c, index);
    if (name) {
        pg_puts(c, " (");
        pg_puts(c, name);
    } else {
        pg_puts(c, " (kind ");
        pg_putdec(c, kind);
    }
    pg_puts(c, ") ");
}

/* Runs a list of steps; returns non-zero when a REQUIRED main step failed. */
static int run_list(struct pg_ctx *c, const uint8_t *p, uint64_t off, uint64_t count, int fallback)
{
    int previous_ok = 1;
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *s = p + off;
        struct fail f = { 0, NUM_NONE, 0 };
        if ((PG_LD16(s + 2) & FLAG_AFTER_SUCCESS) && !previous_ok) {
            /* a chained step: the sequence it belongs to already failed */
            say_step(c, fallback, i, PG_LD16(s));
            pg_puts(c, "skipped: the step before did not succeed\n");
            off += PG_LD32(s + 4);
            continue;
        }
        previous_ok = 1;
        if (run_step(c, s, &f)) {
            previous_ok = 0;
            say_step(c, fallback, i, PG_LD16(s));
            pg_puts(c, "failed: ");
            pg_put_fail(c, &f);
            if (!fallback && (PG_LD16(s + 2) & FLAG_REQUIRED)) {
                pg_puts(c, "; running fallback\n");
                return 1;
            }
            pg_puts(c, "; continuing\n");
        }
        off += PG_LD32(s + 4);
    }
    return 0;
}

int purgatory_run(const void *param_area, uint64_t param_len)
{
    const uint8_t *p = param_area;
    if (!p || param_len < 4)
        return PG_MALFORMED;
    if (PG_LD32(p) != PARAM_MAGIC)
        return PG_BAD_MAGIC;
    if (param_len < 6)
        return PG_MALFORMED;
    if (PG_LD16(p + 4) != PARAM_VERSION)
        return PG_BAD_VERSION;
    if (param_len < PARAM_HEADER)
        return PG_MALFORMED;
    uint32_t total = PG_LD32(p + 0x14);
    if (total < PARAM_HEADER || total > param_len)
        return PG_MALFORMED;
    uint64_t steps = PG_LD16(p + 6), steps_off = PG_LD32(p + 8);
    uint64_t fallbacks = PG_LD32(p + 0x0C), fallback_off = PG_LD32(p + 0x10);
    if (check_list(p, total, steps_off, steps) || check_list(p, total, fallback_off, fallbacks))
        return PG_MALFORMED;

    struct pg_ctx c;
    pg_memset(&c, 0, sizeof c);
    c.step_count = (uint32_t)steps;
    c.budget_us = PG_LD64(p + 0x18);
    c.iteration_cap = PG_LD64(p + 0x20);

    if (!run_list(&c, p, steps_off, steps, 0))
        pg_say(&c, "program ended without a handoff; running fallback\n");
    run_list(&c, p, fallback_off, fallbacks, 1);
    pg_say(&c, "fallback ended without a handoff\n");
    halt(&c, PG_HALT_NO_HANDOFF);
}

/*
 * The probe mode (FORMAT.md section 8): the first verify-digests step of the main program, alone, with no
 * console, no other step and no fallback; memory is only read. s390's kernel calls purgatory so (r2 = 0)
 * before it resets the machine, and boots the capture kernel only when this returns 0.
 */
int purgatory_probe(const void *param_area, uint64_t param_len)
{
    const uint8_t *p = param_area;
    if (!p || param_len < PARAM_HEADER)
        return PG_MALFORMED;
    if (PG_LD32(p) != PARAM_MAGIC)
        return PG_BAD_MAGIC;
    if (PG_LD16(p + 4) != PARAM_VERSION)
        return PG_BAD_VERSION;
    uint32_t total = PG_LD32(p + 0x14);
    uint64_t steps = PG_LD16(p + 6), off = PG_LD32(p + 8);
    if (total < PARAM_HEADER || total > param_len || check_list(p, total, off, steps)
        || check_list(p, total, PG_LD32(p + 0x10), PG_LD32(p + 0x0C)))
        return PG_MALFORMED;
    struct pg_ctx c;
    pg_memset(&c, 0, sizeof c);
    c.iteration_cap = PG_LD64(p + 0x20);
    for (uint64_t i = 0; i < steps; i++) {
        const uint8_t *s = p + off;
        if (PG_LD16(s) == K_VERIFY) {
            struct fail f = { 0, NUM_NONE, 0 };
            return step_verify(&c, s, &f) ? PG_PROBE_MISMATCH : PG_PROBE_OK;
        }
        off += PG_LD32(s + 4);
    }
    return PG_PROBE_NO_DIGESTS;
}
