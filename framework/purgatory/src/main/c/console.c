/*
 * The console: a 16550-compatible UART on I/O ports. Output only; every byte waits (bounded) for the
 * transmit holding register. The first wait that fails marks the console dead so that a missing or
 * wedged UART costs one bounded wait, not one per byte.
 */
#include "hal.h"
#include "pg_internal.h"

#define UART_THR 0  /* transmit holding register (DLAB = 0) */
#define UART_DLL 0  /* divisor latch low (DLAB = 1) */
#define UART_IER 1  /* interrupt enable (DLAB = 0) */
#define UART_DLM 1  /* divisor latch high (DLAB = 1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_DLAB 0x80
#define LCR_8N1  0x03
#define FCR_FIFO 0x07  /* enable, clear receive and transmit FIFOs */
#define MCR_DTR_RTS 0x03
#define LSR_THRE 0x20

static int thr_empty(struct pg_ctx *c, const void *arg)
{
    (void)arg;
    return (hal_inb((uint16_t)(c->uart + UART_LSR)) & LSR_THRE) != 0;
}

int pg_console_init(struct pg_ctx *c, uint16_t base, uint64_t divisor)
{
    c->uart = 0;
    c->uart_dead = 0;
    if (base == 0)
        return 0;
    if (divisor == 0 || divisor > 0xFFFF)
        return -1;
    hal_outb((uint16_t)(base + UART_IER), 0);
    hal_outb((uint16_t)(base + UART_LCR), LCR_DLAB);
    hal_outb((uint16_t)(base + UART_DLL), (uint8_t)divisor);
    hal_outb((uint16_t)(base + UART_DLM), (uint8_t)(divisor >> 8));
    hal_outb((uint16_t)(base + UART_LCR), LCR_8N1);
    hal_outb((uint16_t)(base + UART_FCR), FCR_FIFO);
    hal_outb((uint16_t)(base + UART_MCR), MCR_DTR_RTS);
    c->uart = base;
    return 0;
}

void pg_putc(struct pg_ctx *c, char ch)
{
    if (!c->uart || c->uart_dead)
        return;
    if (pg_wait(c, thr_empty, 0, PG_UART_DEADLINE_S) != PG_WAIT_OK) {
        c->uart_dead = 1;
        return;
    }
    hal_outb((uint16_t)(c->uart + UART_THR), (uint8_t)ch);
}

void pg_console_flush(struct pg_ctx *c)
{
    if (c->uart && !c->uart_dead && pg_wait(c, thr_empty, 0, PG_UART_DEADLINE_S) != PG_WAIT_OK)
        c->uart_dead = 1;
}

void pg_puts(struct pg_ctx *c, const char *s)
{
    while (*s)
        pg_putc(c, *s++);
}

void pg_putn(struct pg_ctx *c, const uint8_t *s, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        pg_putc(c, (char)s[i]);
}

void pg_puthex(struct pg_ctx *c, uint64_t v)
{
    char digits[16];
    unsigned n = 0;
    do {
        unsigned d = (unsigned)(v & 0xF);
        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v >>= 4;
    } while (v);
    pg_putc(c, '0');
    pg_putc(c, 'x');
    while (n)
        pg_putc(c, digits[--n]);
}

void pg_putdec(struct pg_ctx *c, uint64_t v)
{
    char digits[20];
    unsigned n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        pg_putc(c, digits[--n]);
}

void pg_put_fail(struct pg_ctx *c, const struct fail *f)
{
    pg_puts(c, f->text);
    if (f->num_kind == NUM_DEC)
        pg_putdec(c, f->num);
    else if (f->num_kind == NUM_HEX)
        pg_puthex(c, f->num);
}

void pg_say(struct pg_ctx *c, const char *s)
{
    pg_puts(c, "purgatory: ");
    pg_puts(c, s);
}
