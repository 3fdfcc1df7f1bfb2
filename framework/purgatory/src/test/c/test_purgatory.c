/*
 * Unit tests of the purgatory runtime, run through the host entry point (purgatory_host_run) against a
 * fake machine: 1 MiB of RAM, a 16550 UART that captures what is sent (or never empties its THR), and a
 * CMOS clock that can be BCD or binary, 12 or 24 h, frozen, stuck in update, or advancing.
 * Built four times: little- and big-endian target, each plain and with ASan/UBSan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal.h"
#include "pg_internal.h"
#include "purgatory.h"
#include "host/purgatory_host.h"

/* ---------------- a tiny harness ---------------- */

static int passed, failed_tests, current_failed;

#define CHECK(cond) do { \
        if (!(cond)) { \
            printf("    check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            current_failed = 1; \
        } \
    } while (0)

#define CHECK_OUT(text) do { \
        if (!strstr(m.out, (text))) { \
            printf("    console lacks \"%s\" at %s:%d; console was:\n%s\n", (text), __FILE__, __LINE__, m.out); \
            current_failed = 1; \
        } \
    } while (0)

#define CHECK_NO_OUT(text) do { \
        if (strstr(m.out, (text))) { \
            printf("    console has \"%s\" at %s:%d\n", (text), __FILE__, __LINE__); \
            current_failed = 1; \
        } \
    } while (0)

/* ---------------- the fake machine ---------------- */

#define RAM_SIZE (1u << 20)
#define UART 0x3F8
#define RTC_INDEX 0x70
#define RTC_DATA 0x71

static uint8_t ram[RAM_SIZE];

static struct machine {
    /* uart */
    uint8_t lcr, dll, dlm, fcr, ier, mcr;
    int thr_stuck;
    char out[1 << 16];
    size_t out_len;
    /* rtc */
    uint8_t rtc_index, reg_a, reg_b;
    int uip_stuck;
    uint32_t now;              /* seconds since midnight */
    uint64_t reads_per_second; /* 0: the clock is frozen */
    uint64_t rtc_reads;
    /* counters and the handoff */
    uint64_t inb_count, outb_count, bad_access;
    int jumped, halted, reset;
    uint64_t regs[17], reason, method;
} m;

