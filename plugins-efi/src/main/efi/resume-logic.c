/*
 * The resume application's logic (see resume-logic.h). Freestanding: no libc, so it links into the EFI image as
 * it is; SHA-256 is the purgatory runtime's (framework/purgatory/src/main/c/sha256.c, compiled by path).
 */
#include "resume-logic.h"
#include "pg_internal.h"

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* Why an (offset, count) field is refused; one set of texts per field, so the reason names it. */
struct item_texts {
    const char *header, *align, *outside;
};

/*
 * An (offset, count) pair at field: count elements of elem bytes. Empty items are accepted wherever their offset
 * is (as long as it is inside the record): "length 0 = no initrd" says nothing of the offset.
 */
static const char *item(const uint8_t *d, uint32_t total, unsigned field, uint32_t elem,
                        const struct item_texts *why, uint32_t *off, uint32_t *count)
{
    *off = le32(d + field);
    *count = le32(d + field + 4);
    uint64_t bytes = (uint64_t)*count * elem;   /* at most 2^36: no overflow in 64 bits */
    if (bytes == 0)
        return *off <= total ? NULL : why->outside;
    if (*off < HR_HEADER_SIZE)
        return why->header;
    if (*off % 8)
        return why->align;
    if ((uint64_t)*off + bytes > total)
        return why->outside;
    return NULL;
}

/* Printable ASCII, and no space when spaceless (the initrd path becomes one word of the command line). */
static int printable(const char *s, uint32_t n, int spaceless)
{
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7e || (spaceless && c == ' '))
            return 0;
    }
    return 1;
}

static const struct item_texts CMDLINE = {"command line overlaps the header", "command line not 8-aligned",
                                          "command line outside the record"};
static const struct item_texts KERNEL = {"kernel path overlaps the header", "kernel path not 8-aligned",
                                         "kernel path outside the record"};
static const struct item_texts INITRD = {"initrd path overlaps the header", "initrd path not 8-aligned",
                                         "initrd path outside the record"};
static const struct item_texts RANGES = {"dumped ranges overlap the header", "dumped ranges not 8-aligned",
                                         "dumped ranges outside the record"};

const char *hr_parse(const uint8_t *d, size_t size, struct hr_record *r)
{
    if (size < HR_HEADER_SIZE)
        return "shorter than its header";
    if (pg_memcmp(d, HR_MAGIC, 8))
        return "bad magic";
    if (le32(d + 0x08) != HR_VERSION)
        return "unknown version";
    uint32_t total = le32(d + 0x0C);
    if (total != size)
        return "length field differs from the variable's size";
    r->length = total;
    r->crash_start = le64(d + 0x10);
    r->crash_end = le64(d + 0x18);
    if (r->crash_start >= r->crash_end)
        return "empty crash region";
    r->header_addr = le64(d + 0x20);
    r->header_size = le64(d + 0x28);
    if (r->header_size == 0)
        return "empty ELF core header";
    if (r->header_addr > UINT64_MAX - r->header_size)
        return "ELF core header wraps around";
    pg_memcpy(r->digest, d + 0x30, 32);
    r->marker_addr = le64(d + 0x50);
    if (r->marker_addr % 8)
        return "crash marker not 8-aligned";
    if (r->marker_addr > UINT64_MAX - 16)
        return "crash marker wraps around";
    pg_memcpy(r->nonce, d + 0x58, 16);
    /* the app zeroes the marker after a resume: a zero nonce would match it on every later boot */
    if (pg_first_nonzero(r->nonce, 16) == 16)
        return "zero nonce";
    r->boot_number = le16(d + 0x68);
    if (pg_first_nonzero(d + 0x6A, 6) != 6)
        return "reserved bytes not zero";

    uint32_t off;
    const char *why;
    if ((why = item(d, total, 0x70, 1, &CMDLINE, &off, &r->cmdline_len)))
        return why;
    r->cmdline = (const char *)d + off;
    if ((why = item(d, total, 0x78, 1, &KERNEL, &off, &r->kernel_len)))
        return why;
    r->kernel = (const char *)d + off;
    if ((why = item(d, total, 0x80, 1, &INITRD, &off, &r->initrd_len)))
        return why;
    r->initrd = (const char *)d + off;
    if ((why = item(d, total, 0x88, HR_RANGE_SIZE, &RANGES, &off, &r->range_count)))
        return why;
    r->ranges = d + off;

    if (r->cmdline_len == 0)
        return "empty command line";
    if (!printable(r->cmdline, r->cmdline_len, 0))
        return "command line not printable ASCII";
    if (r->kernel_len == 0)
        return "empty kernel path";
    if (!printable(r->kernel, r->kernel_len, 0))
        return "kernel path not printable ASCII";
    if (!printable(r->initrd, r->initrd_len, 1))
        return "initrd path not printable ASCII without spaces";
    if (r->range_count == 0)
        return "no dumped ranges";
    for (uint32_t i = 0; i < r->range_count; i++) {
        struct hr_range x = hr_dumped(r, i);
        if (x.start >= x.end)
            return "empty dumped range";
    }
    return NULL;
}

