/*
 * Bounded waits: every loop that waits for hardware ends on an RTC deadline or on the iteration cap,
 * whichever comes first, so a dead device or a stuck clock cannot hang the handoff (FORMAT.md section 4).
 *
 * The cap counts port reads: one per poll plus the reads spent on the clock, so a wait never makes more
 * than iteration_cap + 4 reads. The clock is first read after PG_RTC_EVERY polls, not at the start, so
 * the common case (the device is ready at once) costs no clock reads at all.
 *
 * pg_wait measures one deadline from the wait's first look at the clock; pg_wait_until takes deadlines
 * that began earlier (a KCS attempt, the last words) and a poll count shared by many waits.
 */
#include "hal.h"
#include "pg_internal.h"

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS   0x04
#define RTC_REG_A   0x0A
#define RTC_UIP     0x80
#define RTC_BINARY  0x04  /* register B: clear means BCD */
#define RTC_24H     0x02  /* register B: clear means 12-hour, bit 7 of the hours = PM */
#define DAY_S       86400u

static uint8_t rtc_reg(struct pg_ctx *c, uint8_t reg)
{
    hal_outb(c->rtc_index, reg);
    return hal_inb(c->rtc_data);
}

int pg_rtc_decode(uint8_t raw, uint8_t regb, unsigned limit)
{
    unsigned v = raw;
    if (!(regb & RTC_BINARY)) {
        if ((raw & 0x0F) > 9 || (raw >> 4) > 9)
            return -1;
        v = (raw >> 4) * 10u + (raw & 0x0Fu);
    }
    return v < limit ? (int)v : -1;
}

int pg_rtc_now(struct pg_ctx *c, uint32_t *seconds, uint64_t *reads)
{
    if (!c->rtc_on)
        return -1;
    /* Update-in-progress is raised 244 us before the registers change: once clear, the next three
     * reads are consistent. When it is set we do not wait; the caller looks again later. */
    (*reads)++;
    if (rtc_reg(c, RTC_REG_A) & RTC_UIP)
        return -1;
    uint8_t rs = rtc_reg(c, RTC_SECONDS);
    uint8_t rm = rtc_reg(c, RTC_MINUTES);
    uint8_t rh = rtc_reg(c, RTC_HOURS);
    *reads += 3;
    int pm = 0;
    if (!(c->rtc_regb & RTC_24H)) {
        pm = (rh & 0x80) != 0;
        rh &= 0x7F;
    }
    int s = pg_rtc_decode(rs, c->rtc_regb, 60);
    int m = pg_rtc_decode(rm, c->rtc_regb, 60);
    int h = pg_rtc_decode(rh, c->rtc_regb, (c->rtc_regb & RTC_24H) ? 24 : 13);
    if (s < 0 || m < 0 || h < 0)
        return -1;
    if (!(c->rtc_regb & RTC_24H)) {
        if (h == 0)
            return -1; /* 12-hour clocks count 1..12 */
        h = h % 12 + (pm ? 12 : 0);
    }
    *seconds = (uint32_t)h * 3600u + (uint32_t)m * 60u + (uint32_t)s;
    return 0;
}

/* Elapsed whole seconds since d started, midnight wrapping through the modulo. */
static uint32_t elapsed(const struct pg_deadline *d, uint32_t now)
{
    return (now + DAY_S - d->start) % DAY_S;
}

/* One successful look at the clock: starts the deadlines without a start, flags those that passed. */
static int look(struct pg_deadline *const *d, unsigned n, uint32_t now)
{
    int passed = 0;
    for (unsigned i = 0; i < n; i++) {
        if (!d[i]->started) {
            d[i]->start = now;
            d[i]->started = 1;
        } else if (elapsed(d[i], now) >= d[i]->seconds) {
            d[i]->expired = 1;
            passed = 1;
        }
    }
    return passed;
}

enum pg_wait_result pg_wait_until(struct pg_ctx *c, pg_poll_fn poll, const void *arg,
                                  struct pg_deadline *const *deadlines, unsigned n, uint64_t *polls)
{
    uint64_t spent = 0;
    for (;;) {
        if (poll(c, arg))
            return PG_WAIT_OK;
        spent++;
        ++*polls;
        if (spent >= c->iteration_cap)
            return PG_WAIT_CAP;
        if (c->rtc_on && *polls % PG_RTC_EVERY == 0) {
            uint32_t now;
            if (pg_rtc_now(c, &now, &spent) == 0 && look(deadlines, n, now))
                return PG_WAIT_DEADLINE;
            if (spent >= c->iteration_cap)
                return PG_WAIT_CAP;
        }
    }
}

enum pg_wait_result pg_wait(struct pg_ctx *c, pg_poll_fn poll, const void *arg, uint32_t deadline_s)
{
    /* the deadline starts at the first look, PG_RTC_EVERY polls in: a ready device never reads the clock */
    struct pg_deadline d = { 0, deadline_s, 0, 0 };
    struct pg_deadline *const list[1] = { &d };
    uint64_t polls = 0;
    return pg_wait_until(c, poll, arg, list, 1, &polls);
}

void pg_deadline_start(struct pg_ctx *c, struct pg_deadline *d, uint64_t us)
{
    uint64_t s = us / 1000000u;
    uint64_t reads = 0;
    uint32_t now;
    d->seconds = s < PG_DEADLINE_MAX_S ? (uint32_t)s : PG_DEADLINE_MAX_S;
    d->started = 0;
    d->expired = 0;
    if (pg_rtc_now(c, &now, &reads) == 0) {
        d->start = now;
        d->started = 1;
    }
}

int pg_deadline_passed(struct pg_ctx *c, struct pg_deadline *d)
{
    uint64_t reads = 0;
    uint32_t now;
    struct pg_deadline *const list[1] = { d };
    if (pg_rtc_now(c, &now, &reads) != 0)
        return 0;
    return look(list, 1, now);
}
