/*
 * Internal interfaces of the purgatory runtime. Freestanding: nothing here may come from libc.
 * All state lives in one context on the runtime's stack (no globals), so the host build is re-entrant.
 */
#ifndef PURGATORY_INTERNAL_H
#define PURGATORY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Bytes moved per hal_read/hal_write: memory is hashed and copied in bounded pieces. */
#define PG_BUF_SIZE 512u

/* How many polls of a bounded wait between two looks at the RTC. */
#define PG_RTC_EVERY 1024u

/* RTC deadline of one wait for the UART's transmit holding register, in seconds. */
#define PG_UART_DEADLINE_S 2u

struct pg_ctx {
    uint64_t iteration_cap;
    uint64_t budget_us;   /* reported in the banner */
    uint32_t step_count;  /* reported in the banner */
    uint16_t uart;        /* 16550 base port, 0 = no console */
    uint8_t uart_dead;    /* a wait for THR empty failed: stop printing */
    uint8_t rtc_on;
    uint16_t rtc_index;
    uint16_t rtc_data;
    uint8_t rtc_regb;     /* register B, read by the rtc step: BCD/binary, 12/24 h */
    uint8_t buf[PG_BUF_SIZE];
    uint8_t buf2[PG_BUF_SIZE];
};

/* lib.c: the few memory routines the runtime needs (no libc). */
void *pg_memcpy(void *dst, const void *src, size_t n);
void *pg_memset(void *dst, int v, size_t n);
int pg_memcmp(const void *a, const void *b, size_t n);
/* Offset of the first non-zero byte in p[0..n), or n when all are zero. */
size_t pg_first_nonzero(const void *p, size_t n);

/* sha256.c: SHA-256 (FIPS 180-4). */
struct pg_sha256 {
    uint32_t h[8];
    uint64_t total;       /* bytes hashed so far */
    uint8_t block[64];
    uint32_t fill;        /* bytes waiting in block */
};
void pg_sha256_init(struct pg_sha256 *s);
void pg_sha256_update(struct pg_sha256 *s, const void *data, size_t n);
void pg_sha256_final(struct pg_sha256 *s, uint8_t out[32]);
void pg_sha256(const void *data, size_t n, uint8_t out[32]);

/* wait.c: bounded waits (RTC deadline + iteration cap) and the CMOS clock. */
enum pg_wait_result { PG_WAIT_OK = 0, PG_WAIT_CAP = 1, PG_WAIT_DEADLINE = 2 };
/* One poll: reads hardware once (one port read), returns non-zero when the wait is over. */
typedef int (*pg_poll_fn)(struct pg_ctx *c, const void *arg);
enum pg_wait_result pg_wait(struct pg_ctx *c, pg_poll_fn poll, const void *arg, uint32_t deadline_s);
/* Seconds since midnight from the CMOS clock; *reads counts the port reads made. -1 if not readable now. */
int pg_rtc_now(struct pg_ctx *c, uint32_t *seconds, uint64_t *reads);
/* 0 <= value < limit after BCD/binary conversion per register B, else -1. */
int pg_rtc_decode(uint8_t raw, uint8_t regb, unsigned limit);

/* console.c: 16550 UART console. */
int pg_console_init(struct pg_ctx *c, uint16_t base, uint64_t divisor);
void pg_putc(struct pg_ctx *c, char ch);
void pg_puts(struct pg_ctx *c, const char *s);
void pg_putn(struct pg_ctx *c, const uint8_t *s, uint64_t n);
void pg_puthex(struct pg_ctx *c, uint64_t v);
void pg_putdec(struct pg_ctx *c, uint64_t v);
/* Waits until the transmitter has taken every byte (before a handoff). */
void pg_console_flush(struct pg_ctx *c);

#endif
