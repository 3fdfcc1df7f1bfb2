/*
 * The last-words steps (FORMAT.md section 7): kind 7, one IPMI request; kind 8, each CPU's instruction
 * pointer from its crash notes, to the console and as an OEM SEL record. Both share one deadline, counted
 * from the start of the first of them; once it has passed they fail at once, without touching the BMC.
 */
#include "hal.h"
#include "pg_bytes.h"
#include "pg_internal.h"

#define STEP_HEADER 16u
#define TRANSPORT   40u  /* data port, status port, wait_us, retries, deadline_us */
#define MAX_RETRIES 255u
#define MAX_LABEL   64u

#define CPU_IP_CONSOLE 0x1u
#define CPU_IP_SEL     0x2u

/* Only the start of a CPU's note buffer is walked (Linux's holds one NT_PRSTATUS, well under 1 KiB). */
#define NOTES_MAX 65536u
#define NT_PRSTATUS 1u

static uint64_t pad8(uint64_t n)
{
    return (n + 7) & ~(uint64_t)7;
}

int pg_operands_fit_ipmi(const uint8_t *s, uint32_t len)
{
    uint64_t pos = STEP_HEADER + TRANSPORT;
    if (len < pos + 8)
        return 0;
    uint64_t n = PG_LD64(s + pos);
    pos += 8;
    if (n > len - pos) /* len - pos is a multiple of 8, so pad8(n) fits too */
        return 0;
    pos += pad8(n);
    if (len - pos < 8)
        return 0;
    uint64_t l = PG_LD64(s + pos);
    pos += 8;
    return l <= len - pos;
}

int pg_operands_fit_cpu_ip(const uint8_t *s, uint32_t len)
{
    uint64_t pos = STEP_HEADER + TRANSPORT + 24;
    if (len < pos)
        return 0;
    return PG_LD64(s + pos - 8) <= (len - pos) / 16;
}

/* The transport operands; -1 with f filled when they are out of range. */
static int transport(const uint8_t *s, struct pg_kcs *k, uint64_t *deadline_us, struct fail *f)
{
    uint64_t data = PG_LD64(s + 16), status = PG_LD64(s + 24), retries = PG_LD64(s + 40);
    if (data > 0xFFFF || status > 0xFFFF)
        return failed(f, "bad kcs port ", NUM_HEX, data > 0xFFFF ? data : status);
    if (retries > MAX_RETRIES)
        return failed(f, "too many retries ", NUM_DEC, retries);
    k->data = (uint16_t)data;
    k->status = (uint16_t)status;
    k->wait_us = PG_LD64(s + 32);
    k->retries = (uint32_t)retries;
    *deadline_us = PG_LD64(s + 48);
    return 0;
}

/*
 * At the start of every kind 7/8 step: the first one starts the last-words deadline (its deadline_us
 * counts); the later ones look at the clock once to see whether it has passed. 0 = go on.
 */
static int last_words_begin(struct pg_ctx *c, uint64_t deadline_us)
{
    if (!c->lw_begun) {
        c->lw_begun = 1;
        pg_deadline_start(c, &c->lw, deadline_us);
        return 0;
    }
    if (!c->lw_spent && pg_deadline_passed(c, &c->lw))
        c->lw_spent = 1;
    return c->lw_spent ? -1 : 0;
}

static int skipped(struct pg_ctx *c, const uint8_t *label, uint64_t label_len, struct fail *f)
{
    pg_puts(c, "purgatory: ipmi ");
    pg_putn(c, label, label_len);
    pg_puts(c, ": skipped: last-words deadline spent\n");
    return failed(f, "last-words deadline spent", NUM_NONE, 0);
}

int pg_step_ipmi(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    struct pg_kcs k;
    uint64_t deadline_us;
    if (transport(s, &k, &deadline_us, f))
        return -1;
    const uint8_t *p = s + STEP_HEADER + TRANSPORT;
    uint64_t n = PG_LD64(p);
    const uint8_t *request = p + 8;
    uint64_t label_len = PG_LD64(request + pad8(n));
    const uint8_t *label = request + pad8(n) + 8;
    if (n < 2 || n > PG_IPMI_MAX_REQUEST)
        return failed(f, "bad request length ", NUM_DEC, n);
    if (label_len < 1 || label_len > MAX_LABEL)
        return failed(f, "bad label length ", NUM_DEC, label_len);
    if (last_words_begin(c, deadline_us))
        return skipped(c, label, label_len, f);
    return pg_ipmi_request(c, &k, request, (unsigned)n, label, (unsigned)label_len, f);
}

