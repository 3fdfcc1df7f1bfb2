/*
 * IPMI requests over the KCS system interface (IPMI 2.0 section 9.15), the transport of the last words
 * (FORMAT.md section 7). The host side of the spec's flows:
 *
 *   write:  wait IBF=0, state IDLE, clear OBF, cmd <- WRITE_START;
 *           per byte but the last: wait IBF=0, state WRITE, clear OBF, data <- byte;
 *           wait IBF=0, state WRITE, clear OBF, cmd <- WRITE_END;
 *           wait IBF=0, state WRITE, clear OBF, data <- last byte
 *   read:   wait IBF=0; READ: wait OBF=1, read a byte, data <- READ, again; IDLE: clear OBF, done
 *   abort:  wait IBF=0, clear OBF, cmd <- GET_STATUS/ABORT; wait IBF=0, clear OBF, data <- 0;
 *           wait IBF=0, state READ, wait OBF=1, read the status, data <- READ;
 *           wait IBF=0, state IDLE, wait OBF=1, clear OBF
 *
 * Every wait is bounded by the attempt's deadline, the last-words deadline and the iteration cap. A
 * status of 0xFF is what a read from an empty I/O port returns: no device, fail at once.
 * As Linux does, a BMC that never supplies the dummy byte at the end of a read is tolerated: an OBF
 * that comes late is cleared at the start of the next transaction.
 */
#include "hal.h"
#include "pg_internal.h"

#define KCS_OBF 0x01u
#define KCS_IBF 0x02u
#define KCS_STATE(status) (((status) >> 6) & 3u)
#define KCS_IDLE  0u
#define KCS_READ  1u
#define KCS_WRITE 2u
#define KCS_NO_DEVICE 0xFFu

#define KCS_GET_STATUS_ABORT 0x60u
#define KCS_WRITE_START      0x61u
#define KCS_WRITE_END        0x62u
#define KCS_READ_BYTE        0x68u

/* How an attempt ended. */
enum { R_OK = 0, R_RETRY, R_FATAL, R_TOO_LONG };

struct kcs_run {
    struct pg_ctx *c;
    const struct pg_kcs *k;
    uint8_t status;              /* the last status read */
    struct pg_deadline attempt;  /* the current attempt's deadline */
};

struct kcs_poll {
    uint16_t port;
    uint8_t mask;
    uint8_t want;
    uint8_t *status;
};

static int kcs_poll(struct pg_ctx *c, const void *arg)
{
    const struct kcs_poll *p = arg;
    (void)c;
    uint8_t st = hal_inb(p->port);
    *p->status = st;
    return st == KCS_NO_DEVICE || (st & p->mask) == p->want;
}

/* Waits until the status has (status & mask) == want; R_OK or why not. */
static int wait_status(struct kcs_run *r, uint8_t mask, uint8_t want, struct fail *f)
{
    struct pg_ctx *c = r->c;
    const struct kcs_poll p = { r->k->status, mask, want, &r->status };
    struct pg_deadline *const deadlines[2] = { &r->attempt, &c->lw };
    const char *what = mask == KCS_IBF ? "timed out waiting for IBF=0" : "timed out waiting for OBF=1";
    enum pg_wait_result w = pg_wait_until(c, kcs_poll, &p, deadlines, 2, &c->lw_polls);
    if (w == PG_WAIT_OK && r->status != KCS_NO_DEVICE)
        return R_OK;
    if (w == PG_WAIT_OK) {
        failed(f, "no device, status ", NUM_HEX, KCS_NO_DEVICE);
        return R_FATAL;
    }
    if (c->lw.expired) {
        c->lw_spent = 1;
        failed(f, "last-words deadline spent", NUM_NONE, 0);
        return R_FATAL;
    }
    failed(f, what, NUM_NONE, 0);
    return R_RETRY;
}

static int wait_ibf_clear(struct kcs_run *r, struct fail *f)
{
    return wait_status(r, KCS_IBF, 0, f);
}

static int wait_obf_set(struct kcs_run *r, struct fail *f)
{
    return wait_status(r, KCS_OBF, KCS_OBF, f);
}

static int expect_state(struct kcs_run *r, unsigned state, struct fail *f)
{
    if (KCS_STATE(r->status) == state)
        return R_OK;
    failed(f, "unexpected kcs state ", NUM_DEC, KCS_STATE(r->status));
    return R_RETRY;
}

/* Reads the data register when the last status showed a byte in it (the spec's "clear OBF"). */
static void clear_obf(struct kcs_run *r)
{
    if (r->status & KCS_OBF)
        (void)hal_inb(r->k->data);
}

/* Wait IBF=0, state WRITE, clear OBF: the BMC took the last byte or control code. */
static int write_ready(struct kcs_run *r, struct fail *f)
{
    int rc = wait_ibf_clear(r, f);
    if (rc == R_OK)
        rc = expect_state(r, KCS_WRITE, f);
    if (rc == R_OK)
        clear_obf(r);
    return rc;
}

