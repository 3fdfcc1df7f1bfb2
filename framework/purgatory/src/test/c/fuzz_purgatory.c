/*
 * A mutation fuzzer for the purgatory runtime's host build, driven by a fixed seed so that every run is the same
 * (build.sh builds it with ASan/UBSan). Two targets:
 *
 *   interp  the step interpreter: well-formed programs (every generic kind, the test architecture's jump, a
 *           fallback) mutated byte-wise and word-wise, run with a parameter area cut to a random length; the
 *           hardware answers with random bytes
 *   kcs     the KCS state machine: a fixed program of IPMI requests and CPU records, run against a BMC whose
 *           status and data registers answer with random, mostly plausible, bytes
 *
 * The contract: no sanitizer report, no crash, and every run returns one of purgatory_host_run's documented
 * results. Runs are kept short by clamping the iteration cap; a run that still exceeds HAL_CALL_LIMIT hardware
 * accesses or MEMORY_LIMIT bytes moved is cut off and counted, not failed (copying gigabytes is what such a
 * program asks for). Usage: fuzz_purgatory ITERATIONS [SEED]; prints one summary line per target and
 * "N passed, 0 failed" (exit 1 on a finding, with the input written to fuzz-finding-<target>.bin).
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/purgatory_host.h"
#include "program_encoder.h"
#include "test_arch.h"

#define RAM_SIZE (1u << 20)
#define HAL_CALL_LIMIT 2000000u
#define MEMORY_LIMIT (64ull << 20)
#define CAP 48u
#define UART 0x3F8
#define KCS_DATA 0xCA2
#define KCS_STATUS 0xCA3

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint64_t below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

static uint8_t ram[RAM_SIZE];
static uint64_t hal_calls, moved;
static int kcs_mode;
static jmp_buf cut;
static uint64_t cut_offs, cut_by_calls;

static void count(uint64_t bytes)
{
    hal_calls++;
    moved += bytes;
    if (hal_calls > HAL_CALL_LIMIT || moved > MEMORY_LIMIT)
        longjmp(cut, hal_calls > HAL_CALL_LIMIT ? 2 : 1);
}

static uint8_t kcs_status(void)
{
    /* mostly a plausible status (IBF clear, OBF as it comes, one of the four states), sometimes anything */
    switch (below(8)) {
    case 0:
        return (uint8_t)rnd();
    case 1:
        return 0xFF;
    default:
        return (uint8_t)((below(4) << 6) | (below(4) == 0 ? 0x02 : 0) | (below(2) ? 0x01 : 0));
    }
}

static uint8_t h_inb(uint16_t port)
{
    count(0);
    if (port == UART + 5)
        return below(16) ? 0x60 : (uint8_t)rnd(); /* THR empty, mostly */
    if (kcs_mode && port == KCS_STATUS)
        return kcs_status();
    if (kcs_mode && port == KCS_DATA) {
        /* a response header that answers (NetFn | 1), or a random byte */
        return below(3) ? (uint8_t)rnd() : (uint8_t)(below(4) == 0 ? 0x1C : below(64));
    }
    return (uint8_t)rnd();
}

static void h_outb(uint16_t port, uint8_t v)
{
    (void)port;
    (void)v;
    count(0);
}

