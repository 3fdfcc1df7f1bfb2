/*
 * Unit tests of the s390 step kinds (FORMAT.md section 8) and the probe mode, through the host entry points
 * (purgatory_host_run, purgatory_host_probe) against a fake machine: 64 KiB of RAM and an arch callback that
 * records the PSW loads, diag 308 calls and disabled waits of host-s390x.c. Built for both target byte orders, plain and with ASan/UBSan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "host/purgatory_host.h"
#include "program_encoder.h"
#include "steps-s390x.h"

static int passed, failed_tests, current_failed;

#define CHECK(cond) do { \
        if (!(cond)) { \
            printf("    check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            current_failed = 1; \
        } \
    } while (0)

#define RAM_SIZE (1u << 16)
static uint8_t ram[RAM_SIZE];

static struct {
    int psw, waited, halted, writes, diag_calls;
    uint64_t mask, addr, code, reason;
    uint64_t subcodes[16];
    uint8_t block[4096];
    uint64_t block_len;
    uint64_t set_rc, busy_answers; /* SET answers set_rc; LOAD answers busy this many times, then ok */
} m;

static uint8_t fake_inb(uint16_t port) { (void)port; return 0xFF; }
static void fake_outb(uint16_t port, uint8_t v) { (void)port; (void)v; }
static void fake_read(uint64_t a, void *b, uint64_t n) { memcpy(b, ram + a, n); }
static void fake_write(uint64_t a, const void *b, uint64_t n) { m.writes++; memcpy(ram + a, b, n); }
static void fake_halt(uint64_t reason) { m.halted = 1; m.reason = reason; }
static void fake_reset(uint64_t method) { (void)method; }
static void fake_psw(uint64_t mask, uint64_t addr) { m.psw = 1; m.mask = mask; m.addr = addr; }
static void fake_wait(uint64_t code) { m.waited = 1; m.code = code; }

static uint64_t fake_diag308(uint64_t subcode, const void *block, uint64_t len)
{
    if (m.diag_calls < 16)
        m.subcodes[m.diag_calls] = subcode;
    m.diag_calls++;
    if (subcode == 5) {
        memcpy(m.block, block, len);
        m.block_len = len;
        return m.set_rc;
    }
    if (m.busy_answers) {
        m.busy_answers--;
        return 0x302;
    }
    return 1;
}

/* the machine's arch callback: what host-s390x.c forwards */
static uint64_t fake_arch(uint32_t op, const uint64_t *args, uint32_t nargs, const void *data, uint64_t len,
                          uint32_t *stopped)
{
    (void)nargs;
    switch (op) {
    case S390X_OP_LOAD_PSW:
        fake_psw(args[0], args[1]);
        *stopped = 1;
        return 0;
    case S390X_OP_DISABLED_WAIT:
        fake_wait(args[0]);
        *stopped = 1;
        return 0;
    case S390X_OP_DIAG308: {
        uint64_t rc = fake_diag308(args[0], data, len);
        *stopped = args[0] == 4 && rc == 1; /* LOAD_NORMAL_DUMP done: the dump tool IPLs */
        return rc;
    }
    default:
        return PURGATORY_HOST_NO_ARCH;
    }
}

static const purgatory_host_hal hal = {
    fake_inb, fake_outb, fake_read, fake_write, fake_halt, fake_reset, fake_arch,
};

/* the HAL of a machine without an arch callback */
static const purgatory_host_hal plain = {
    fake_inb, fake_outb, fake_read, fake_write, fake_halt, fake_reset, 0,
};

/* a fresh machine and a fresh program (program_encoder.h) */
static void fresh(void)
{
    program();
    memset(&m, 0, sizeof m);
    m.set_rc = 1;
    for (size_t i = 0; i < RAM_SIZE; i++)
        ram[i] = (uint8_t)(i * 13 + 7);
}

static void load_psw(uint64_t mask, uint64_t addr) { begin(32, 1); op(mask); op(addr); end(); }
static void disabled_wait(uint64_t code) { begin(34, 1); op(code); end(); }

static void dump_reipl(const uint8_t *block, size_t n)
{
    begin(33, 1);
    op(n);
    memcpy(P + plen, block, n); /* bytes in memory order */
    plen += (n + 7) & ~(size_t)7;
    end();
}

/* verify-digests over [mem, mem + len) with one chunk */
static void verify(uint64_t mem, uint64_t len)
{
    begin(3, 1);
    op(len);
    op(1);
    op(mem);
    op(len);
    op(len);
    op(1);
    pg_sha256(ram + mem, len, P + plen);
    plen += 32;
    end();
}

/* A CCW dump block: len 200, version 0, pb0 len 192, pbt 2, devno 0x1234 at 0x6e */
static void ccw_block(uint8_t *b)
{
    memset(b, 0, 200);
    b[3] = 200;
    b[11] = 192;
    b[12] = 2;
    b[0x6E] = 0x12;
    b[0x6F] = 0x34;
}

static void load_psw_hands_over_mask_and_address(void)
{
    fresh();
    load_psw(0x0000000180000000ull, 0x10010);
    int rc = purgatory_host_run(&hal, P, finish(0, 1000));
    CHECK(rc == PURGATORY_HOST_STOPPED);
    CHECK(m.psw && m.mask == 0x0000000180000000ull && m.addr == 0x10010);
}

static void disabled_wait_shows_its_code(void)
{
    fresh();
    disabled_wait(0x5130);
    CHECK(purgatory_host_run(&hal, P, finish(0, 1000)) == PURGATORY_HOST_STOPPED);
    CHECK(m.waited && m.code == 0x5130);
}

