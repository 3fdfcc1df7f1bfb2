/*
 * Unit tests of the toy-enter step through the host entry point (purgatory_host_run) against a fake board:
 * 64 KiB of RAM, a UART at 0x3f8 that records what it is sent, and an arch callback that answers the doorbell
 * and records the jump of host-toyarch.c. build-plugin.sh test runs it plain and with ASan/UBSan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "host/purgatory_host.h"
#include "program_encoder.h"
#include "steps-toyarch.h"

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
    int entered, halted, rings;
    uint64_t entry, arg, rung, reason, ack;
    uint8_t lcr;
    char console[512];
    size_t console_len;
} m;

static uint8_t fake_inb(uint16_t port) { return port == 0x3f8 + 5 ? 0x20 : 0xFF; }

static void fake_outb(uint16_t port, uint8_t v)
{
    if (port == 0x3f8 + 3)
        m.lcr = v;
    else if (port == 0x3f8 && !(m.lcr & 0x80) && m.console_len < sizeof m.console - 1)
        m.console[m.console_len++] = (char)v;
}

static void fake_read(uint64_t a, void *b, uint64_t n) { memcpy(b, ram + a, n); }
static void fake_write(uint64_t a, const void *b, uint64_t n) { memcpy(ram + a, b, n); }
static void fake_halt(uint64_t reason) { m.halted = 1; m.reason = reason; }
static void fake_reset(uint64_t method) { (void)method; }

/* the board's arch callback: what host-toyarch.c forwards */
static uint64_t fake_arch(uint32_t op, const uint64_t *args, uint32_t nargs, const void *data, uint64_t len,
                          uint32_t *stopped)
{
    (void)data;
    (void)len;
    switch (op) {
    case TOYARCH_OP_DOORBELL:
        m.rings++;
        m.rung = nargs >= 1 ? args[0] : 0;
        return m.ack;
    case TOYARCH_OP_ENTER:
        m.entered = 1;
        m.entry = args[0];
        m.arg = nargs >= 2 ? args[1] : 0;
        *stopped = 1;
        return 0;
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

static void fresh(void)
{
    program();
    memset(&m, 0, sizeof m);
    m.ack = TOY_DOORBELL_ACK;
}

static void console(void) { begin(1, BEST_EFFORT); op(0x3f8); op(1); end(); }
static void toy_enter(uint64_t entry, uint64_t arg) { begin(K_TOY_ENTER, REQUIRED); op(entry); op(arg); end(); }
static void halt_fallback(uint64_t reason) { fallback(); begin(17, REQUIRED); op(reason); end(); }

static void toy_enter_rings_the_doorbell_then_enters_with_the_argument(void)
{
    fresh();
    console();
    toy_enter(0x8010000, 0x8000000);
    halt_fallback(1);
    int rc = purgatory_host_run(&hal, P, finish(0, 1000));
    CHECK(rc == PURGATORY_HOST_STOPPED);
    CHECK(m.rings == 1 && m.rung == 0x8010000);
    CHECK(m.entered && m.entry == 0x8010000 && m.arg == 0x8000000);
    CHECK(!m.halted);
    CHECK(strstr(m.console, "purgatory: toy enter 0x8010000 arg 0x8000000\n") != NULL);
}

static void a_doorbell_that_does_not_acknowledge_fails_the_step_into_the_fallback(void)
{
    fresh();
    m.ack = 0;
    console();
    toy_enter(0x8010000, 0);
    halt_fallback(1);
    int rc = purgatory_host_run(&hal, P, finish(0, 1000));
    CHECK(rc == PURGATORY_HOST_HALTED);
    CHECK(m.rings == 1 && !m.entered);
    CHECK(m.halted && m.reason == 1);
    CHECK(strstr(m.console, "(toy-enter) failed: boot doorbell not acknowledged, ack 0x0; running fallback\n") != NULL);
}

static void without_an_arch_callback_the_step_fails_by_its_flags(void)
{
    fresh();
    toy_enter(0x8010000, 0);
    halt_fallback(7);
    int rc = purgatory_host_run(&plain, P, finish(0, 1000));
    CHECK(rc == PURGATORY_HOST_HALTED);
    CHECK(!m.entered && m.halted && m.reason == 7);
}

static void a_toy_enter_without_its_argument_is_malformed(void)
{
    fresh();
    begin(K_TOY_ENTER, REQUIRED);
    op(0x8010000);
    end();
    int rc = purgatory_host_run(&hal, P, finish(0, 1000));
    CHECK(rc == -3);
    CHECK(m.rings == 0 && !m.entered);
}

static void a_kind_of_the_range_that_is_not_toy_enter_is_unknown(void)
{
    fresh();
    console();
    begin(0x101, BEST_EFFORT);
    op(1);
    end();
    toy_enter(0x9000000, 5);
    int rc = purgatory_host_run(&hal, P, finish(0, 1000));
    CHECK(rc == PURGATORY_HOST_STOPPED);
    CHECK(strstr(m.console, "unknown step kind 257") != NULL);
    CHECK(m.entered && m.entry == 0x9000000 && m.arg == 5);
}

#define RUN(t) do { \
        current_failed = 0; \
        t(); \
        if (current_failed) { failed_tests++; printf("FAIL %s\n", #t); } \
        else { passed++; printf("ok   %s\n", #t); } \
    } while (0)

int main(void)
{
    RUN(toy_enter_rings_the_doorbell_then_enters_with_the_argument);
    RUN(a_doorbell_that_does_not_acknowledge_fails_the_step_into_the_fallback);
    RUN(without_an_arch_callback_the_step_fails_by_its_flags);
    RUN(a_toy_enter_without_its_argument_is_malformed);
    RUN(a_kind_of_the_range_that_is_not_toy_enter_is_unknown);
    printf("%d passed, %d failed\n", passed, failed_tests);
    return failed_tests != 0;
}