static int transaction(struct kcs_run *r, const uint8_t *req, unsigned n, uint8_t *resp, unsigned *rlen,
                       struct fail *f)
{
    const struct pg_kcs *k = r->k;
    int rc;
    *rlen = 0;
    if ((rc = wait_ibf_clear(r, f)) || (rc = expect_state(r, KCS_IDLE, f)))
        return rc;
    clear_obf(r);
    hal_outb(k->status, KCS_WRITE_START);
    for (unsigned i = 0; i < n; i++) {
        if ((rc = write_ready(r, f)))
            return rc;
        if (i == n - 1) {
            hal_outb(k->status, KCS_WRITE_END);
            if ((rc = write_ready(r, f)))
                return rc;
        }
        hal_outb(k->data, req[i]);
    }
    for (;;) {
        if ((rc = wait_ibf_clear(r, f)))
            return rc;
        unsigned state = KCS_STATE(r->status);
        if (state == KCS_IDLE) {
            clear_obf(r); /* the dummy byte, when the BMC has supplied it already */
            return R_OK;
        }
        if ((rc = expect_state(r, KCS_READ, f)))
            return rc;
        if (*rlen == PG_IPMI_MAX_RESPONSE) {
            failed(f, "response longer than 40 bytes", NUM_NONE, 0);
            return R_TOO_LONG;
        }
        if ((rc = wait_obf_set(r, f)))
            return rc;
        resp[(*rlen)++] = hal_inb(k->data);
        hal_outb(k->data, KCS_READ_BYTE);
    }
}

/* The error exit: brings the interface back to IDLE. */
static int abort_recovery(struct kcs_run *r, struct fail *f)
{
    const struct pg_kcs *k = r->k;
    int rc;
    if ((rc = wait_ibf_clear(r, f)))
        return rc;
    clear_obf(r);
    hal_outb(k->status, KCS_GET_STATUS_ABORT);
    if ((rc = wait_ibf_clear(r, f)))
        return rc;
    clear_obf(r);
    hal_outb(k->data, 0x00);
    if ((rc = wait_ibf_clear(r, f)) || (rc = expect_state(r, KCS_READ, f)) || (rc = wait_obf_set(r, f)))
        return rc;
    (void)hal_inb(k->data); /* the interface's status code: the retry is the answer to any of them */
    hal_outb(k->data, KCS_READ_BYTE);
    if ((rc = wait_ibf_clear(r, f)) || (rc = expect_state(r, KCS_IDLE, f)) || (rc = wait_obf_set(r, f)))
        return rc;
    (void)hal_inb(k->data);
    return R_OK;
}

/* The transaction with its retries; 0 or -1 with f filled. */
static int transact(struct pg_ctx *c, const struct pg_kcs *k, const uint8_t *req, unsigned n,
                    uint8_t *resp, unsigned *rlen, struct fail *f)
{
    struct kcs_run r;
    r.c = c;
    r.k = k;
    r.status = 0;
    for (uint32_t attempt = 0;; attempt++) {
        /* the abort before a retry is part of that retry's attempt */
        pg_deadline_start(c, &r.attempt, k->wait_us);
        int rc = attempt ? abort_recovery(&r, f) : R_OK;
        if (rc == R_OK)
            rc = transaction(&r, req, n, resp, rlen, f);
        if (rc == R_OK)
            return 0;
        if (rc == R_TOO_LONG) {
            /* leave the interface idle for whoever comes next; a retry would read the same response */
            struct fail ignored;
            pg_deadline_start(c, &r.attempt, k->wait_us);
            (void)abort_recovery(&r, &ignored);
            return -1;
        }
        if (rc == R_FATAL || attempt >= k->retries)
            return -1;
    }
}

static void ipmi_line(struct pg_ctx *c, const uint8_t *label, unsigned label_len)
{
    pg_puts(c, "purgatory: ipmi ");
    pg_putn(c, label, label_len);
    pg_puts(c, ": ");
}

int pg_ipmi_request(struct pg_ctx *c, const struct pg_kcs *k, const uint8_t *request, unsigned n,
                    const uint8_t *label, unsigned label_len, struct fail *f)
{
    uint8_t resp[PG_IPMI_MAX_RESPONSE];
    unsigned rlen = 0;
    if (c->lw_spent) {
        ipmi_line(c, label, label_len);
        pg_puts(c, "skipped: last-words deadline spent\n");
        return failed(f, "last-words deadline spent", NUM_NONE, 0);
    }
    int rc = transact(c, k, request, n, resp, &rlen, f);
    if (rc == 0 && rlen < 2)
        rc = failed(f, "short response, bytes ", NUM_DEC, rlen);
    /* (NetFn | 1) << 2 | LUN is the request's first byte with the response bit (bit 2) set */
    if (rc == 0 && (resp[0] != (request[0] | 0x04u) || resp[1] != request[1]))
        rc = failed(f, "wrong response header ", NUM_HEX, (uint64_t)resp[0] << 8 | resp[1]);
    ipmi_line(c, label, label_len);
    if (rc) {
        pg_puts(c, "failed: ");
        pg_put_fail(c, f);
        pg_putc(c, '\n');
        return -1;
    }
    /* as Linux: a response of only header and Cmd carries the unspecified error 0xFF */
    uint8_t cc = rlen >= 3 ? resp[2] : 0xFF;
    pg_puts(c, "cc ");
    pg_puthex(c, cc);
    pg_putc(c, '\n');
    if (cc)
        return failed(f, "completion code ", NUM_HEX, cc);
    return 0;
}