static uint64_t align4(uint64_t n)
{
    return (n + 3) & ~(uint64_t)3;
}

/*
 * Finds the first note named CORE of type NT_PRSTATUS in [addr, addr + size) and reads the u64 at
 * ip_offset in its descriptor. 0 when there is none: a note running past the buffer, or one too short
 * for the offset, ends the search, as does the empty note that closes Linux's buffers.
 */
static int find_ip(uint64_t addr, uint64_t size, uint64_t ip_offset, uint64_t *ip)
{
    if (size == 0 || addr + size - 1 < addr)
        return 0;
    if (size > NOTES_MAX)
        size = NOTES_MAX;
    uint64_t off = 0;
    while (size - off >= 12) { /* each note takes at least 12 bytes: at most NOTES_MAX / 12 rounds */
        uint8_t h[12];
        hal_read(addr + off, h, 12);
        uint64_t namesz = PG_LD32(h), descsz = PG_LD32(h + 4), type = PG_LD32(h + 8);
        if (namesz == 0 && descsz == 0 && type == 0)
            return 0;
        uint64_t name = off + 12, desc = name + align4(namesz);
        if (desc > size || descsz > size - desc)
            return 0;
        if (type == NT_PRSTATUS && (namesz == 4 || namesz == 5)) {
            uint8_t nm[5] = { 0 };
            hal_read(addr + name, nm, namesz);
            if (nm[0] == 'C' && nm[1] == 'O' && nm[2] == 'R' && nm[3] == 'E' && nm[4] == 0) {
                if (ip_offset > descsz || descsz - ip_offset < 8)
                    return 0;
                uint8_t v[8];
                hal_read(addr + desc + ip_offset, v, 8);
                *ip = PG_LD64(v);
                return 1;
            }
        }
        off = desc + align4(descsz);
        if (off > size)
            return 0;
    }
    return 0;
}

/* "cpu N ip" into out; returns its length. */
static unsigned cpu_label(uint64_t cpu, uint8_t *out)
{
    char digits[20];
    unsigned n = 0, len = 0;
    do {
        digits[n++] = (char)('0' + cpu % 10);
        cpu /= 10;
    } while (cpu);
    out[len++] = 'c';
    out[len++] = 'p';
    out[len++] = 'u';
    out[len++] = ' ';
    while (n)
        out[len++] = (uint8_t)digits[--n];
    out[len++] = ' ';
    out[len++] = 'i';
    out[len++] = 'p';
    return len;
}

int pg_step_cpu_ip(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    static const uint8_t records_label[] = "cpu-ip records";
    struct pg_kcs k;
    uint64_t deadline_us;
    if (transport(s, &k, &deadline_us, f))
        return -1;
    const uint8_t *p = s + STEP_HEADER + TRANSPORT;
    uint64_t flags = PG_LD64(p), ip_offset = PG_LD64(p + 8), cpus = PG_LD64(p + 16);
    if (last_words_begin(c, deadline_us))
        return skipped(c, records_label, sizeof records_label - 1, f);
    int sel_failed = 0;
    uint64_t first_failed = 0;
    for (uint64_t cpu = 0; cpu < cpus; cpu++) {
        uint64_t addr = PG_LD64(p + 24 + 16 * cpu), size = PG_LD64(p + 32 + 16 * cpu), ip = 0;
        int found = find_ip(addr, size, ip_offset, &ip);
        if (flags & CPU_IP_CONSOLE) {
            pg_puts(c, "purgatory: cpu ");
            pg_putdec(c, cpu);
            if (found) {
                pg_puts(c, " ip ");
                pg_puthex(c, ip);
                pg_putc(c, '\n');
            } else {
                pg_puts(c, ": no NT_PRSTATUS\n");
            }
        }
        if (!found || !(flags & CPU_IP_SEL) || cpu > 255)
            continue;
        /* Add SEL Entry: an OEM non-timestamped record, the BMC assigns the record id */
        uint8_t req[18] = { 0x0A << 2, 0x44, 0x00, 0x00, 0xF1, 0x20, (uint8_t)cpu };
        for (unsigned i = 0; i < 8; i++)
            req[7 + i] = (uint8_t)(ip >> (8 * i));
        req[15] = 'H';
        req[16] = 'O';
        req[17] = 'F';
        uint8_t label[32];
        struct fail ignored;
        if (pg_ipmi_request(c, &k, req, sizeof req, label, cpu_label(cpu, label), &ignored)) {
            if (!sel_failed)
                first_failed = cpu;
            sel_failed = 1;
        }
    }
    if (sel_failed)
        return failed(f, "sel write failed for cpu ", NUM_DEC, first_failed);
    return 0;
}
