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

/*
 * A deadline measured on the CMOS clock in whole seconds (its resolution): it has passed once the clock
 * shows `seconds` more than at its start. A start the clock could not give (no rtc step yet, or an update
 * in progress) is taken at the first successful look instead.
 */
struct pg_deadline {
    uint32_t start;       /* seconds since midnight */
    uint32_t seconds;
    uint8_t started;
    uint8_t expired;      /* set when this deadline ended a wait */
};

/* The longest deadline: elapsed time is computed modulo one day. */
#define PG_DEADLINE_MAX_S 43200u

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
    uint8_t lw_begun;     /* a kind 7/8 step has started: lw runs */
    uint8_t lw_spent;     /* the last-words deadline has passed: kind 7/8 steps fail at once */
    struct pg_deadline lw; /* the last-words deadline (FORMAT.md section 7) */
    uint64_t lw_polls;    /* KCS polls so far: the clock is looked at every PG_RTC_EVERY of them */
    uint8_t buf[PG_BUF_SIZE];
    uint8_t buf2[PG_BUF_SIZE];
};

/* Why a step failed: a text, optionally followed by one number (decimal or hex). */
enum { NUM_NONE, NUM_DEC, NUM_HEX };
struct fail {
    const char *text;
    int num_kind;
    uint64_t num;
};

static inline int failed(struct fail *f, const char *text, int num_kind, uint64_t num)
{
    f->text = text;
    f->num_kind = num_kind;
    f->num = num;
    return -1;
}

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
/* Waits until poll says done, the cap is reached, or one of the n deadlines passes (each one that has
 * passed gets its expired flag). The clock is looked at whenever *polls, a count of polls the caller may
 * share among several waits, reaches a multiple of PG_RTC_EVERY; deadlines without a start get it then.
 * The cap counts this wait's port reads alone. */
enum pg_wait_result pg_wait_until(struct pg_ctx *c, pg_poll_fn poll, const void *arg,
                                  struct pg_deadline *const *deadlines, unsigned n, uint64_t *polls);
/* Starts a deadline of us microseconds (whole seconds, rounded down, at most PG_DEADLINE_MAX_S) now. */
void pg_deadline_start(struct pg_ctx *c, struct pg_deadline *d, uint64_t us);
/* One look at the clock: non-zero when the deadline has passed (a deadline without a start gets it). */
int pg_deadline_passed(struct pg_ctx *c, struct pg_deadline *d);
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
/* The reason of a failure: its text and number. */
void pg_put_fail(struct pg_ctx *c, const struct fail *f);
/* "purgatory: " and the text: how every step's console line starts. */
void pg_say(struct pg_ctx *c, const char *s);
/* Waits until the transmitter has taken every byte (before a handoff). */
void pg_console_flush(struct pg_ctx *c);

/* kcs.c: IPMI requests over the KCS system interface (FORMAT.md section 7). */
struct pg_kcs {
    uint16_t data;        /* data register */
    uint16_t status;      /* command (write) / status (read) register */
    uint64_t wait_us;     /* deadline of one transaction attempt */
    uint32_t retries;     /* attempts after the first, each after the abort recovery */
};
#define PG_IPMI_MAX_REQUEST  40u
#define PG_IPMI_MAX_RESPONSE 40u
/*
 * Sends request[0..n) ([NetFn<<2 | LUN, Cmd, data...]), reads the response, checks its header and prints
 * "purgatory: ipmi <label>: cc 0x.." or "...: failed: <reason>". Returns 0 when the completion code is
 * 0, else fills f. The last-words deadline must have been started (c->lw_begun).
 */
int pg_ipmi_request(struct pg_ctx *c, const struct pg_kcs *k, const uint8_t *request, unsigned n,
                    const uint8_t *label, unsigned label_len, struct fail *f);

/* lastwords.c: the step kinds 7 (ipmi-request) and 8 (cpu-ip-records); s is the step record. */
int pg_operands_fit_ipmi(const uint8_t *s, uint32_t len);
int pg_operands_fit_cpu_ip(const uint8_t *s, uint32_t len);
int pg_step_ipmi(struct pg_ctx *c, const uint8_t *s, struct fail *f);
int pg_step_cpu_ip(struct pg_ctx *c, const uint8_t *s, struct fail *f);

#endif
