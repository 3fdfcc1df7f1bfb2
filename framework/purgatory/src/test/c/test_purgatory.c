/*
 * Unit tests of the purgatory runtime, run through the host entry point (purgatory_host_run) against a
 * fake machine: 1 MiB of RAM, a 16550 UART that captures what is sent (or never empties its THR), a
 * CMOS clock that can be BCD or binary, 12 or 24 h, frozen, stuck in update, or advancing, and a BMC
 * behind a KCS interface (the BMC side of IPMI 2.0 section 9.15) that can be absent or misbehave.
 * Built four times: little- and big-endian target, each plain and with ASan/UBSan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal.h"
#include "pg_internal.h"
#include "purgatory.h"
#include "host/purgatory_host.h"
#include "program_encoder.h"
#include "test_arch.h"

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
#define KCS_DATA 0xCA2
#define KCS_STATUS 0xCA3

static uint8_t ram[RAM_SIZE];

/* How the fake BMC misbehaves. */
enum bmc_mode {
    BMC_OK,
    BMC_ABSENT,        /* nothing at the ports: every read is 0xFF */
    BMC_IBF_STUCK,     /* IBF never clears */
    BMC_ERROR_ONCE,    /* starts in the ERROR state; the abort sequence recovers it */
    BMC_ERROR_FOREVER, /* the status always shows the ERROR state */
    BMC_SLOW,          /* IBF clears only after slow_polls status reads */
    BMC_GARBAGE_CC,    /* every completion code is 0xD5 */
    BMC_DROPS,         /* responses are cut to resp_limit bytes */
    BMC_WRONG_HEADER,  /* responses lack the response bit in the NetFn */
    BMC_LONG,          /* responses of 45 bytes */
    BMC_NO_DUMMY,      /* no dummy byte (OBF) when the read ends in IDLE */
};

#define MAX_REQUESTS 300

static struct bmc {
    enum bmc_mode mode;
    unsigned slow_polls, resp_limit;
    /* the interface */
    uint8_t state, ibf, obf, data_out;
    unsigned ibf_hold;
    int write_end;
    uint8_t in[64];
    unsigned inlen;
    uint8_t out[64];
    unsigned outlen, outpos;
    /* the BMC */
    int watchdog_set;
    uint16_t next_record_id;
    /* what it saw */
    uint8_t req[MAX_REQUESTS][64];
    unsigned req_len[MAX_REQUESTS], requests;
    uint16_t wire[4096];  /* port writes: 0x100 | value for the command register, value for data */
    unsigned wire_len;
    uint64_t accesses, status_reads, aborts, writes_while_ibf, protocol_errors;
} bmc;