struct hr_range hr_dumped(const struct hr_record *r, uint32_t i)
{
    const uint8_t *p = r->ranges + (size_t)i * HR_RANGE_SIZE;
    struct hr_range x = {le64(p), le64(p + 8)};
    return x;
}

int hr_map_desc(const struct hr_map *m, size_t i, struct hr_desc *d)
{
    if (m->desc_size < 32 || i >= m->count)
        return 0;
    const uint8_t *p = m->base + i * m->desc_size;
    d->type = le32(p);
    d->start = le64(p + 8);
    uint64_t pages = le64(p + 24);
    uint64_t room = (UINT64_MAX - d->start) / HR_PAGE;
    d->end = pages > room ? (UINT64_MAX & ~(uint64_t)(HR_PAGE - 1)) : d->start + pages * HR_PAGE;
    return 1;
}

/* Memory the app may read: not reserved (0), unusable (8), MMIO (11, 12), PAL code (13) or an unknown type. */
static int ram_type(uint32_t t)
{
    return (t >= 1 && t <= 7) || t == 9 || t == 10 || t == 14;
}

int hr_map_covers_ram(const struct hr_map *m, uint64_t start, uint64_t end)
{
    uint64_t at = start;
    /* each round moves at past one descriptor, so count + 1 rounds decide it */
    for (size_t round = 0; round <= m->count && at < end; round++) {
        struct hr_desc d;
        int found = 0;
        for (size_t i = 0; hr_map_desc(m, i, &d); i++) {
            if (ram_type(d.type) && d.start <= at && at < d.end) {
                at = d.end;
                found = 1;
                break;
            }
        }
        if (!found)
            return 0;
    }
    return at >= end;
}

int hr_digest_matches(const struct hr_record *r, const void *header)
{
    uint8_t got[32];
    pg_sha256(header, (size_t)r->header_size, got);
    return pg_memcmp(got, r->digest, 32) == 0;
}

static uint64_t max64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* The dumped ranges sorted by start and united (overlapping or touching ranges become one); -1 if cap is short. */
static long united_ranges(const struct hr_record *r, struct hr_range *s, size_t cap)
{
    if (r->range_count > cap)
        return -1;
    size_t n = 0;
    for (uint32_t i = 0; i < r->range_count; i++) {
        struct hr_range x = hr_dumped(r, i);
        size_t j = n++;
        for (; j > 0 && s[j - 1].start > x.start; j--)
            s[j] = s[j - 1];
        s[j] = x;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && s[i].start <= s[k - 1].end)
            s[k - 1].end = max64(s[k - 1].end, s[i].end);
        else
            s[k++] = s[i];
    }
    return (long)k;
}

long hr_firmware_used(const struct hr_record *r, const struct hr_map *m, struct hr_range *scratch,
                      size_t scratch_cap, struct hr_used *out, size_t out_cap)
{
    long ranges = united_ranges(r, scratch, scratch_cap);
    if (ranges < 0)
        return -1;
    size_t n = 0;
    struct hr_desc d;
    for (size_t i = 0; hr_map_desc(m, i, &d); i++) {
        if (d.type == HR_EFI_CONVENTIONAL)
            continue;
        for (long j = 0; j < ranges; j++) {
            uint64_t lo = max64(d.start, scratch[j].start), hi = min64(d.end, scratch[j].end);
            if (lo >= hi)
                continue;
            if (out) {
                if (n >= out_cap)
                    return -1;
                /* insertion by (start, type): the map is nearly always sorted, so this stays linear */
                size_t k = n;
                for (; k > 0 && (out[k - 1].start > lo || (out[k - 1].start == lo && out[k - 1].type > d.type));
                     k--)
                    out[k] = out[k - 1];
                out[k].start = lo;
                out[k].end = hi;
                out[k].type = d.type;
            }
            n++;
        }
    }
    if (!out)
        return (long)n;

    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && out[k - 1].type == out[i].type && out[i].start <= out[k - 1].end)
            out[k - 1].end = max64(out[k - 1].end, out[i].end);
        else
            out[k++] = out[i];
    }
    n = k;

    /* over the cap: merge the neighbours with the smallest gap (the least memory wrongly counted), lowest first */
    while (n > HR_MAX_USED) {
        size_t best = 0;
        uint64_t best_gap = UINT64_MAX;
        for (size_t i = 0; i + 1 < n; i++) {
            uint64_t gap = out[i + 1].start > out[i].end ? out[i + 1].start - out[i].end : 0;
            if (gap < best_gap) {
                best_gap = gap;
                best = i;
            }
        }
        out[best].end = max64(out[best].end, out[best + 1].end);
        out[best].type = HR_TYPE_MIXED;
        for (size_t i = best + 1; i + 1 < n; i++)
            out[i] = out[i + 1];
        n--;
    }
    return (long)n;
}