static uint8_t to_rtc(unsigned v)
{
    return (m.reg_b & 0x04) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static uint8_t rtc_register(uint8_t r)
{
    unsigned h = m.now / 3600 % 24, min = m.now / 60 % 60, s = m.now % 60;
    switch (r) {
    case 0x00: return to_rtc(s);
    case 0x02: return to_rtc(min);
    case 0x04:
        if (m.reg_b & 0x02)
            return to_rtc(h);
        return (uint8_t)(to_rtc(h % 12 == 0 ? 12 : h % 12) | (h >= 12 ? 0x80 : 0));
    case 0x0A: return (uint8_t)(m.uip_stuck ? 0x80 | m.reg_a : m.reg_a);
    case 0x0B: return m.reg_b;
    default: return 0;
    }
}

static uint8_t fake_inb(uint16_t port)
{
    m.inb_count++;
    if (port == UART + 5)
        return m.thr_stuck ? 0x00 : 0x60;
    if (port >= UART && port < UART + 8)
        return 0;
    if (port == RTC_DATA) {
        m.rtc_reads++;
        if (m.reads_per_second && m.rtc_reads % m.reads_per_second == 0)
            m.now = (m.now + 1) % 86400;
        return rtc_register(m.rtc_index);
    }
    return 0xFF;
}

static void fake_outb(uint16_t port, uint8_t v)
{
    m.outb_count++;
    switch (port) {
    case UART + 0:
        if (m.lcr & 0x80)
            m.dll = v;
        else if (m.out_len < sizeof m.out - 1)
            m.out[m.out_len++] = (char)v;
        break;
    case UART + 1:
        if (m.lcr & 0x80)
            m.dlm = v;
        else
            m.ier = v;
        break;
    case UART + 2: m.fcr = v; break;
    case UART + 3: m.lcr = v; break;
    case UART + 4: m.mcr = v; break;
    case RTC_INDEX: m.rtc_index = v & 0x7F; break;
    default: break;
    }
}

static void fake_read(uint64_t addr, void *buf, uint64_t len)
{
    if (addr > RAM_SIZE || len > RAM_SIZE - addr) {
        m.bad_access++;
        memset(buf, 0xFF, len);
        return;
    }
    memcpy(buf, ram + addr, len);
}

static void fake_write(uint64_t addr, const void *buf, uint64_t len)
{
    if (addr > RAM_SIZE || len > RAM_SIZE - addr) {
        m.bad_access++;
        return;
    }
    memcpy(ram + addr, buf, len);
}

static void fake_jump(const uint64_t *regs)
{
    m.jumped = 1;
    memcpy(m.regs, regs, sizeof m.regs);
}

static void fake_halt(uint64_t reason)
{
    m.halted = 1;
    m.reason = reason;
}

static void fake_reset(uint64_t method)
{
    m.reset = 1;
    m.method = method;
}

static const purgatory_host_hal hal = {
    fake_inb, fake_outb, fake_read, fake_write, fake_jump, fake_halt, fake_reset, 0, 0, 0,
};

static void reset_machine(void)
{
    memset(&m, 0, sizeof m);
    m.reg_a = 0x26;
    m.reg_b = 0x02; /* BCD, 24 h */
    m.now = 12 * 3600;
    for (size_t i = 0; i < RAM_SIZE; i++)
        ram[i] = (uint8_t)(i * 7 + (i >> 9));
}

/* ---------------- a program encoder, in the target's byte order ---------------- */

static uint8_t P[32768];
static size_t plen, main_off, main_count, fb_off, fb_count, step_start;
static int in_fallback;

static void put(size_t at, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
#ifdef PURGATORY_TARGET_BIG_ENDIAN
        P[at + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
#else
        P[at + i] = (uint8_t)(v >> (8 * i));
#endif
    }
}

static void program(void)
{
    memset(P, 0, sizeof P);
    plen = 0x30;
    main_off = plen;
    main_count = fb_count = 0;
    fb_off = 0;
    in_fallback = 0;
}

static void fallback(void)
{
    in_fallback = 1;
    fb_off = plen;
}

static void begin(uint16_t kind, uint16_t flags)
{
    step_start = plen;
    put(plen, kind, 2);
    put(plen + 2, flags, 2);
    put(plen + 8, 1000, 8); /* worst_case_us, unused by the runtime */
    plen += 16;
}

static void op(uint64_t v)
{
    put(plen, v, 8);
    plen += 8;
}

static void raw(const void *p, size_t n)
{
    memcpy(P + plen, p, n);
    plen += (n + 7) & ~(size_t)7;
}

static void end(void)
{
    put(step_start + 4, plen - step_start, 4);
    if (in_fallback)
        fb_count++;
    else
        main_count++;
}

/* Writes the header; returns the parameter area's length. */
static size_t finish(uint64_t budget, uint64_t cap)
{
    put(0, 0x50504F48, 4);
    put(4, 1, 2);
    put(6, main_count, 2);
    put(8, main_off, 4);
    put(0x0C, fb_count, 4);
    put(0x10, fb_off, 4);
    put(0x14, plen, 4);
    put(0x18, budget, 8);
    put(0x20, cap, 8);
    return plen;
}

#define REQUIRED 1
#define BEST_EFFORT 0

static void console(void) { begin(1, BEST_EFFORT); op(UART); op(1); end(); }
static void rtc(void) { begin(6, BEST_EFFORT); op(RTC_INDEX); op(RTC_DATA); end(); }
static void halt_step(uint64_t reason) { begin(17, REQUIRED); op(reason); end(); }
static void print(const char *s) { begin(2, BEST_EFFORT); op(strlen(s)); raw(s, strlen(s)); end(); }

static void jump(void)
{
    begin(16, REQUIRED);
    for (unsigned i = 0; i < 17; i++)
        op(0x1111111111111111ull * i);
    /* rsi = zero page, rip = kernel + 0x200 */
    put(plen - 17 * 8 + 4 * 8, 0x9000, 8);
    put(plen - 8, 0x1000200, 8);
    end();
}

struct seg { uint64_t mem, bufsz, memsz; };

static void verify(uint16_t flags, uint64_t chunk, const struct seg *segs, size_t n)
{
    begin(3, flags);
    op(chunk);
    op(n);
    for (size_t i = 0; i < n; i++) {
        uint64_t chunks = (segs[i].bufsz + chunk - 1) / chunk;
        op(segs[i].mem);
        op(segs[i].bufsz);
        op(segs[i].memsz);
        op(chunks);
        for (uint64_t k = 0; k < chunks; k++) {
            uint64_t start = k * chunk, len = segs[i].bufsz - start < chunk ? segs[i].bufsz - start : chunk;
            pg_sha256(ram + segs[i].mem + start, len, P + plen);
            plen += 32;
        }
        memset(ram + segs[i].mem + segs[i].bufsz, 0, segs[i].memsz - segs[i].bufsz);
    }
    end();
}

static int run(size_t len)
{
    return purgatory_host_run(&hal, P, len);
}

/* ---------------- SHA-256 ---------------- */

static void hex(const uint8_t *d, char *out)
{
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

static void sha256_abc(void)
{
    uint8_t d[32];
    char h[65];
    pg_sha256("abc", 3, d);
    hex(d, h);
    CHECK(!strcmp(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

static void sha256_empty(void)
{
    uint8_t d[32];
    char h[65];
    pg_sha256("", 0, d);
    hex(d, h);
    CHECK(!strcmp(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

static void sha256_two_blocks(void)
{
    const char *s = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    uint8_t d[32];
    char h[65];
    pg_sha256(s, strlen(s), d);
    hex(d, h);
    CHECK(!strcmp(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
}

static void sha256_million_a_in_uneven_pieces(void)
{
    static uint8_t a[1000000];
    memset(a, 'a', sizeof a);
    struct pg_sha256 s;
    pg_sha256_init(&s);
    size_t done = 0, piece = 1;
    while (done < sizeof a) {
        size_t n = piece < sizeof a - done ? piece : sizeof a - done;
        pg_sha256_update(&s, a + done, n);
        done += n;
        piece = piece % 131 + 1; /* crosses block boundaries in every way */
    }
    uint8_t d[32];
    char h[65];
    pg_sha256_final(&s, d);
    hex(d, h);
    CHECK(!strcmp(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

/* ---------------- console, banner, print, halt ---------------- */

static void console_init_programs_the_uart_and_prints_the_banner(void)
{
    program();
    console();
    halt_step(7);
    int rc = run(finish(12345, 100000));
    CHECK(rc == PURGATORY_HOST_HALTED);
    CHECK(m.halted && m.reason == 7);
    CHECK(m.lcr == 0x03);           /* 8N1, DLAB cleared again */
    CHECK(m.dll == 1 && m.dlm == 0); /* 115200 */
    CHECK(m.fcr == 0x07);
    CHECK(m.ier == 0);
    const char *banner = "purgatory: handoff v1, 2 steps, budget 12345 us\n";
    CHECK(!strncmp(m.out, banner, strlen(banner)));
    CHECK_OUT("purgatory: halt, reason 7\n");
}

static void print_step_sends_its_text(void)
{
    program();
    console();
    print("hello, world\n");
    halt_step(1);
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK_OUT("us\nhello, world\npurgatory: halt, reason 1\n");
}

static void no_console_means_silence_but_the_program_runs(void)
{
    program();
    print("lost\n");
    halt_step(3);
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK(m.out_len == 0);
    CHECK(m.reason == 3);
}

static void bad_baud_divisor_fails_the_console_step(void)
{
    program();
    begin(1, BEST_EFFORT); op(UART); op(0); end();
    halt_step(2);
    CHECK(run(finish(1, 1000)) == PURGATORY_HOST_HALTED);
    CHECK(m.outb_count == 0); /* the UART was never touched */
    CHECK(m.reason == 2);
}

/* ---------------- verify-digests ---------------- */

static const struct seg two_segments[] = {
    { 0x10000, 10000, 16384 }, /* 3 chunks of 4096, a zero tail of 6384 bytes */
    { 0x40000, 4096, 4096 },   /* 1 chunk, no tail */
};

static void digests_ok_then_jump(void)
{
    program();
    console();
    verify(REQUIRED, 4096, two_segments, 2);
    jump();
    fallback();
    halt_step(99);
    int rc = run(finish(500000, 100000));
    CHECK(rc == PURGATORY_HOST_JUMPED);
    CHECK(m.jumped && !m.halted);
    CHECK_OUT("purgatory: digests ok (2 segments, 4 chunks)\n");
    CHECK_OUT("purgatory: jump to 0x1000200 rsi=0x9000\n");
    CHECK(m.regs[16] == 0x1000200 && m.regs[4] == 0x9000);
    CHECK(m.regs[0] == 0 && m.regs[1] == 0x1111111111111111ull && m.regs[15] == 0xFFFFFFFFFFFFFFFFull);
    CHECK(m.bad_access == 0);
}

static void empty_segment_list_is_ok(void)
{
    program();
    console();
    verify(REQUIRED, 4096, two_segments, 0);
    halt_step(5);
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK_OUT("purgatory: digests ok (0 segments, 0 chunks)\n");
    CHECK(m.reason == 5);
}

static void one_corrupt_byte_names_segment_chunk_and_address(void)
{
    static const struct { uint64_t addr; const char *line; } cases[] = {
        { 0x10000, "digest mismatch in segment 0 (mem 0x10000) chunk 0 at 0x10000\n" },
        { 0x10FFF, "digest mismatch in segment 0 (mem 0x10000) chunk 0 at 0x10000\n" },
        { 0x11000, "digest mismatch in segment 0 (mem 0x10000) chunk 1 at 0x11000\n" },
        { 0x1270F, "digest mismatch in segment 0 (mem 0x10000) chunk 2 at 0x12000\n" }, /* last data byte */
        { 0x40000 + 4095, "digest mismatch in segment 1 (mem 0x40000) chunk 0 at 0x40000\n" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        reset_machine();
        program();
        console();
        verify(REQUIRED, 4096, two_segments, 2);
        jump();
        fallback();
        print("fallback ran\n");
        halt_step(99);
        size_t len = finish(1, 100000);
        ram[cases[i].addr] ^= 0x01;
        char lower[128];
        snprintf(lower, sizeof lower, "purgatory: %s", cases[i].line);
        for (char *p = lower; *p; p++)
            if (*p >= 'A' && *p <= 'F')
                *p = (char)(*p - 'A' + 'a');
        CHECK(run(len) == PURGATORY_HOST_HALTED);
        CHECK_OUT(lower);
        CHECK_OUT("purgatory: step 1 (kind 3) failed: digest mismatch; running fallback\nfallback ran\n");
        CHECK(!m.jumped && m.reason == 99);
        CHECK_NO_OUT("digests ok");
    }
}

static void non_zero_tail_is_reported_with_its_address(void)
{
    program();
    console();
    verify(REQUIRED, 4096, two_segments, 2);
    jump();
    fallback();
    halt_step(42);
    size_t len = finish(1, 100000);
    ram[0x10000 + 12000] = 0x80;
    CHECK(run(len) == PURGATORY_HOST_HALTED);
    CHECK_OUT("purgatory: non-zero byte in zero tail of segment 0 at 0x12ee0\n");
    CHECK_OUT("purgatory: step 1 (kind 3) failed: non-zero zero tail; running fallback\n");
    CHECK(!m.jumped && m.reason == 42);
}

static void last_byte_of_the_tail_is_checked(void)
{
    program();
    console();
    verify(REQUIRED, 4096, two_segments, 1);
    halt_step(1);
    size_t len = finish(1, 100000);
    ram[0x10000 + 16383] = 1;
    run(len);
    CHECK_OUT("purgatory: non-zero byte in zero tail of segment 0 at 0x13fff\n");
}

static void wrong_chunk_count_fails_the_step(void)
{
    program();
    console();
    verify(BEST_EFFORT, 4096, two_segments, 1);
    put(step_start + 32 + 24, 2, 8); /* 3 chunks in the record, claims 2 */
    halt_step(1);
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK_OUT("purgatory: step 1 (kind 3) failed: wrong chunk count in segment 0; continuing\n");
}

/* ---------------- copy and swap ---------------- */

static void copy_moves_the_bytes(void)
{
    uint8_t expect[1500];
    memcpy(expect, ram + 0x1000, sizeof expect);
    program();
    console();
    begin(4, REQUIRED); op(0x1000); op(0x80000); op(1500); end();
    halt_step(0);
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK(!memcmp(ram + 0x80000, expect, sizeof expect));
    CHECK(ram[0x80000 + 1500] == (uint8_t)((0x80000 + 1500) * 7 + ((0x80000 + 1500) >> 9)));
    CHECK_OUT("purgatory: copied 1500 bytes 0x1000 -> 0x80000\n");
}

static void overlapping_copy_fails(void)
{
    program();
    console();
    begin(4, BEST_EFFORT); op(0x1000); op(0x1100); op(0x200); end();
    halt_step(0);
    uint8_t before = ram[0x1100];
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK(ram[0x1100] == before);
    CHECK_OUT("purgatory: step 1 (kind 4) failed: overlapping ranges; continuing\n");
}

static void swap_exchanges_the_bytes(void)
{
    uint8_t a[3000], b[3000];
    memcpy(a, ram + 0x20000, sizeof a);
    memcpy(b, ram + 0x30000, sizeof b);
    program();
    console();
    begin(5, REQUIRED); op(0x20000); op(0x30000); op(3000); end();
    halt_step(0);
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK(!memcmp(ram + 0x20000, b, sizeof b));
    CHECK(!memcmp(ram + 0x30000, a, sizeof a));
    CHECK_OUT("purgatory: swapped 3000 bytes 0x20000 <-> 0x30000\n");
}

/* ---------------- failure policy ---------------- */

static void unknown_kind_best_effort_goes_on(void)
{
    program();
    console();
    begin(99, BEST_EFFORT); op(1); end();
    jump();
    fallback();
    halt_step(9);
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_JUMPED);
    CHECK_OUT("purgatory: step 1 (kind 99) failed: unknown step kind 99; continuing\n");
    CHECK(m.jumped && !m.halted);
}

static void unknown_kind_required_runs_the_fallback(void)
{
    program();
    console();
    begin(99, REQUIRED); end();
    jump();
    fallback();
    print("in fallback\n");
    halt_step(9);
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK_OUT("purgatory: step 1 (kind 99) failed: unknown step kind 99; running fallback\nin fallback\n");
    CHECK(!m.jumped && m.reason == 9);
}

static void reserved_kinds_are_not_implemented(void)
{
    program();
    console();
    begin(7, BEST_EFFORT); end();
    begin(8, BEST_EFFORT); end();
    halt_step(1);
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK_OUT("purgatory: step 1 (kind 7) failed: not implemented: step kind 7; continuing\n");
    CHECK_OUT("purgatory: step 2 (kind 8) failed: not implemented: step kind 8; continuing\n");
}

static void fallback_failures_are_logged_and_skipped(void)
{
    program();
    console();
    begin(50, REQUIRED); end();
    fallback();
    begin(51, REQUIRED); end();
    halt_step(77);
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK_OUT("purgatory: fallback step 0 (kind 51) failed: unknown step kind 51; continuing\n");
    CHECK(m.reason == 77);
}

static void program_without_handoff_runs_fallback_then_halts(void)
{
    program();
    console();
    fallback();
    print("fb\n");
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK_OUT("purgatory: program ended without a handoff; running fallback\nfb\n"
              "purgatory: fallback ended without a handoff\npurgatory: halt, reason 65281\n");
    CHECK(m.reason == PG_HALT_NO_HANDOFF);
}

static void reset_step_resets(void)
{
    program();
    console();
    begin(18, REQUIRED); op(2); end();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_RESET);
    CHECK(m.reset && m.method == 2);
    CHECK_OUT("purgatory: reset, method 2\n");
}

static void unknown_reset_method_fails(void)
{
    program();
    console();
    begin(18, REQUIRED); op(5); end();
    fallback();
    begin(18, REQUIRED); op(1); end();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_RESET);
    CHECK(m.method == 1);
    CHECK_OUT("purgatory: step 1 (kind 18) failed: unknown reset method 5; running fallback\n");
}

/* ---------------- rejected programs ---------------- */

static void nothing_happened(void)
{
    CHECK(m.inb_count == 0 && m.outb_count == 0 && !m.jumped && !m.halted && !m.reset);
}

static void bad_magic_is_rejected(void)
{
    program();
    halt_step(1);
    size_t len = finish(1, 100);
    P[1] ^= 0x20;
    CHECK(run(len) == PG_BAD_MAGIC);
    nothing_happened();
}

static void other_byte_order_is_a_bad_magic(void)
{
    program();
    halt_step(1);
    size_t len = finish(1, 100);
    uint8_t t = P[0]; P[0] = P[3]; P[3] = t;
    t = P[1]; P[1] = P[2]; P[2] = t;
    CHECK(run(len) == PG_BAD_MAGIC);
}

static void bad_version_is_rejected(void)
{
    program();
    halt_step(1);
    size_t len = finish(1, 100);
    put(4, 2, 2);
    CHECK(run(len) == PG_BAD_VERSION);
    nothing_happened();
}

static void malformed_programs_are_rejected(void)
{
    for (int variant = 0; variant < 11; variant++) {
        reset_machine();
        program();
        console();
        print("abc");
        size_t print_at = step_start;
        static const struct seg one = { 0x10000, 5000, 8192 };
        verify(REQUIRED, 4096, &one, 1);
        size_t verify_at = step_start;
        halt_step(1);
        size_t len = finish(1, 100);
        switch (variant) {
        case 0: put(print_at + 4, 0x1000, 4); break;              /* runs past total_length */
        case 1: put(print_at + 4, 20, 4); break;                  /* not a multiple of 8 */
        case 2: put(print_at + 4, 8, 4); break;                   /* shorter than the header */
        case 3: put(0x14, len + 8, 4); break;                     /* total_length > param_len */
        case 4: put(print_at + 16, 9, 8); break;                  /* text longer than its record */
        case 5: put(verify_at + 32 + 24, 3, 8); break;            /* digests past the record */
        case 6: put(verify_at + 24, 2, 8); break;                 /* segments past the record */
        case 7: put(8, 0x34, 4); break;                           /* steps_offset misaligned */
        case 8: put(6, 9, 2); break;                              /* more steps than the area holds */
        case 9: put(0x0C, 1, 4); put(0x10, 0x08, 4); break;       /* fallback inside the header */
        case 10: len = 0x20; break;                               /* area shorter than its header */
        }
        int rc = run(len);
        if (rc != PG_MALFORMED)
            printf("    variant %d returned %d\n", variant, rc);
        CHECK(rc == PG_MALFORMED);
        nothing_happened();
    }
}

static void null_arguments_are_refused(void)
{
    purgatory_host_hal partial = hal;
    partial.reset = NULL;
    program();
    halt_step(1);
    size_t len = finish(1, 100);
    CHECK(purgatory_host_run(NULL, P, len) == PURGATORY_HOST_NULL_ARGUMENT);
    CHECK(purgatory_host_run(&hal, NULL, len) == PURGATORY_HOST_NULL_ARGUMENT);
    CHECK(purgatory_host_run(&partial, P, len) == PURGATORY_HOST_NULL_ARGUMENT);
    nothing_happened();
}

/* ---------------- bounded waits ---------------- */

#define CAP 5000u
#define SLACK 8u /* the rtc step's read of register B and the reads of one clock look */

static void stuck_uart_program(void)
{
    program();
    rtc();
    console();
    print("hello\n");
    print("again\n");
    jump();
}

static void uart_that_never_empties_costs_at_most_the_cap(void)
{
    m.thr_stuck = 1;
    program();
    console();
    print("hello\n");
    jump();
    CHECK(run(finish(1, CAP)) == PURGATORY_HOST_JUMPED); /* the handoff is not blocked */
    CHECK(m.out_len == 0);
    CHECK(m.inb_count >= CAP);
    CHECK(m.inb_count <= CAP + SLACK);
}

static void rtc_stuck_in_update_cannot_extend_the_wait(void)
{
    m.thr_stuck = 1;
    m.uip_stuck = 1;
    m.reads_per_second = 1;
    stuck_uart_program();
    CHECK(run(finish(1, CAP)) == PURGATORY_HOST_JUMPED);
    CHECK(m.inb_count <= CAP + SLACK);
}

static void frozen_rtc_cannot_extend_the_wait(void)
{
    m.thr_stuck = 1;
    m.reads_per_second = 0;
    stuck_uart_program();
    CHECK(run(finish(1, CAP)) == PURGATORY_HOST_JUMPED);
    CHECK(m.rtc_reads > 0); /* the clock was looked at */
    CHECK(m.inb_count <= CAP + SLACK);
}

static void advancing_rtc_ends_the_wait_before_the_cap(void)
{
    static const struct { uint8_t reg_b; uint32_t start; } clocks[] = {
        { 0x02, 12 * 3600 + 59 * 60 + 59 }, /* BCD, 24 h */
        { 0x06, 9 * 3600 + 30 * 60 },       /* binary, 24 h */
        { 0x00, 11 * 3600 + 59 * 60 + 59 }, /* BCD, 12 h, across noon */
        { 0x04, 23 * 3600 + 59 * 60 + 59 }, /* binary, 12 h, across midnight */
    };
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        reset_machine();
        m.thr_stuck = 1;
        m.reg_b = clocks[i].reg_b;
        m.now = clocks[i].start;
        m.reads_per_second = 40; /* 10 looks at the clock per simulated second */
        stuck_uart_program();
        CHECK(run(finish(1, 100000000)) == PURGATORY_HOST_JUMPED);
        /* two seconds of deadline: about 20 looks, 1024 polls each */
        if (m.inb_count > 40000)
            printf("    clock %zu: %llu reads\n", i, (unsigned long long)m.inb_count);
        CHECK(m.inb_count < 40000);
        CHECK(m.inb_count > 2 * 1024);
    }
}

static void rtc_that_is_not_running_fails_its_step(void)
{
    m.reg_b = 0x82; /* SET: updates stopped */
    program();
    console();
    rtc();
    halt_step(1);
    CHECK(run(finish(1, CAP)) == PURGATORY_HOST_HALTED);
    CHECK_OUT("purgatory: step 1 (kind 6) failed: rtc not running, register B 0x82; continuing\n");
}

static void rtc_step_reports_its_mode(void)
{
    m.reg_b = 0x06;
    program();
    console();
    rtc();
    halt_step(1);
    run(finish(1, CAP));
    CHECK_OUT("purgatory: rtc at 0x70, binary, 24h\n");
}

static void rtc_decoding(void)
{
    CHECK(pg_rtc_decode(0x59, 0x00, 60) == 59);
    CHECK(pg_rtc_decode(0x5A, 0x00, 60) == -1);
    CHECK(pg_rtc_decode(0x60, 0x00, 60) == -1);
    CHECK(pg_rtc_decode(59, 0x04, 60) == 59);
    CHECK(pg_rtc_decode(60, 0x04, 60) == -1);
    CHECK(pg_rtc_decode(0x23, 0x02, 24) == 23);
}

/* ---------------- main ---------------- */

#define RUN(fn) do { \
        reset_machine(); \
        current_failed = 0; \
        fn(); \
        if (current_failed) { failed_tests++; printf("FAIL %s\n", #fn); } \
        else { passed++; printf("ok   %s\n", #fn); } \
    } while (0)

int main(void)
{
#ifdef PURGATORY_TARGET_BIG_ENDIAN
    printf("purgatory runtime tests, big-endian target\n");
#else
    printf("purgatory runtime tests, little-endian target\n");
#endif
    RUN(sha256_abc);
    RUN(sha256_empty);
    RUN(sha256_two_blocks);
    RUN(sha256_million_a_in_uneven_pieces);
    RUN(console_init_programs_the_uart_and_prints_the_banner);
    RUN(print_step_sends_its_text);
    RUN(no_console_means_silence_but_the_program_runs);
    RUN(bad_baud_divisor_fails_the_console_step);
    RUN(digests_ok_then_jump);
    RUN(empty_segment_list_is_ok);
    RUN(one_corrupt_byte_names_segment_chunk_and_address);
    RUN(non_zero_tail_is_reported_with_its_address);
    RUN(last_byte_of_the_tail_is_checked);
    RUN(wrong_chunk_count_fails_the_step);
    RUN(copy_moves_the_bytes);
    RUN(overlapping_copy_fails);
    RUN(swap_exchanges_the_bytes);
    RUN(unknown_kind_best_effort_goes_on);
    RUN(unknown_kind_required_runs_the_fallback);
    RUN(reserved_kinds_are_not_implemented);
    RUN(fallback_failures_are_logged_and_skipped);
    RUN(program_without_handoff_runs_fallback_then_halts);
    RUN(reset_step_resets);
    RUN(unknown_reset_method_fails);
    RUN(bad_magic_is_rejected);
    RUN(other_byte_order_is_a_bad_magic);
    RUN(bad_version_is_rejected);
    RUN(malformed_programs_are_rejected);
    RUN(null_arguments_are_refused);
    RUN(uart_that_never_empties_costs_at_most_the_cap);
    RUN(rtc_stuck_in_update_cannot_extend_the_wait);
    RUN(frozen_rtc_cannot_extend_the_wait);
    RUN(advancing_rtc_ends_the_wait_before_the_cap);
    RUN(rtc_that_is_not_running_fails_its_step);
    RUN(rtc_step_reports_its_mode);
    RUN(rtc_decoding);
    printf("%d passed, %d failed\n", passed, failed_tests);
    return failed_tests ? 1 : 0;
}