static struct machine {
    /* uart */
    uint8_t lcr, dll, dlm, fcr, ier, mcr;
    int thr_stuck;
    char stall_on;             /* once this character is sent, THR never empties again */
    char out[1 << 16];
    size_t out_len;
    /* rtc */
    uint8_t rtc_index, reg_a, reg_b;
    int uip_stuck;
    uint32_t now;              /* seconds since midnight */
    uint64_t reads_per_second; /* 0: the clock is frozen */
    uint64_t rtc_reads;
    uint64_t inb_per_second;   /* 0: port reads take no time; else the clock ticks every so many */
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

static void bmc_error(void)
{
    bmc.protocol_errors++;
    bmc.state = 3;
    bmc.out[0] = 0x02; /* status code: illegal control code */
    bmc.outlen = 1;
    bmc.outpos = 0;
}

/* The BMC executes a request: the response goes to bmc.out. */
static void bmc_execute(void)
{
    if (bmc.requests < MAX_REQUESTS) {
        memcpy(bmc.req[bmc.requests], bmc.in, bmc.inlen);
        bmc.req_len[bmc.requests] = bmc.inlen;
    }
    bmc.requests++;
    uint8_t netfn = bmc.in[0] >> 2, cmd = bmc.in[1];
    unsigned data = bmc.inlen - 2;
    bmc.out[0] = (uint8_t)(bmc.in[0] | 0x04);
    bmc.out[1] = cmd;
    bmc.out[2] = 0;
    bmc.outlen = 3;
    if (netfn == 0x06 && cmd == 0x01) {          /* Get Device ID */
        static const uint8_t id[15] = { 0x20, 0x81, 0x02, 0x05, 0x02, 0xBF, 0x57, 0x01, 0x00,
                                        0x34, 0x12, 0, 0, 0, 0 };
        memcpy(bmc.out + 3, id, sizeof id);
        bmc.outlen = 18;
    } else if (netfn == 0x06 && cmd == 0x24) {   /* Set Watchdog Timer */
        if (data == 6)
            bmc.watchdog_set = 1;
        else
            bmc.out[2] = 0xC7;
    } else if (netfn == 0x06 && cmd == 0x22) {   /* Reset Watchdog Timer */
        bmc.out[2] = bmc.watchdog_set ? 0x00 : 0x80;
    } else if (netfn == 0x04 && cmd == 0x02) {   /* Platform Event */
        bmc.out[2] = data == 8 ? 0x00 : 0xC7;
    } else if (netfn == 0x0A && cmd == 0x44) {   /* Add SEL Entry */
        if (data == 16) {
            bmc.out[3] = (uint8_t)bmc.next_record_id;
            bmc.out[4] = (uint8_t)(bmc.next_record_id >> 8);
            bmc.next_record_id++;
            bmc.outlen = 5;
        } else {
            bmc.out[2] = 0xC7;
        }
    } else {
        bmc.out[2] = 0xC1;                          /* invalid command */
    }
    if (bmc.mode == BMC_GARBAGE_CC)
        bmc.out[2] = 0xD5;
    if (bmc.mode == BMC_DROPS)
        bmc.outlen = bmc.resp_limit;
    if (bmc.mode == BMC_WRONG_HEADER)
        bmc.out[0] = bmc.in[0];
    if (bmc.mode == BMC_LONG) {
        for (unsigned i = 3; i < 45; i++)
            bmc.out[i] = (uint8_t)i;
        bmc.outlen = 45;
    }
}

static uint8_t kcs_status(void)
{
    bmc.status_reads++;
    if (bmc.ibf && bmc.ibf_hold && --bmc.ibf_hold == 0)
        bmc.ibf = 0;
    unsigned state = bmc.mode == BMC_ERROR_FOREVER ? 3 : bmc.state;
    return (uint8_t)(state << 6 | bmc.ibf << 1 | bmc.obf);
}

static uint8_t kcs_read_data(void)
{
    bmc.obf = 0;
    return bmc.data_out;
}

/* A write to the data (cmd = 0) or command (cmd = 1) register, as a BMC handles it. */
static void kcs_write(int cmd, uint8_t v)
{
    if (bmc.wire_len < sizeof bmc.wire / sizeof bmc.wire[0])
        bmc.wire[bmc.wire_len++] = (uint16_t)(cmd ? 0x100 | v : v);
    if (bmc.ibf) { /* the host must wait for IBF = 0: a write now is lost */
        bmc.writes_while_ibf++;
        return;
    }
    bmc.ibf = 1;
    if (cmd) {
        switch (v) {
        case 0x60: /* GET_STATUS/ABORT */
            bmc.aborts++;
            bmc.state = 3;
            bmc.out[0] = 0x01; /* status code: aborted */
            bmc.outlen = 1;
            bmc.outpos = 0;
            bmc.obf = 1;
            break;
        case 0x61: /* WRITE_START */
            if (bmc.state != 0) {
                bmc_error();
                break;
            }
            bmc.state = 2;
            bmc.inlen = 0;
            bmc.write_end = 0;
            bmc.obf = 1;
            break;
        case 0x62: /* WRITE_END */
            if (bmc.state != 2) {
                bmc_error();
                break;
            }
            bmc.write_end = 1;
            bmc.obf = 1;
            break;
        default:
            bmc_error();
        }
    } else {
        switch (bmc.state) {
        case 2: /* WRITE */
            if (bmc.inlen < sizeof bmc.in)
                bmc.in[bmc.inlen++] = v;
            if (bmc.write_end) {
                bmc.write_end = 0;
                bmc_execute();
                bmc.state = 1;
                bmc.outpos = 0;
                if (bmc.outlen == 0) { /* nothing to say: straight to IDLE */
                    bmc.state = 0;
                } else {
                    bmc.data_out = bmc.out[bmc.outpos++];
                }
            }
            bmc.obf = 1;
            break;
        case 1: /* READ */
            if (v != 0x68) {
                bmc_error();
                break;
            }
            if (bmc.outpos < bmc.outlen) {
                bmc.data_out = bmc.out[bmc.outpos++];
                bmc.obf = 1;
            } else {
                bmc.state = 0;
                bmc.obf = bmc.mode != BMC_NO_DUMMY; /* the dummy byte */
            }
            break;
        case 3: /* ERROR: any data byte asks for the status code */
            bmc.state = 1;
            bmc.outpos = 0;
            bmc.data_out = bmc.out[bmc.outpos++];
            bmc.obf = 1;
            break;
        default: /* IDLE: data without WRITE_START */
            bmc_error();
        }
    }
    if (bmc.mode == BMC_IBF_STUCK)
        return;
    if (bmc.mode == BMC_SLOW)
        bmc.ibf_hold = bmc.slow_polls;
    else
        bmc.ibf = 0;
}

static uint8_t fake_inb(uint16_t port)
{
    m.inb_count++;
    if (m.inb_per_second && m.inb_count % m.inb_per_second == 0)
        m.now = (m.now + 1) % 86400;
    if (port == KCS_DATA || port == KCS_STATUS) {
        bmc.accesses++;
        if (bmc.mode == BMC_ABSENT)
            return 0xFF;
        return port == KCS_STATUS ? kcs_status() : kcs_read_data();
    }
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
    if (port == KCS_DATA || port == KCS_STATUS) {
        bmc.accesses++;
        if (bmc.mode != BMC_ABSENT)
            kcs_write(port == KCS_STATUS, v);
        return;
    }
    switch (port) {
    case UART + 0:
        if (m.lcr & 0x80)
            m.dll = v;
        else if (m.out_len < sizeof m.out - 1)
            m.out[m.out_len++] = (char)v;
        if (m.stall_on && (char)v == m.stall_on)
            m.thr_stuck = 1;
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

/* the machine's arch callback: test_arch.c's jump (operation 1, the 17 registers) leaves purgatory */
static uint64_t fake_arch(uint32_t op, const uint64_t *args, uint32_t nargs, const void *data, uint64_t len,
                          uint32_t *stopped)
{
    (void)data;
    (void)len;
    if (op != TEST_ARCH_OP_JUMP || nargs != 17)
        return PURGATORY_HOST_NO_ARCH;
    fake_jump(args);
    *stopped = 1;
    return 0;
}

static const purgatory_host_hal hal = {
    fake_inb, fake_outb, fake_read, fake_write, fake_halt, fake_reset, fake_arch,
};

static void reset_machine(void)
{
    memset(&m, 0, sizeof m);
    memset(&bmc, 0, sizeof bmc);
    bmc.next_record_id = 1;
    m.reg_a = 0x26;
    m.reg_b = 0x02; /* BCD, 24 h */
    m.now = 12 * 3600;
    for (size_t i = 0; i < RAM_SIZE; i++)
        ram[i] = (uint8_t)(i * 7 + (i >> 9));
}

/* ---------------- programs: program_encoder.h ---------------- */

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
    CHECK(rc == PURGATORY_HOST_STOPPED);
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
        CHECK_OUT("purgatory: step 1 (verify-digests) failed: digest mismatch; running fallback\nfallback ran\n");
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
    CHECK_OUT("purgatory: step 1 (verify-digests) failed: non-zero zero tail; running fallback\n");
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
    CHECK_OUT("purgatory: step 1 (verify-digests) failed: wrong chunk count in segment 0; continuing\n");
}


/* ---------------- write and chained steps ---------------- */

static void write_puts_the_bytes_in_memory(void)
{
    const char marker[16] = "HANDOFF-MARKER-1";
    program();
    console();
    begin(9, REQUIRED); op(0x7000); op(sizeof marker); raw(marker, sizeof marker); end();
    halt_step(0);
    uint8_t after = ram[0x7000 + 16];
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK(!memcmp(ram + 0x7000, marker, sizeof marker));
    CHECK(ram[0x7000 + 16] == after);
    CHECK_OUT("purgatory: wrote 16 bytes at 0x7000\n");
}

static void write_longer_than_its_record_is_malformed(void)
{
    program();
    console();
    begin(9, REQUIRED); op(0x7000); op(64); op(0); end();
    halt_step(0);
    CHECK(run(finish(1, 100000)) == PG_MALFORMED);
}

static void chained_step_is_skipped_after_a_failure(void)
{
    program();
    console();
    begin(4, BEST_EFFORT); op(0x1000); op(0x1100); op(0x200); end(); /* fails: overlapping */
    begin(9, 2); op(0x7000); op(8); raw("SKIPPED!", 8); end();   /* after-success: skipped */
    begin(9, 2); op(0x7100); op(8); raw("SKIPPED2", 8); end();   /* chained after a skipped one: skipped */
    begin(9, BEST_EFFORT); op(0x7200); op(8); raw("RUNSANEW", 8); end();
    begin(9, 2); op(0x7300); op(8); raw("CHAINED!", 8); end();   /* the step before succeeded: runs */
    halt_step(0);
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK(memcmp(ram + 0x7000, "SKIPPED!", 8) != 0);
    CHECK(memcmp(ram + 0x7100, "SKIPPED2", 8) != 0);
    CHECK(!memcmp(ram + 0x7200, "RUNSANEW", 8));
    CHECK(!memcmp(ram + 0x7300, "CHAINED!", 8));
    CHECK_OUT("purgatory: step 2 (write) skipped: the step before did not succeed\n");
    CHECK_OUT("purgatory: step 3 (write) skipped: the step before did not succeed\n");
    CHECK_OUT("purgatory: wrote 8 bytes at 0x7300\n");
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
    CHECK_OUT("purgatory: step 1 (copy) failed: overlapping ranges; continuing\n");
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
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
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
    CHECK_OUT("purgatory: step 1 (reset) failed: unknown reset method 5; running fallback\n");
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

/* an architecture step that fails says why, not "unknown step kind" (PG_ARCH_UNKNOWN is not failed()'s -1) */
static void a_failing_architecture_step_reports_its_reason(void)
{
    purgatory_host_hal no_arch = hal;
    no_arch.arch = NULL;
    program();
    console();
    jump();
    fallback();
    halt_step(7);
    CHECK(purgatory_host_run(&no_arch, P, finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK_OUT("(jump) failed: the machine did not take the jump; running fallback");
    CHECK_NO_OUT("unknown step kind");
    CHECK(!m.jumped && m.halted && m.reason == 7);
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
    CHECK(run(finish(1, CAP)) == PURGATORY_HOST_STOPPED); /* the handoff is not blocked */
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
    CHECK(run(finish(1, CAP)) == PURGATORY_HOST_STOPPED);
    CHECK(m.inb_count <= CAP + SLACK);
}

static void frozen_rtc_cannot_extend_the_wait(void)
{
    m.thr_stuck = 1;
    m.reads_per_second = 0;
    stuck_uart_program();
    CHECK(run(finish(1, CAP)) == PURGATORY_HOST_STOPPED);
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
        CHECK(run(finish(1, 100000000)) == PURGATORY_HOST_STOPPED);
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
    CHECK_OUT("purgatory: step 1 (rtc) failed: rtc not running, register B 0x82; continuing\n");
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


/* ---------------- last words: IPMI over KCS (kinds 7 and 8) ---------------- */

struct kcs_cfg {
    uint64_t wait_us, retries, deadline_us;
};

static const struct kcs_cfg KCS_DEFAULT = { 5000000, 3, 10000000 };

static void transport_ops(const struct kcs_cfg *k)
{
    op(KCS_DATA);
    op(KCS_STATUS);
    op(k->wait_us);
    op(k->retries);
    op(k->deadline_us);
}

static void ipmi(uint16_t flags, const struct kcs_cfg *k, const uint8_t *req, size_t n, const char *label)
{
    begin(7, flags);
    transport_ops(k);
    op(n);
    raw(req, n);
    op(strlen(label));
    raw(label, strlen(label));
    end();
}

static const uint8_t GET_DEVICE_ID[] = { 0x18, 0x01 };
static const uint8_t WATCHDOG_SET_120[] = { 0x18, 0x24, 0x44, 0x01, 0x00, 0x00, 0xB0, 0x04 };
static const uint8_t WATCHDOG_RESET[] = { 0x18, 0x22 };
static const uint8_t PANIC_EVENT[] = { 0x10, 0x02, 0x43, 0x03, 0x20, 'K', 0x6F, 0xA1, 'e', 'r' };
static const uint8_t PANIC_TEXT[] = { 0x28, 0x44, 0x00, 0x00, 0xF0, 0x20, 0x00,
                                      'K', 'e', 'r', 'n', 'e', 'l', ' ', 'p', 'a', 'n', 'i' };

static int request_was(unsigned i, const uint8_t *want, size_t n)
{
    if (i >= bmc.requests || bmc.req_len[i] != n || memcmp(bmc.req[i], want, n)) {
        printf("    request %u:", i);
        for (unsigned k = 0; i < bmc.requests && k < bmc.req_len[i]; k++)
            printf(" %02x", bmc.req[i][k]);
        printf("\n");
        return 0;
    }
    return 1;
}

/* Simulated time since the run started (every run starts at noon). */
static uint64_t seconds_since_noon(void)
{
    return m.now - 12 * 3600;
}

static void watchdog_set_sends_its_bytes_and_reports_cc(void)
{
    program();
    rtc();
    console();
    ipmi(BEST_EFFORT, &KCS_DEFAULT, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120, "watchdog set 120 s");
    jump();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
    CHECK(bmc.requests == 1);
    CHECK(request_was(0, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120));
    CHECK(bmc.watchdog_set);
    CHECK_OUT("purgatory: ipmi watchdog set 120 s: cc 0x0\n");
    CHECK_NO_OUT("failed");
    CHECK(bmc.writes_while_ibf == 0 && bmc.protocol_errors == 0 && bmc.aborts == 0);
    CHECK(bmc.state == 0 && bmc.obf == 0); /* idle, the dummy byte taken */
}

static void the_wire_follows_the_kcs_write_and_read_flows(void)
{
    program();
    rtc();
    ipmi(BEST_EFFORT, &KCS_DEFAULT, GET_DEVICE_ID, sizeof GET_DEVICE_ID, "device id");
    jump();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
    /* WRITE_START, NetFn, WRITE_END, Cmd, then READ after each of the 18 response bytes */
    uint16_t want[4 + 18] = { 0x161, 0x18, 0x162, 0x01 };
    for (unsigned i = 4; i < 4 + 18; i++)
        want[i] = 0x68;
    CHECK(bmc.wire_len == 4 + 18);
    CHECK(!memcmp(bmc.wire, want, sizeof want));
    CHECK(bmc.requests == 1 && request_was(0, GET_DEVICE_ID, 2));
    /* every byte waits for IBF (and OBF when reading): the status is read before each step of the flow */
    CHECK(bmc.status_reads >= 4 + 2 * 18);
}

static void requests_in_sequence_get_their_answers(void)
{
    program();
    rtc();
    console();
    ipmi(BEST_EFFORT, &KCS_DEFAULT, GET_DEVICE_ID, sizeof GET_DEVICE_ID, "device id");
    ipmi(BEST_EFFORT, &KCS_DEFAULT, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120, "watchdog set 120 s");
    ipmi(BEST_EFFORT, &KCS_DEFAULT, WATCHDOG_RESET, sizeof WATCHDOG_RESET, "watchdog start");
    ipmi(BEST_EFFORT, &KCS_DEFAULT, PANIC_EVENT, sizeof PANIC_EVENT, "panic event");
    ipmi(BEST_EFFORT, &KCS_DEFAULT, PANIC_TEXT, sizeof PANIC_TEXT, "panic text 0");
    jump();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
    CHECK(bmc.requests == 5);
    CHECK(request_was(0, GET_DEVICE_ID, sizeof GET_DEVICE_ID));
    CHECK(request_was(1, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120));
    CHECK(request_was(2, WATCHDOG_RESET, sizeof WATCHDOG_RESET));
    CHECK(request_was(3, PANIC_EVENT, sizeof PANIC_EVENT));
    CHECK(request_was(4, PANIC_TEXT, sizeof PANIC_TEXT));
    CHECK_OUT("purgatory: ipmi device id: cc 0x0\npurgatory: ipmi watchdog set 120 s: cc 0x0\n"
              "purgatory: ipmi watchdog start: cc 0x0\npurgatory: ipmi panic event: cc 0x0\n"
              "purgatory: ipmi panic text 0: cc 0x0\n");
    CHECK(bmc.next_record_id == 2);
    CHECK(bmc.writes_while_ibf == 0 && bmc.protocol_errors == 0);
}

static void non_zero_completion_code_fails_the_step(void)
{
    program();
    rtc();
    console();
    ipmi(BEST_EFFORT, &KCS_DEFAULT, WATCHDOG_RESET, sizeof WATCHDOG_RESET, "watchdog start");
    jump();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
    CHECK_OUT("purgatory: ipmi watchdog start: cc 0x80\n"
              "purgatory: step 2 (ipmi-request) failed: completion code 0x80; continuing\n");
    CHECK(bmc.requests == 1); /* an answer is not retried */
}

static void required_ipmi_failure_runs_the_fallback(void)
{
    bmc.mode = BMC_ABSENT;
    program();
    rtc();
    console();
    ipmi(REQUIRED, &KCS_DEFAULT, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120, "watchdog set 120 s");
    jump();
    fallback();
    halt_step(4);
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
    CHECK_OUT("purgatory: ipmi watchdog set 120 s: failed: no device, status 0xff\n"
              "purgatory: step 2 (ipmi-request) failed: no device, status 0xff; running fallback\n");
    CHECK(m.reason == 4);
}

/* ---- faults: every one fails the step (best effort), costs a bounded time, and the jump happens ---- */

struct fault_case {
    const char *name;
    enum bmc_mode mode;
    unsigned param;            /* slow_polls or resp_limit */
    const char *line;          /* the console line of the request */
    uint64_t max_kcs_accesses; /* 0: bounded by time only */
};

static void run_fault(const struct fault_case *fc, const struct kcs_cfg *k, uint64_t cap)
{
    reset_machine();
    bmc.mode = fc->mode;
    bmc.slow_polls = bmc.resp_limit = fc->param;
    if (fc->mode == BMC_ERROR_FOREVER || fc->mode == BMC_ERROR_ONCE)
        bmc.state = 3;
    if (fc->mode == BMC_IBF_STUCK)
        bmc.ibf = 1;
    m.inb_per_second = 10000; /* about 1 us per port read would be 1e6; slower keeps the tests quick */
    program();
    rtc();
    console();
    ipmi(BEST_EFFORT, k, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120, "watchdog set 120 s");
    jump();
    int rc = run(finish(1, cap));
    current_failed = 0;
    CHECK(rc == PURGATORY_HOST_STOPPED);
    CHECK_OUT(fc->line);
    CHECK_OUT("purgatory: step 2 (ipmi-request) failed: ");
    if (fc->max_kcs_accesses && bmc.accesses > fc->max_kcs_accesses)
        printf("    %s: %llu kcs accesses, want at most %llu\n", fc->name, (unsigned long long)bmc.accesses,
               (unsigned long long)fc->max_kcs_accesses);
    CHECK(!fc->max_kcs_accesses || bmc.accesses <= fc->max_kcs_accesses);
    /* whatever the BMC does: the last-words deadline plus the clock's second plus the looks' slack */
    CHECK(seconds_since_noon() <= k->deadline_us / 1000000 + 2);
    if (current_failed || getenv("KCS_DEBUG"))
        printf("    in fault %s (%llu s, %llu kcs accesses)\n", fc->name,
               (unsigned long long)seconds_since_noon(), (unsigned long long)bmc.accesses);
}

static void every_fault_fails_the_step_within_its_bound(void)
{
    /* a request of 8 bytes makes 4 + 8 writes and reads at most 40 bytes: about 130 accesses */
    static const struct fault_case cases[] = {
        { "absent", BMC_ABSENT, 0, "purgatory: ipmi watchdog set 120 s: failed: no device, status 0xff\n", 1 },
        { "ibf stuck", BMC_IBF_STUCK, 0, "purgatory: ipmi watchdog set 120 s: failed: last-words deadline spent\n", 0 },
        { "error forever", BMC_ERROR_FOREVER, 0,
          "purgatory: ipmi watchdog set 120 s: failed: unexpected kcs state 3\n", 4 * 20 },
        { "slow", BMC_SLOW, 3000, "purgatory: ipmi watchdog set 120 s: failed: last-words deadline spent\n", 0 },
        { "garbage cc", BMC_GARBAGE_CC, 0, "purgatory: ipmi watchdog set 120 s: cc 0xd5\n", 200 },
        { "drops to 2", BMC_DROPS, 2, "purgatory: ipmi watchdog set 120 s: cc 0xff\n", 200 },
        { "drops to 1", BMC_DROPS, 1, "purgatory: ipmi watchdog set 120 s: failed: short response, bytes 1\n", 200 },
        { "drops all", BMC_DROPS, 0, "purgatory: ipmi watchdog set 120 s: failed: short response, bytes 0\n", 200 },
        { "wrong header", BMC_WRONG_HEADER, 0,
          "purgatory: ipmi watchdog set 120 s: failed: wrong response header 0x1824\n", 200 },
        { "long", BMC_LONG, 0, "purgatory: ipmi watchdog set 120 s: failed: response longer than 40 bytes\n", 300 },
    };
    const struct kcs_cfg k = { 2000000, 3, 5000000 };
    int any = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_fault(&cases[i], &k, 100000000);
        any |= current_failed;
    }
    current_failed = any;
}

static void slow_bmc_runs_out_of_attempt_time_then_retries(void)
{
    /* each byte takes 3000 polls (0.3 s): an 8-byte request cannot finish in a 2 s attempt */
    static const struct fault_case slow = {
        "slow, short attempts", BMC_SLOW, 3000,
        "purgatory: ipmi watchdog set 120 s: failed: timed out waiting for IBF=0\n", 0 };
    const struct kcs_cfg k = { 2000000, 2, 60000000 };
    run_fault(&slow, &k, 100000000);
    int f = current_failed;
    CHECK(bmc.aborts == 2);        /* one abort recovery before each retry */
    CHECK(bmc.requests == 0);      /* never got to WRITE_END */
    /* three attempts of 1..3 s each (whole RTC seconds), well inside the 60 s last words */
    CHECK(seconds_since_noon() >= 3 && seconds_since_noon() <= 3 * 3 + 1);
    current_failed |= f;
}

static void absent_bmc_costs_one_status_read_and_no_retry(void)
{
    bmc.mode = BMC_ABSENT;
    program();
    rtc();
    ipmi(BEST_EFFORT, &KCS_DEFAULT, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120, "watchdog set 120 s");
    ipmi(BEST_EFFORT, &KCS_DEFAULT, WATCHDOG_RESET, sizeof WATCHDOG_RESET, "watchdog start");
    jump();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
    CHECK(bmc.accesses == 2); /* one status read per step */
}

static void ibf_stuck_without_a_clock_costs_a_cap_per_attempt(void)
{
    bmc.mode = BMC_IBF_STUCK;
    bmc.ibf = 1;
    program(); /* no rtc step: only the iteration cap bounds the waits */
    console();
    ipmi(BEST_EFFORT, &KCS_DEFAULT, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120, "watchdog set 120 s");
    jump();
    CHECK(run(finish(1, CAP)) == PURGATORY_HOST_STOPPED);
    CHECK_OUT("purgatory: ipmi watchdog set 120 s: failed: timed out waiting for IBF=0\n");
    /* 1 + 3 retries: each fails its first wait for IBF, the first one of the abort recovery */
    CHECK(bmc.accesses == 4 * (uint64_t)CAP);
    CHECK(bmc.wire_len == 0); /* nothing was written into a busy interface */
}

static void error_state_once_is_recovered_by_the_abort_sequence(void)
{
    bmc.mode = BMC_ERROR_ONCE;
    bmc.state = 3;
    program();
    rtc();
    console();
    const struct kcs_cfg k = { 5000000, 1, 10000000 };
    ipmi(BEST_EFFORT, &k, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120, "watchdog set 120 s");
    jump();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
    CHECK_OUT("purgatory: ipmi watchdog set 120 s: cc 0x0\n");
    CHECK_NO_OUT("failed");
    CHECK(bmc.aborts == 1 && bmc.requests == 1);
    CHECK(request_was(0, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120));
    /* abort: GET_STATUS/ABORT, 0x00, READ for the status byte; then the request from WRITE_START */
    static const uint16_t want[] = { 0x160, 0x00, 0x68, 0x161, 0x18 };
    CHECK(bmc.wire_len > 5 && !memcmp(bmc.wire, want, sizeof want));
    CHECK(bmc.protocol_errors == 0 && bmc.writes_while_ibf == 0);
}

static void error_state_without_retries_fails(void)
{
    bmc.mode = BMC_ERROR_ONCE;
    bmc.state = 3;
    program();
    rtc();
    console();
    const struct kcs_cfg k = { 5000000, 0, 10000000 };
    ipmi(BEST_EFFORT, &k, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120, "watchdog set 120 s");
    jump();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
    CHECK_OUT("purgatory: ipmi watchdog set 120 s: failed: unexpected kcs state 3\n");
    CHECK(bmc.aborts == 0 && bmc.wire_len == 0 && bmc.accesses == 1);
}

static void bmc_without_the_dummy_byte_is_tolerated(void)
{
    bmc.mode = BMC_NO_DUMMY;
    program();
    rtc();
    console();
    ipmi(BEST_EFFORT, &KCS_DEFAULT, GET_DEVICE_ID, sizeof GET_DEVICE_ID, "device id");
    ipmi(BEST_EFFORT, &KCS_DEFAULT, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120, "watchdog set 120 s");
    jump();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
    CHECK_OUT("purgatory: ipmi device id: cc 0x0\npurgatory: ipmi watchdog set 120 s: cc 0x0\n");
    CHECK(bmc.requests == 2 && bmc.aborts == 0);
}

static void spent_deadline_skips_later_steps_without_touching_the_bmc(void)
{
    const struct kcs_cfg k = { 2000000, 10, 3000000 };
    uint64_t one_step_accesses = 0, one_step_rtc_reads = 0;
    for (int steps = 1; steps <= 3; steps += 2) {
        reset_machine();
        bmc.mode = BMC_IBF_STUCK;
        bmc.ibf = 1;
        m.inb_per_second = 10000;
        program();
        rtc();
        console();
        ipmi(BEST_EFFORT, &k, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120, "watchdog set 120 s");
        if (steps == 3) {
            ipmi(BEST_EFFORT, &k, WATCHDOG_RESET, sizeof WATCHDOG_RESET, "watchdog start");
            begin(8, BEST_EFFORT); transport_ops(&k); op(3); op(0xF0); op(1); op(0x1000); op(0x100); end();
        }
        jump();
        CHECK(run(finish(1, 100000000)) == PURGATORY_HOST_STOPPED);
        CHECK_OUT("purgatory: ipmi watchdog set 120 s: failed: last-words deadline spent\n");
        CHECK(seconds_since_noon() <= 3 + 2);
        if (steps == 1) {
            one_step_accesses = bmc.accesses;
            one_step_rtc_reads = m.rtc_reads;
        }
    }
    CHECK_OUT("purgatory: ipmi watchdog start: skipped: last-words deadline spent\n"
              "purgatory: step 3 (ipmi-request) failed: last-words deadline spent; continuing\n");
    CHECK_OUT("purgatory: ipmi cpu-ip records: skipped: last-words deadline spent\n"
              "purgatory: step 4 (cpu-ip-records) failed: last-words deadline spent; continuing\n");
    CHECK_NO_OUT("purgatory: cpu 0");
    CHECK(bmc.accesses == one_step_accesses);
    CHECK(m.rtc_reads == one_step_rtc_reads); /* no looks at the clock either */
}

static void deadline_passed_between_steps_is_noticed_at_the_next_step(void)
{
    /* the first request succeeds at once; then the UART stalls after a '~' and its wait spends 2 s */
    program();
    rtc();
    console();
    const struct kcs_cfg k = { 2000000, 3, 1000000 };
    ipmi(BEST_EFFORT, &k, GET_DEVICE_ID, sizeof GET_DEVICE_ID, "device id");
    print("~stall\n");
    ipmi(BEST_EFFORT, &k, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120, "watchdog set 120 s");
    jump();
    m.inb_per_second = 10000;
    m.stall_on = '~';
    CHECK(run(finish(1, 100000000)) == PURGATORY_HOST_STOPPED);
    CHECK_OUT("purgatory: ipmi device id: cc 0x0\n~");
    CHECK(bmc.requests == 1);
    CHECK(bmc.wire_len == 4 + 18); /* the first request's writes only */
    CHECK(seconds_since_noon() >= 2);
}

/* ---------------- cpu-ip-records ---------------- */

static void put_ram(uint64_t at, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
#ifdef PURGATORY_TARGET_BIG_ENDIAN
        ram[at + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
#else
        ram[at + i] = (uint8_t)(v >> (8 * i));
#endif
    }
}

/* Writes one note at `at` in the target's byte order; returns the offset after it. */
static uint64_t note(uint64_t at, const char *name, uint32_t namesz, uint32_t type, uint32_t descsz,
                     uint64_t ip_at, uint64_t ip)
{
    put_ram(at, namesz, 4);
    put_ram(at + 4, descsz, 4);
    put_ram(at + 8, type, 4);
    memset(ram + at + 12, 0, ((namesz + 3) & ~3u) + ((descsz + 3) & ~3u));
    memcpy(ram + at + 12, name, namesz < strlen(name) ? namesz : strlen(name));
    uint64_t desc = at + 12 + ((namesz + 3) & ~3u);
    if (ip_at + 8 <= descsz)
        put_ram(desc + ip_at, ip, 8);
    return desc + ((descsz + 3) & ~3u);
}

#define PRSTATUS_SIZE 336 /* x86_64 struct elf_prstatus */
#define IP_OFFSET 0xF0

struct cpu_notes {
    uint64_t addr, size;
};

static void cpu_ip(uint16_t flags, const struct kcs_cfg *k, uint64_t record_flags, const struct cpu_notes *cpus,
                   size_t n)
{
    begin(8, flags);
    transport_ops(k);
    op(record_flags);
    op(IP_OFFSET);
    op(n);
    for (size_t i = 0; i < n; i++) {
        op(cpus[i].addr);
        op(cpus[i].size);
    }
    end();
}

static int sel_record_was(unsigned i, uint8_t cpu, uint64_t ip)
{
    uint8_t want[18] = { 0x28, 0x44, 0x00, 0x00, 0xF1, 0x20, cpu };
    for (unsigned k = 0; k < 8; k++)
        want[7 + k] = (uint8_t)(ip >> (8 * k));
    want[15] = 'H';
    want[16] = 'O';
    want[17] = 'F';
    return request_was(i, want, sizeof want);
}

static void cpu_ip_records_go_to_console_and_sel(void)
{
    /* cpu 0: one CORE/NT_PRSTATUS note, then Linux's empty closing note */
    uint64_t end0 = note(0x50000, "CORE", 5, 1, PRSTATUS_SIZE, IP_OFFSET, 0xffffffff81234567ull);
    note(end0, "", 0, 0, 0, 0, 0);
    /* cpu 1: another note first (a CORE note of another type, then a foreign name of type 1) */
    uint64_t at = note(0x51000, "CORE", 5, 2, 512, 0, 0);
    at = note(at, "LINUX", 6, 1, 16, 0, 0);
    at = note(at, "CORE", 5, 1, PRSTATUS_SIZE, IP_OFFSET, 0xffffffffa0001000ull);
    uint64_t size1 = at - 0x51000;
    /* cpu 2: not present; cpu 3: a descsz that runs past the buffer; cpu 4: too short for the ip */
    note(0x52000, "CORE", 5, 1, 4096, IP_OFFSET, 1);
    note(0x53000, "CORE", 5, 1, IP_OFFSET + 4, 0, 0);
    /* cpu 5: a namesz that runs past the buffer */
    put_ram(0x54000, 0xFFFFFFF0u, 4);
    put_ram(0x54004, PRSTATUS_SIZE, 4);
    put_ram(0x54008, 1, 4);
    memcpy(ram + 0x5400C, "CORE", 5);
    const struct cpu_notes cpus[] = {
        { 0x50000, 0x400 }, { 0x51000, size1 }, { 0, 0 }, { 0x52000, 0x400 }, { 0x53000, 0x400 },
        { 0x54000, 0x400 },
    };
    program();
    rtc();
    console();
    cpu_ip(BEST_EFFORT, &KCS_DEFAULT, 3, cpus, 6);
    jump();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
    CHECK_OUT("purgatory: cpu 0 ip 0xffffffff81234567\npurgatory: ipmi cpu 0 ip: cc 0x0\n"
              "purgatory: cpu 1 ip 0xffffffffa0001000\npurgatory: ipmi cpu 1 ip: cc 0x0\n"
              "purgatory: cpu 2: no NT_PRSTATUS\npurgatory: cpu 3: no NT_PRSTATUS\n"
              "purgatory: cpu 4: no NT_PRSTATUS\npurgatory: cpu 5: no NT_PRSTATUS\n"
              "purgatory: jump to");
    CHECK_NO_OUT("failed");
    CHECK(bmc.requests == 2);
    CHECK(sel_record_was(0, 0, 0xffffffff81234567ull));
    CHECK(sel_record_was(1, 1, 0xffffffffa0001000ull));
    CHECK(bmc.next_record_id == 3);
    CHECK(m.bad_access == 0);
}

static void notes_are_never_read_past_their_size(void)
{
    /* the ip lies 8 bytes past the end of the given size: not found, and nothing read beyond */
    note(0x50000, "CORE", 5, 1, PRSTATUS_SIZE, IP_OFFSET, 0x1234);
    const struct cpu_notes cpus[] = { { 0x50000, 12 + 8 + IP_OFFSET } };
    program();
    console();
    cpu_ip(BEST_EFFORT, &KCS_DEFAULT, 1, cpus, 1);
    halt_step(0);
    run(finish(1, 100000));
    CHECK_OUT("purgatory: cpu 0: no NT_PRSTATUS\n");
    /* the buffer at the very end of RAM: a walk past it would be a bad access */
    uint64_t at = RAM_SIZE - 0x200;
    uint64_t end = note(at, "CORE", 5, 3, 0x200 - 12 - 8, 0, 0);
    CHECK(end == RAM_SIZE);
    const struct cpu_notes last[] = { { at, 0x200 } };
    reset_machine();
    note(at, "CORE", 5, 3, 0x200 - 12 - 8, 0, 0);
    program();
    console();
    cpu_ip(BEST_EFFORT, &KCS_DEFAULT, 1, last, 1);
    halt_step(0);
    run(finish(1, 100000));
    CHECK_OUT("purgatory: cpu 0: no NT_PRSTATUS\n");
    CHECK(m.bad_access == 0);
}

static void cpus_above_255_are_on_the_console_only(void)
{
    static struct cpu_notes cpus[257];
    memset(cpus, 0, sizeof cpus);
    note(0x50000, "CORE", 5, 1, PRSTATUS_SIZE, IP_OFFSET, 0xabc);
    cpus[255] = (struct cpu_notes){ 0x50000, 0x200 };
    cpus[256] = (struct cpu_notes){ 0x50000, 0x200 };
    program();
    rtc();
    console();
    cpu_ip(BEST_EFFORT, &KCS_DEFAULT, 3, cpus, 257);
    jump();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
    CHECK_OUT("purgatory: cpu 255 ip 0xabc\npurgatory: ipmi cpu 255 ip: cc 0x0\npurgatory: cpu 256 ip 0xabc\n"
              "purgatory: jump");
    CHECK(bmc.requests == 1 && sel_record_was(0, 255, 0xabc));
}

static void console_only_records_do_not_touch_the_bmc(void)
{
    note(0x50000, "CORE", 5, 1, PRSTATUS_SIZE, IP_OFFSET, 0x42);
    const struct cpu_notes cpus[] = { { 0x50000, 0x200 } };
    program();
    rtc();
    console();
    cpu_ip(BEST_EFFORT, &KCS_DEFAULT, 1, cpus, 1);
    jump();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
    CHECK_OUT("purgatory: cpu 0 ip 0x42\n");
    CHECK(bmc.accesses == 0);
}

static void failed_sel_write_fails_the_step(void)
{
    bmc.mode = BMC_GARBAGE_CC;
    note(0x50000, "CORE", 5, 1, PRSTATUS_SIZE, IP_OFFSET, 0x42);
    const struct cpu_notes cpus[] = { { 0, 0 }, { 0x50000, 0x200 }, { 0x50000, 0x200 } };
    program();
    rtc();
    console();
    cpu_ip(BEST_EFFORT, &KCS_DEFAULT, 2, cpus, 3);
    jump();
    CHECK(run(finish(1, 100000)) == PURGATORY_HOST_STOPPED);
    CHECK_NO_OUT("purgatory: cpu 1 ip"); /* SEL only */
    CHECK_OUT("purgatory: ipmi cpu 1 ip: cc 0xd5\npurgatory: ipmi cpu 2 ip: cc 0xd5\n"
              "purgatory: step 2 (cpu-ip-records) failed: sel write failed for cpu 1; continuing\n");
    CHECK(bmc.requests == 2);
}

/* ---------------- last-words operands ---------------- */

static void bad_last_words_operands_fail_the_step(void)
{
    static const struct { int variant; const char *line; } cases[] = {
        { 0, "failed: bad request length 1;" },
        { 1, "failed: bad request length 41;" },
        { 2, "failed: bad label length 0;" },
        { 3, "failed: bad label length 65;" },
        { 4, "failed: bad kcs port 0x10000;" },
        { 5, "failed: too many retries 256;" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        reset_machine();
        uint8_t req[41] = { 0x18, 0x22 };
        char label[66];
        memset(label, 'x', sizeof label - 1);
        label[65] = 0;
        size_t n = cases[i].variant == 0 ? 1 : cases[i].variant == 1 ? 41 : 2;
        size_t l = cases[i].variant == 2 ? 0 : cases[i].variant == 3 ? 65 : 5;
        label[l] = 0;
        struct kcs_cfg k = KCS_DEFAULT;
        if (cases[i].variant == 5)
            k.retries = 256;
        program();
        console();
        ipmi(BEST_EFFORT, &k, req, n, label);
        if (cases[i].variant == 4)
            put(step_start + 16, 0x10000, 8);
        halt_step(0);
        CHECK(run(finish(1, 100000)) == PURGATORY_HOST_HALTED);
        CHECK_OUT(cases[i].line);
        CHECK(bmc.accesses == 0);
    }
}

static void last_words_records_past_their_length_are_malformed(void)
{
    for (int variant = 0; variant < 6; variant++) {
        reset_machine();
        program();
        console();
        if (variant < 4) {
            ipmi(BEST_EFFORT, &KCS_DEFAULT, WATCHDOG_SET_120, sizeof WATCHDOG_SET_120, "watchdog set 120 s");
            if (variant == 0)
                put(step_start + 56, 9 + 8 + 24 + 1, 8);       /* request past the record */
            if (variant == 1)
                put(step_start + 56 + 16, 25, 8);              /* label past the record */
            if (variant == 2)
                put(step_start + 56, 0xFFFFFFFFFFFFFFF9ull, 8); /* a length that wraps when padded */
            if (variant == 3) {                                 /* no room for the label length */
                put(step_start + 4, 16 + 40 + 8 + 8, 4);
                plen = step_start + 16 + 40 + 8 + 8;
            }
        } else {
            const struct cpu_notes cpus[] = { { 0x50000, 0x200 } };
            cpu_ip(BEST_EFFORT, &KCS_DEFAULT, 1, cpus, 1);
            if (variant == 4)
                put(step_start + 16 + 40 + 16, 2, 8);          /* two cpus, room for one */
            if (variant == 5)
                put(step_start + 16 + 40 + 16, 1ull << 60, 8); /* a count that overflows * 16 */
        }
        halt_step(1);
        int rc = run(finish(1, 100));
        if (rc != PG_MALFORMED)
            printf("    variant %d returned %d\n", variant, rc);
        CHECK(rc == PG_MALFORMED);
        nothing_happened();
    }
    /* the shortest records: no operands at all */
    reset_machine();
    program();
    begin(7, BEST_EFFORT); end();
    CHECK(run(finish(1, 100)) == PG_MALFORMED);
    program();
    begin(8, BEST_EFFORT); end();
    CHECK(run(finish(1, 100)) == PG_MALFORMED);
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
    setvbuf(stdout, NULL, _IOLBF, 0); /* a crash keeps what was printed */
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
    RUN(write_puts_the_bytes_in_memory);
    RUN(write_longer_than_its_record_is_malformed);
    RUN(chained_step_is_skipped_after_a_failure);
    RUN(copy_moves_the_bytes);
    RUN(overlapping_copy_fails);
    RUN(swap_exchanges_the_bytes);
    RUN(unknown_kind_best_effort_goes_on);
    RUN(unknown_kind_required_runs_the_fallback);
    RUN(fallback_failures_are_logged_and_skipped);
    RUN(program_without_handoff_runs_fallback_then_halts);
    RUN(reset_step_resets);
    RUN(unknown_reset_method_fails);
    RUN(bad_magic_is_rejected);
    RUN(other_byte_order_is_a_bad_magic);
    RUN(bad_version_is_rejected);
    RUN(malformed_programs_are_rejected);
    RUN(a_failing_architecture_step_reports_its_reason);
    RUN(null_arguments_are_refused);
    RUN(uart_that_never_empties_costs_at_most_the_cap);
    RUN(rtc_stuck_in_update_cannot_extend_the_wait);
    RUN(frozen_rtc_cannot_extend_the_wait);
    RUN(advancing_rtc_ends_the_wait_before_the_cap);
    RUN(rtc_that_is_not_running_fails_its_step);
    RUN(rtc_step_reports_its_mode);
    RUN(rtc_decoding);
    RUN(watchdog_set_sends_its_bytes_and_reports_cc);
    RUN(the_wire_follows_the_kcs_write_and_read_flows);
    RUN(requests_in_sequence_get_their_answers);
    RUN(non_zero_completion_code_fails_the_step);
    RUN(required_ipmi_failure_runs_the_fallback);
    RUN(every_fault_fails_the_step_within_its_bound);
    RUN(slow_bmc_runs_out_of_attempt_time_then_retries);
    RUN(absent_bmc_costs_one_status_read_and_no_retry);
    RUN(ibf_stuck_without_a_clock_costs_a_cap_per_attempt);
    RUN(error_state_once_is_recovered_by_the_abort_sequence);
    RUN(error_state_without_retries_fails);
    RUN(bmc_without_the_dummy_byte_is_tolerated);
    RUN(spent_deadline_skips_later_steps_without_touching_the_bmc);
    RUN(deadline_passed_between_steps_is_noticed_at_the_next_step);
    RUN(cpu_ip_records_go_to_console_and_sel);
    RUN(notes_are_never_read_past_their_size);
    RUN(cpus_above_255_are_on_the_console_only);
    RUN(console_only_records_do_not_touch_the_bmc);
    RUN(failed_sel_write_fails_the_step);
    RUN(bad_last_words_operands_fail_the_step);
    RUN(last_words_records_past_their_length_are_malformed);
    printf("%d passed, %d failed\n", passed, failed_tests);
    return failed_tests ? 1 : 0;
}