static void dump_reipl_sets_the_block_then_loads_the_dump(void)
{
    uint8_t b[200];
    ccw_block(b);
    fresh();
    dump_reipl(b, sizeof b);
    disabled_wait(0x5131);
    CHECK(purgatory_host_run(&hal, P, finish(0, 1000)) == PURGATORY_HOST_STOPPED);
    CHECK(m.diag_calls == 2 && m.subcodes[0] == 5 && m.subcodes[1] == 4);
    CHECK(m.block_len == 200 && memcmp(m.block, b, 200) == 0);
    CHECK(!m.waited);
}

static void busy_machine_is_asked_again(void)
{
    uint8_t b[200];
    ccw_block(b);
    fresh();
    m.busy_answers = 3;
    dump_reipl(b, sizeof b);
    disabled_wait(1);
    m.busy_answers = 3;
    CHECK(purgatory_host_run(&hal, P, finish(0, 1000)) == PURGATORY_HOST_STOPPED);
    CHECK(m.diag_calls == 5);
}

static void busy_forever_gives_up_after_eight_tries(void)
{
    uint8_t b[200];
    ccw_block(b);
    fresh();
    fallback();
    dump_reipl(b, sizeof b);
    disabled_wait(0x5131);
    size_t len = finish(0, 1000);
    m.busy_answers = 1000;
    CHECK(purgatory_host_run(&hal, P, len) == PURGATORY_HOST_STOPPED);
    CHECK(m.diag_calls == 1 + 8);
    CHECK(m.code == 0x5131);
}

static void refused_block_falls_through_to_the_disabled_wait(void)
{
    uint8_t b[200];
    ccw_block(b);
    fresh();
    fallback();
    dump_reipl(b, sizeof b);
    disabled_wait(0x5131);
    size_t len = finish(0, 1000);
    m.set_rc = 0x0102; /* no configuration */
    CHECK(purgatory_host_run(&hal, P, len) == PURGATORY_HOST_STOPPED);
    CHECK(m.diag_calls == 1 && m.code == 0x5131);
}

static void without_an_arch_callback_the_steps_fail_by_their_flags(void)
{
    fresh();
    load_psw(0x0000000180000000ull, 0x10010);
    fallback();
    disabled_wait(7);
    begin(17, 1); op(42); end(); /* halt */
    CHECK(purgatory_host_run(&plain, P, finish(0, 1000)) == PURGATORY_HOST_HALTED);
    CHECK(m.halted && m.reason == 42 && !m.psw && !m.waited);
}

static void block_longer_than_its_record_is_malformed(void)
{
    uint8_t b[200];
    ccw_block(b);
    fresh();
    dump_reipl(b, sizeof b);
    put(0x30 + 16, 208, 8); /* claims 208 bytes, the record holds 200 */
    CHECK(purgatory_host_run(&hal, P, finish(0, 1000)) == -3);
    fresh();
    dump_reipl(b, sizeof b);
    put(0x30 + 16, 0, 8); /* an empty block */
    CHECK(purgatory_host_run(&hal, P, finish(0, 1000)) == -3);
    fresh();
    begin(32, 1); op(1); end(); /* load-psw with one operand */
    CHECK(purgatory_host_run(&hal, P, finish(0, 1000)) == -3);
}

static void probe_runs_only_the_digest_check(void)
{
    fresh();
    verify(0x2000, 0x3000);
    begin(5, 1); op(0x1000); op(0x8000); op(0x1000); end(); /* swap: must not run */
    load_psw(0x0000000180000000ull, 0x10010);
    size_t len = finish(0, 1000);
    uint8_t before[RAM_SIZE];
    memcpy(before, ram, RAM_SIZE);
    CHECK(purgatory_host_probe(&hal, P, len) == 0);
    CHECK(m.writes == 0 && !m.psw && m.diag_calls == 0);
    CHECK(memcmp(before, ram, RAM_SIZE) == 0);
    ram[0x2FFF] ^= 0xFF;
    CHECK(purgatory_host_probe(&hal, P, len) == 1);
    CHECK(m.writes == 0 && !m.psw);
}

static void probe_of_a_program_without_digests_or_a_bad_area(void)
{
    fresh();
    load_psw(0x0000000180000000ull, 0x10010);
    size_t len = finish(0, 1000);
    CHECK(purgatory_host_probe(&hal, P, len) == 2);
    put(0, 0x48504F50, 4);
    CHECK(purgatory_host_probe(&hal, P, len) == -1);
    CHECK(purgatory_host_probe(0, P, len) == -4);
}

#define RUN(t) do { \
        current_failed = 0; \
        t(); \
        if (current_failed) { failed_tests++; printf("FAIL %s\n", #t); } \
        else { passed++; printf("ok   %s\n", #t); } \
    } while (0)

int main(void)
{
    RUN(load_psw_hands_over_mask_and_address);
    RUN(disabled_wait_shows_its_code);
    RUN(dump_reipl_sets_the_block_then_loads_the_dump);
    RUN(busy_machine_is_asked_again);
    RUN(busy_forever_gives_up_after_eight_tries);
    RUN(refused_block_falls_through_to_the_disabled_wait);
    RUN(without_an_arch_callback_the_steps_fail_by_their_flags);
    RUN(block_longer_than_its_record_is_malformed);
    RUN(probe_runs_only_the_digest_check);
    RUN(probe_of_a_program_without_digests_or_a_bad_area);
    printf("%d passed, %d failed\n", passed, failed_tests);
    return failed_tests != 0;
}