static void h_read(uint64_t addr, void *buf, uint64_t len)
{
    count(len);
    for (uint64_t i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = addr + i < RAM_SIZE && addr + i >= addr ? ram[addr + i] : 0;
}

static void h_write(uint64_t addr, const void *buf, uint64_t len)
{
    count(len);
    for (uint64_t i = 0; i < len; i++)
        if (addr + i < RAM_SIZE && addr + i >= addr)
            ram[addr + i] = ((const uint8_t *)buf)[i];
}

static void h_halt(uint64_t reason)
{
    (void)reason;
}

static void h_reset(uint64_t method)
{
    (void)method;
}

static uint64_t h_arch(uint32_t op_, const uint64_t *args, uint32_t nargs, const void *data, uint64_t len,
                       uint32_t *stopped)
{
    (void)args;
    (void)nargs;
    (void)data;
    (void)len;
    count(0);
    *stopped = op_ == TEST_ARCH_OP_JUMP;
    return 0;
}

static const purgatory_host_hal HAL = { h_inb, h_outb, h_read, h_write, h_halt, h_reset, h_arch };

/* ---------------- seed programs (program_encoder.h) ---------------- */

static void transport(void)
{
    op(KCS_DATA);
    op(KCS_STATUS);
    op(2000);
    op(2);
    op(5000);
}

static void ipmi(const uint8_t *req, size_t n, const char *label)
{
    begin(7, BEST_EFFORT);
    transport();
    op(n);
    raw(req, n);
    op(strlen(label));
    raw(label, strlen(label));
    end();
}

static void cpu_records(void)
{
    begin(8, BEST_EFFORT);
    transport();
    op(3);     /* console and SEL */
    op(0xF0);  /* rip offset in NT_PRSTATUS */
    op(2);
    op(0x8000);
    op(0x200);
    op(0x9000);
    op(0x200);
    end();
}

static const uint8_t GET_DEVICE_ID[] = { 0x18, 0x01 };
static const uint8_t WATCHDOG_SET[] = { 0x18, 0x24, 0x44, 0x01, 0x00, 0x00, 0xB0, 0x04 };
static const uint8_t PANIC_TEXT[] = { 0x28, 0x44, 0x00, 0x00, 0xF0, 0x20, 0x00,
                                      'K', 'e', 'r', 'n', 'e', 'l', ' ', 'p', 'a', 'n', 'i' };

static size_t seed_everything(void)
{
    program();
    begin(1, BEST_EFFORT); op(UART); op(1); end();
    begin(6, BEST_EFFORT); op(0x70); op(0x71); end();
    begin(2, BEST_EFFORT); op(6); raw("hello\n", 6); end();
    begin(4, REQUIRED); op(0x1000); op(0x80000); op(300); end();
    begin(5, REQUIRED); op(0x20000); op(0x30000); op(200); end();
    begin(3, REQUIRED);
    op(0x100); /* chunk */
    op(1);     /* segments */
    op(0x4000); op(0x180); op(0x1000); op(2);
    for (unsigned i = 0; i < 64; i++)
        op(0x0101010101010101ull * i);
    end();
    ipmi(GET_DEVICE_ID, sizeof GET_DEVICE_ID, "device id");
    cpu_records();
    begin(TEST_ARCH_K_JUMP, REQUIRED);
    for (unsigned i = 0; i < 17; i++)
        op(0x1000 * i);
    end();
    fallback();
    begin(2, BEST_EFFORT); op(3); raw("fb\n", 3); end();
    begin(18, REQUIRED); op(1); end();
    begin(17, REQUIRED); op(2); end();
    return finish(1000000, CAP);
}

static size_t seed_last_words(void)
{
    program();
    begin(1, BEST_EFFORT); op(UART); op(1); end();
    begin(6, BEST_EFFORT); op(0x70); op(0x71); end();
    ipmi(GET_DEVICE_ID, sizeof GET_DEVICE_ID, "device id");
    ipmi(WATCHDOG_SET, sizeof WATCHDOG_SET, "watchdog");
    ipmi(PANIC_TEXT, sizeof PANIC_TEXT, "panic text");
    cpu_records();
    begin(17, REQUIRED); op(1); end();
    fallback();
    begin(17, REQUIRED); op(2); end();
    return finish(1000000, CAP);
}

/* ---------------- mutation and running ---------------- */

static const uint64_t INTERESTING[] = {
    0, 1, 2, 7, 8, 15, 16, 17, 0x30, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000,
    0xFFFFFFFF, 0x100000000ull, 0x7FFFFFFFFFFFFFFFull, 0x8000000000000000ull, 0xFFFFFFFFFFFFFFFFull,
    0xFFFFFFFFFFFFFFF8ull, 0xFFFFFFFFFFFFFFF0ull,
};

static void mutate(uint8_t *a, size_t n)
{
    unsigned rounds = 1 + (unsigned)below(8);
    for (unsigned r = 0; r < rounds; r++) {
        size_t at = below(n);
        switch (below(6)) {
        case 0:
            a[at] ^= (uint8_t)(1u << below(8));
            break;
        case 1:
            a[at] = (uint8_t)rnd();
            break;
        case 2: { /* an interesting value in a 2-, 4- or 8-byte field, either order */
            static const unsigned widths[] = { 2, 4, 8 };
            unsigned w = widths[below(3)];
            uint64_t v = INTERESTING[below(sizeof INTERESTING / sizeof INTERESTING[0])];
            if (below(2))
                v += below(64) - 32;
            at &= ~(size_t)(w - 1);
            for (unsigned i = 0; i < w && at + i < n; i++)
                a[at + i] = (uint8_t)(below(2) ? v >> (8 * i) : v >> (8 * (w - 1 - i)));
            break;
        }
        case 3: { /* copy a block over another (a step over a step, a length over an operand) */
            size_t from = below(n), len = below(64);
            for (size_t i = 0; i < len && from + i < n && at + i < n; i++)
                a[at + i] = a[from + i];
            break;
        }
        case 4: /* a step kind: the generic ones, the test architecture's, unknown */
            at &= ~(size_t)7;
            if (at + 1 < n) {
                a[at] = (uint8_t)below(20);
                a[at + 1] = 0;
            }
            break;
        default:
            a[at] = 0;
            break;
        }
    }
}

static int documented(int rc)
{
    return rc == PURGATORY_HOST_STOPPED || rc == PURGATORY_HOST_HALTED || rc == PURGATORY_HOST_RESET
           || rc == -1 || rc == -2 || rc == -3;
}

/* Runs one area, in a heap block of exactly its length (so ASan sees a read past it). Returns the result. */
static int run_one(const uint8_t *area, size_t len, int probe)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    memcpy(copy, area, len);
    for (size_t i = 0; i < RAM_SIZE; i += 4096)
        ram[i] = (uint8_t)i;
    hal_calls = moved = 0;
    volatile int rc = 0;
    int why = setjmp(cut);
    if (why == 0)
        rc = probe ? purgatory_host_probe(&HAL, copy, len) : purgatory_host_run(&HAL, copy, len);
    else {
        rc = PURGATORY_HOST_HALTED;
        cut_offs++;
        cut_by_calls += why == 2;
    }
    free(copy);
    return rc;
}

