/*
 * Host harness for resume-logic.c, driven by ResumeLogicTests: every input comes from files the test writes,
 * every result is printed as lines the test asserts on. Exit status 0 = the command ran (whatever it found),
 * 2 = bad usage or an unreadable file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resume-logic.h"

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *b = malloc(cap);
    size_t k;
    while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap)
            b = realloc(b, cap *= 2);
    }
    fclose(f);
    if (!b)
        exit(2);
    *size = n;
    return b;
}

/* The record exactly as large as the file: hr_parse must see the variable's real size. */
static int parse(const char *path, struct hr_record *r, uint8_t **keep)
{
    size_t size;
    uint8_t *d = slurp(path, &size);
    const char *why = hr_parse(d, size, r);
    *keep = d;
    if (why) {
        printf("refused: record malformed: %s\n", why);
        return 0;
    }
    return 1;
}

static struct hr_map map_of(const char *path, const char *desc_size)
{
    size_t size;
    struct hr_map m;
    m.base = slurp(path, &size);
    m.desc_size = strtoul(desc_size, NULL, 0);
    m.count = m.desc_size ? size / m.desc_size : 0;
    return m;
}

static void hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    const char *cmd = argv[1];
    struct hr_record r;
    uint8_t *rec;
    if (!strcmp(cmd, "parse") && argc == 3) {
        if (!parse(argv[2], &r, &rec))
            return 0;
        printf("accepted\n");
        printf("crash 0x%llx-0x%llx\n", (unsigned long long)r.crash_start, (unsigned long long)r.crash_end);
        printf("header 0x%llx size %llu\n", (unsigned long long)r.header_addr, (unsigned long long)r.header_size);
        printf("marker 0x%llx\n", (unsigned long long)r.marker_addr);
        printf("nonce ");
        hex(r.nonce, 16);
        printf("\nboot %u\n", r.boot_number);
        printf("cmdline %.*s\n", (int)r.cmdline_len, r.cmdline);
        printf("kernel %.*s\n", (int)r.kernel_len, r.kernel);
        printf("initrd %.*s\n", (int)r.initrd_len, r.initrd);
        for (uint32_t i = 0; i < r.range_count; i++) {
            struct hr_range x = hr_dumped(&r, i);
            printf("range 0x%llx-0x%llx\n", (unsigned long long)x.start, (unsigned long long)x.end);
        }
        return 0;
    }
    if (!strcmp(cmd, "digest") && argc == 4) {
        if (!parse(argv[2], &r, &rec))
            return 0;
        size_t size;
        uint8_t *h = slurp(argv[3], &size);
        if (size != r.header_size) {
            printf("header file has %zu bytes, record says %llu\n", size, (unsigned long long)r.header_size);
            return 2;
        }
        printf(hr_digest_matches(&r, h) ? "match\n" : "mismatch\n");
        return 0;
    }
    if (!strcmp(cmd, "used") && argc == 5) {
        if (!parse(argv[2], &r, &rec))
            return 0;
        struct hr_map m = map_of(argv[3], argv[4]);
        struct hr_range *scratch = malloc((r.range_count + 1) * sizeof *scratch);
        long pieces = hr_firmware_used(&r, &m, scratch, r.range_count, NULL, 0);
        if (pieces < 0 || hr_firmware_used(&r, &m, scratch, r.range_count ? r.range_count - 1 : 0, NULL, 0) != -1
            || (pieces > 0 && hr_firmware_used(&r, &m, scratch, r.range_count, malloc(24), 0) != -1)) {
            printf("capacity checks wrong\n");
            return 0;
        }
        struct hr_used *used = malloc((pieces + 1) * sizeof *used);
        long n = hr_firmware_used(&r, &m, scratch, r.range_count, used, pieces);
        printf("pieces %ld\n", pieces);
        for (long i = 0; i < n; i++)
            printf("used 0x%llx-0x%llx type 0x%x\n", (unsigned long long)used[i].start,
                   (unsigned long long)used[i].end, used[i].type);
        uint8_t var[8 + HR_MAX_USED * HR_USED_ENTRY_SIZE];
        size_t vs = hr_encode_used(used, n, var, sizeof var);
        printf("var ");
        hex(var, vs);
        char buf[512];
        struct hr_text t;
        hr_text_init(&t, buf, sizeof buf);
        hr_status_ok(&t, &r, used, n);
        printf("\nstatus %s\n", buf);
        return 0;
    }
    if (!strcmp(cmd, "ram") && argc == 3) {
        struct hr_record r;
        uint8_t *keep;
        if (!parse(argv[2], &r, &keep))
            return 0;
        long n = hr_capture_ram(&r, NULL, 0);
        struct hr_range *out = malloc((n + 1) * sizeof *out);
        if (n > 0 && hr_capture_ram(&r, out, n - 1) != -1) {
            printf("capacity check wrong\n");
            return 0;
        }
        n = hr_capture_ram(&r, out, n);
        for (long i = 0; i < n; i++)
            printf("ram 0x%llx-0x%llx\n", (unsigned long long)out[i].start, (unsigned long long)out[i].end);
        return 0;
    }
    if (!strcmp(cmd, "claims") && (argc == 6 || argc == 5)) {
        struct hr_map m = map_of(argv[2], argv[3]);
        /* claims MAP DESC START END (one kept range) | claims MAP DESC RECORD (the record's capture RAM) */
        struct hr_range one, *keep = &one;
        long nkeep = 1;
        if (argc == 6) {
            one.start = strtoull(argv[4], NULL, 0);
            one.end = strtoull(argv[5], NULL, 0);
        } else {
            struct hr_record r;
            uint8_t *bytes;
            if (!parse(argv[4], &r, &bytes))
                return 0;
            nkeep = hr_capture_ram(&r, NULL, 0);
            keep = malloc(nkeep * sizeof *keep);
            hr_capture_ram(&r, keep, nkeep);
        }
        long n = hr_claims(&m, keep, nkeep, NULL, 0);
        struct hr_range *out = malloc((n + 1) * sizeof *out);
        if (n > 0 && hr_claims(&m, keep, nkeep, out, n - 1) != -1) {
            printf("capacity check wrong\n");
            return 0;
        }
        n = hr_claims(&m, keep, nkeep, out, n);
        for (long i = 0; i < n; i++)
            printf("claim 0x%llx-0x%llx\n", (unsigned long long)out[i].start, (unsigned long long)out[i].end);
        return 0;
    }
    if (!strcmp(cmd, "covers") && argc == 6) {
        struct hr_map m = map_of(argv[2], argv[3]);
        uint64_t s = strtoull(argv[4], NULL, 0), e = strtoull(argv[5], NULL, 0);
        printf(hr_map_covers_ram(&m, s, e) ? "covered\n" : "not covered\n");
        return 0;
    }
    if (!strcmp(cmd, "options") && argc == 3) {
        if (!parse(argv[2], &r, &rec))
            return 0;
        uint16_t out[8192];
        long n = hr_load_options(&r, out, sizeof out / sizeof *out);
        if (n < 0 || hr_load_options(&r, out, (size_t)n) != -1) {
            printf("capacity check wrong\n");
            return 0;
        }
        printf("chars %ld\noptions ", n);
        hex((const uint8_t *)out, ((size_t)n + 1) * 2);   /* the host is little-endian like the target */
        printf("\n");
        return 0;
    }
    if (!strcmp(cmd, "filepath") && argc == 3) {
        uint8_t out[1024];
        size_t n = hr_file_path_nodes(argv[2], strlen(argv[2]), out, sizeof out);
        if (n && hr_file_path_nodes(argv[2], strlen(argv[2]), out, n - 1) != 0) {
            printf("capacity check wrong\n");
            return 0;
        }
        printf("nodes ");
        hex(out, n);
        printf("\n");
        return 0;
    }
    if (!strcmp(cmd, "text") && argc == 2) {
        char buf[16];
        struct hr_text t;
        hr_text_init(&t, buf, sizeof buf);
        hr_text_hex(&t, 0);
        hr_text_str(&t, " ");
        hr_text_dec(&t, 18446744073709551615ull);   /* cut at 15 characters */
        printf("cut %s\n", buf);
        char big[64];
        hr_text_init(&t, big, sizeof big);
        hr_text_hex(&t, 0xfedcba9876543210ull);
        hr_text_str(&t, " ");
        hr_text_dec(&t, 0);
        printf("full %s\n", big);
        return 0;
    }
    fprintf(stderr, "usage: logic-harness parse|digest|used|ram|claims|covers|options|filepath|text ...\n");
    return 2;
}