size_t hr_encode_used(const struct hr_used *used, size_t n, uint8_t *out, size_t cap)
{
    size_t size = 8 + n * HR_USED_ENTRY_SIZE;
    if (!out || cap < size)
        return size;
    put32(out, (uint32_t)n);
    put32(out + 4, 0);
    for (size_t i = 0; i < n; i++) {
        uint8_t *p = out + 8 + i * HR_USED_ENTRY_SIZE;
        put64(p, used[i].start);
        put64(p + 8, used[i].end);
        put32(p + 16, used[i].type);
        put32(p + 20, 0);
    }
    return size;
}

/* A number as the kernel's memparse reads it: decimal or 0x hex, then K, M, G or T. 0 when nothing was read. */
static size_t memparse(const char *s, size_t n, uint64_t *v)
{
    size_t i = 0;
    uint64_t x = 0;
    int base = 10;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    size_t digits = 0;
    for (; i < n; i++, digits++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : base == 16 && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            break;
        x = x * (uint64_t)base + (uint64_t)d;
    }
    if (!digits)
        return 0;
    if (i < n) {
        int shift = s[i] == 'K' || s[i] == 'k' ? 10 : s[i] == 'M' || s[i] == 'm' ? 20 : s[i] == 'G' || s[i] == 'g' ? 30
                : s[i] == 'T' || s[i] == 't' ? 40 : 0;
        if (shift) {
            x <<= shift;
            i++;
        }
    }
    *v = x;
    return i;
}

long hr_capture_ram(const struct hr_record *r, struct hr_range *out, size_t cap)
{
    static const char key[] = "memmap=";
    const size_t klen = sizeof key - 1;
    size_t n = 0;
    const char *c = r->cmdline;
    size_t len = r->cmdline_len;
    for (size_t i = 0; i < len;) {
        while (i < len && c[i] == ' ')
            i++;
        size_t t = i;
        while (i < len && c[i] != ' ')
            i++;
        size_t tlen = i - t;
        if (tlen <= klen || pg_memcmp(c + t, key, klen) != 0)
            continue;
        uint64_t size, start;
        size_t a = memparse(c + t + klen, tlen - klen, &size);
        if (!a || t + klen + a >= i || c[t + klen + a] != '@')
            continue;
        size_t b = memparse(c + t + klen + a + 1, tlen - klen - a - 1, &start);
        if (!b || klen + a + 1 + b != tlen)
            continue;
        uint64_t s = max64(start, r->crash_start);
        uint64_t e = start > UINT64_MAX - size ? UINT64_MAX : start + size;
        e = min64(e, r->crash_end);
        if (s >= e)
            continue;
        if (out) {
            if (n >= cap)
                return -1;
            /* insertion, sorted by start */
            size_t k = n;
            while (k > 0 && out[k - 1].start > s) {
                out[k] = out[k - 1];
                k--;
            }
            out[k].start = s;
            out[k].end = e;
        }
        n++;
    }
    if (n == 0) {
        if (out) {
            if (cap < 1)
                return -1;
            out[0].start = r->crash_start;
            out[0].end = r->crash_end;
        }
        n = 1;
    }
    return (long)n;
}