static void clamp_cap(uint8_t *a, size_t n)
{
    if (n >= 0x28)
        for (unsigned i = 0; i < 8; i++)
            a[0x20 + i] = 0;
#ifdef PURGATORY_TARGET_BIG_ENDIAN
    if (n >= 0x28)
        a[0x27] = CAP;
#else
    if (n >= 0x28)
        a[0x20] = CAP;
#endif
}

static int finding(const char *target, uint64_t i, const uint8_t *a, size_t n, int rc)
{
    char name[64];
    snprintf(name, sizeof name, "fuzz-finding-%s.bin", target);
    FILE *f = fopen(name, "wb");
    if (f) {
        fwrite(a, 1, n, f);
        fclose(f);
    }
    printf("FAIL %s iteration %llu: result %d is not documented; input in %s\n", target, (unsigned long long)i,
           rc, name);
    return 1;
}

static int fuzz_interp(uint64_t iterations)
{
    static uint8_t seed[sizeof P], a[sizeof P];
    size_t seed_len = seed_everything();
    memcpy(seed, P, seed_len);
    size_t lw_len = seed_last_words();
    static uint8_t lw[sizeof P];
    memcpy(lw, P, lw_len);
    uint64_t results[8] = { 0 };
    cut_offs = cut_by_calls = 0;
    for (uint64_t i = 0; i < iterations; i++) {
        int from_lw = below(3) == 0;
        size_t n = from_lw ? lw_len : seed_len;
        memcpy(a, from_lw ? lw : seed, n);
        mutate(a, n);
        if (below(4) == 0)
            clamp_cap(a, n);
        else
            clamp_cap(a, n > 0x28 ? n : 0);
        size_t len = below(8) == 0 ? below(n + 1) : n;
        int rc = run_one(a, len, below(16) == 0);
        if (!documented(rc) && !(rc >= 0 && rc <= 2))
            return finding("interp", i, a, len, rc);
        results[(rc + 4) & 7]++;
    }
    printf("interp: %llu iterations, %llu halted, %llu reset, %llu jumped, %llu rejected (-1/-2/-3: %llu/%llu/%llu), "
           "%llu cut off at the HAL limit (%llu by hardware accesses), 0 findings\n",
           (unsigned long long)iterations, (unsigned long long)results[6], (unsigned long long)results[7],
           (unsigned long long)results[5], (unsigned long long)(results[3] + results[2] + results[1]),
           (unsigned long long)results[3], (unsigned long long)results[2], (unsigned long long)results[1],
           (unsigned long long)cut_offs, (unsigned long long)cut_by_calls);
    return 0;
}

static int fuzz_kcs(uint64_t iterations)
{
    size_t n = seed_last_words();
    static uint8_t a[sizeof P];
    memcpy(a, P, n);
    uint64_t halted = 0;
    cut_offs = 0;
    kcs_mode = 1;
    for (uint64_t i = 0; i < iterations; i++) {
        int rc = run_one(a, n, 0);
        if (rc != PURGATORY_HOST_HALTED)
            return finding("kcs", i, a, n, rc);
        halted++;
    }
    kcs_mode = 0;
    printf("kcs: %llu iterations, %llu halted, %llu cut off at the HAL limit, 0 findings\n",
           (unsigned long long)iterations, (unsigned long long)halted, (unsigned long long)cut_offs);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    uint64_t iterations = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000;
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x68616E646F6666ull; /* "handoff" */
    if (!rng_state)
        rng_state = 1;
#ifdef PURGATORY_TARGET_BIG_ENDIAN
    printf("purgatory fuzz, big-endian target, seed %#llx\n", (unsigned long long)rng_state);
#else
    printf("purgatory fuzz, little-endian target, seed %#llx\n", (unsigned long long)rng_state);
#endif
    int failed = fuzz_interp(iterations);
    if (!failed)
        failed = fuzz_kcs(iterations / 4 + 1);
    printf("%d passed, %d failed\n", failed ? 0 : 2, failed);
    return failed;
}