long hr_claims(const struct hr_map *m, const struct hr_range *keep, size_t nkeep, struct hr_range *out, size_t cap)
{
    const uint64_t mask = HR_PAGE - 1;
    size_t n = 0;
    struct hr_desc d;
    for (size_t i = 0; hr_map_desc(m, i, &d); i++) {
        if (d.type != HR_EFI_CONVENTIONAL)
            continue;
        /* descriptors are page-aligned by the UEFI spec; whole pages inside them regardless */
        uint64_t s = d.start > UINT64_MAX - mask ? d.end : (d.start + mask) & ~mask, e = d.end & ~mask;
        uint64_t cursor = s;
        for (size_t k = 0; k <= nkeep && cursor < e; k++) {
            uint64_t lo = e, hi = e;
            if (k < nkeep) {
                lo = keep[k].start & ~mask;
                hi = keep[k].end > UINT64_MAX - mask ? (UINT64_MAX & ~mask) : (keep[k].end + mask) & ~mask;
                if (hi <= cursor)
                    continue;
            }
            uint64_t pe = min64(lo, e);
            if (cursor < pe) {
                if (out) {
                    if (n >= cap)
                        return -1;
                    out[n].start = cursor;
                    out[n].end = pe;
                }
                n++;
            }
            cursor = max64(cursor, hi);
        }
    }
    return (long)n;
}

long hr_load_options(const struct hr_record *r, uint16_t *out, size_t cap)
{
    static const char initrd[] = " initrd=";
    size_t n = r->cmdline_len + (r->initrd_len ? sizeof initrd - 1 + r->initrd_len : 0);
    if (cap < n + 1)
        return -1;
    size_t k = 0;
    for (uint32_t i = 0; i < r->cmdline_len; i++)
        out[k++] = (unsigned char)r->cmdline[i];
    if (r->initrd_len) {
        for (size_t i = 0; i < sizeof initrd - 1; i++)
            out[k++] = (unsigned char)initrd[i];
        for (uint32_t i = 0; i < r->initrd_len; i++)
            out[k++] = (unsigned char)r->initrd[i];
    }
    out[k] = 0;
    return (long)k;
}

size_t hr_file_path_nodes(const char *path, uint32_t len, uint8_t *out, size_t cap)
{
    uint64_t node = 4 + ((uint64_t)len + 1) * 2;
    if (node > 0xFFFF || cap < node + 4)
        return 0;
    out[0] = 4;                 /* MEDIA_DEVICE_PATH */
    out[1] = 4;                 /* MEDIA_FILEPATH_DP */
    put16(out + 2, (uint16_t)node);
    for (uint32_t i = 0; i < len; i++)
        put16(out + 4 + 2 * (size_t)i, (unsigned char)path[i]);
    put16(out + 4 + 2 * (size_t)len, 0);
    uint8_t *end = out + node;
    end[0] = 0x7f;              /* END_DEVICE_PATH_TYPE */
    end[1] = 0xff;              /* END_ENTIRE_DEVICE_PATH_SUBTYPE */
    put16(end + 2, 4);
    return (size_t)node + 4;
}

void hr_text_init(struct hr_text *t, char *buf, size_t cap)
{
    t->buf = buf;
    t->cap = cap;
    t->len = 0;
    if (cap)
        buf[0] = 0;
}

void hr_text_mem(struct hr_text *t, const char *s, size_t n)
{
    for (size_t i = 0; i < n && t->len + 1 < t->cap; i++)
        t->buf[t->len++] = s[i];
    if (t->cap)
        t->buf[t->len] = 0;
}

void hr_text_str(struct hr_text *t, const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    hr_text_mem(t, s, n);
}

void hr_text_dec(struct hr_text *t, uint64_t v)
{
    char d[20];
    size_t n = 0;
    do {
        d[sizeof d - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    hr_text_mem(t, d + sizeof d - n, n);
}

void hr_text_hex(struct hr_text *t, uint64_t v)
{
    char d[18];
    size_t n = 0;
    do {
        d[sizeof d - 1 - n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    d[sizeof d - 1 - n++] = 'x';
    d[sizeof d - 1 - n++] = '0';
    hr_text_mem(t, d + sizeof d - n, n);
}

uint64_t hr_used_kib(const struct hr_used *used, size_t n)
{
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += used[i].end - used[i].start;
    return bytes / 1024 + (bytes % 1024 != 0);
}

void hr_status_ok(struct hr_text *t, const struct hr_record *r, const struct hr_used *used, size_t n)
{
    hr_text_str(t, "ok: ");
    hr_text_mem(t, r->kernel, r->kernel_len);
    if (r->initrd_len) {
        hr_text_str(t, " with initrd ");
        hr_text_mem(t, r->initrd, r->initrd_len);
    }
    hr_text_str(t, "; firmware used ");
    hr_text_dec(t, n);
    hr_text_str(t, " ranges (");
    hr_text_dec(t, hr_used_kib(used, n));
    hr_text_str(t, " KiB) of the dumped memory");
}
