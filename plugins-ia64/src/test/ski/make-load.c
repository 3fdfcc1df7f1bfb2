/*
 * Builds a load for run-ski.sh: the segments kexec would have placed (the synthetic vmlinux's PT_LOADs, the
 * purgatory image with a step program in its parameter area, the loaded-segments table, the command line,
 * the test vectors) and the machine the old kernel leaves behind (old boot_param, EFI system table, runtime
 * services with a SetVirtualAddressMap function descriptor, old EFI memory map), as files plus load.txt.
 *   make-load SCENARIO PURGATORY_BIN PURGATORY_ELF_HALTED VMLINUX OUTDIR
 * SCENARIO: good     console, verify-digests (kernel + SHA-256 test vectors), boot-param, efi-memmap,
 *                    svam-hook, an unknown kind (best effort), print, jump; fallback halt 0xdead
 *           corrupt  the same, but a kernel byte is changed after hashing: verify-digests fails -> fallback
 *           badmagic the parameter area's magic is wrong: purgatory halts with 0xFF11 before any console
 *           noboot   as good but r28 = 0: ia64-boot-param fails (REQUIRED) -> fallback
 *           lastwords rtc, ipmi-request and cpu-ip-records against a KCS port without a device and one stuck
 *                    at IBF=1, operand errors, crash notes of 4 CPUs
 *           deaduart a console whose THR never empties: the bounded wait ends, the console step fails
 *           bmc      ipmi-request and cpu-ip-records answered by run-ski.sh's BMC model (cc 0, cc 0xc1)
 *           lwspent  the last-words deadline spent in the first request: the later kind 7/8 steps are skipped
 *           errors   every ia64-efi-memmap / ia64-svam-hook failure, an unknown kind, copy, overlap, swap,
 *                    a zero tail that is not zero; no handoff, so the fallback runs and purgatory halts 0xFF01
 * Uses the framework's step encoder (program_encoder.h, little-endian) and its C SHA-256 for the digests.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "program_encoder.h"

#define UART_PORT 0x1000          /* run-ski.sh maps this port onto Ski's UART (see run-ski.sh) */
#define PURGATORY 0x7f00000
#define NEW_BP    0x7e00000
#define MAP_BUF   0x7e01000
#define MAP_CAP   4096
#define CMDLINE   0x7e02000
#define SVAM_STUB 0x7e02100
#define SEG_TABLE 0x7e03000
#define VECTORS   0x6000000
#define INITRD    0x7d00000
#define INITRD_SZ 0x1234
#define OLD_BP    0x8000000
#define SYSTAB    0x8001000
#define RUNTIME   0x8001100
#define FDESC     0x8001200
#define OLD_MAP   0x8002000
#define OLD_CMD   0x8003000
#define REGION7   0xe000000000000000ull
#define DESC_SIZE 48              /* a stride past the 40 bytes: the extra word must survive the patch */
#define CHUNK     4096
#define NOTES     0x7e06000
#define BMC_MEM   0x7e07000

static const char *outdir;
static FILE *load;

static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static uint64_t get64(const uint8_t *p) { uint64_t v = 0; for (int i = 7; i >= 0; i--) v = v << 8 | p[i]; return v; }

static void *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(*n ? *n : 1);
    if (fread(b, 1, *n, f) != *n) { perror(path); exit(2); }
    fclose(f);
    return b;
}

/* a segment file and its load.txt line */
static void segment(const char *name, uint64_t addr, const void *data, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n) { perror(path); exit(2); }
    fclose(f);
    fprintf(load, "segment 0x%llx %s\n", (unsigned long long)addr, name);
}

struct kseg { uint64_t paddr, filesz, memsz; uint8_t *data; };

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: make-load good|corrupt|badmagic|noboot|errors|lastwords|lwspent|bmc|deaduart PURGATORY_BIN HALTED_OFFSET VMLINUX OUTDIR\n");
        return 2;
    }
    const char *scenario = argv[1];
    uint64_t halted_off = strtoull(argv[3], NULL, 0);
    outdir = argv[5];
    char path[4096];
    snprintf(path, sizeof path, "%s/load.txt", outdir);
    load = fopen(path, "w");
    if (!load) { perror(path); return 2; }

    /* the kernel: the vmlinux's PT_LOADs at their physical addresses */
    size_t vn;
    uint8_t *v = slurp(argv[4], &vn);
    uint64_t entry = get64(v + 24), phoff = get64(v + 32);
    unsigned phnum = v[56] | v[57] << 8;
    struct kseg ks[8];
    unsigned nk = 0;
    for (unsigned i = 0; i < phnum && nk < 8; i++) {
        const uint8_t *ph = v + phoff + 56 * i;
        if ((ph[0] | ph[1] << 8 | ph[2] << 16 | (uint32_t)ph[3] << 24) != 1)
            continue;
        ks[nk].paddr = get64(ph + 24);
        ks[nk].filesz = get64(ph + 32);
        ks[nk].memsz = get64(ph + 40);
        ks[nk].data = calloc(1, ks[nk].memsz);
        memcpy(ks[nk].data, v + get64(ph + 8), ks[nk].filesz);
        nk++;
    }
    uint64_t kstart = ks[0].paddr & ~0xffffull;
    uint64_t kend = (ks[nk - 1].paddr + ks[nk - 1].memsz + 0xffff) & ~0xffffull;

    /* SHA-256 test vectors (FIPS 180-4 examples), with their published digests typed in, not computed here */
    static const char v_abc[] = "abc";
    static const char v_448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const uint8_t d_abc[32] = {0xba,0x78,0x16,0xbf,0x8f,0x01,0xcf,0xea,0x41,0x41,0x40,0xde,0x5d,0xae,0x22,0x23,
                                      0xb0,0x03,0x61,0xa3,0x96,0x17,0x7a,0x9c,0xb4,0x10,0xff,0x61,0xf2,0x00,0x15,0xad};
    static const uint8_t d_448[32] = {0x24,0x8d,0x6a,0x61,0xd2,0x06,0x38,0xb8,0xe5,0xc0,0x26,0x93,0x0c,0x3e,0x60,0x39,
                                      0xa3,0x3c,0xe4,0x59,0x64,0xff,0x21,0x67,0xf6,0xec,0xed,0xd4,0x19,0xdb,0x06,0xc1};
    static const uint8_t d_million[32] = {0xcd,0xc7,0x6e,0x5c,0x99,0x14,0xfb,0x92,0x81,0xa1,0xc7,0xe2,0x84,0xd7,0x3e,0x67,
                                          0xf1,0x80,0x9a,0x48,0xa4,0x97,0x20,0x0e,0x04,0x6d,0x39,0xcc,0xc7,0x11,0x2c,0xd0};
    uint8_t *vec = calloc(1, 0x100000 + 0x1000);
    memcpy(vec, v_abc, 3);
    memcpy(vec + 0x100, v_448, 56);
    memset(vec + 0x1000, 'a', 1000000);
    segment("vectors.bin", VECTORS, vec, 0x1000 + 1000000);

    /* the step program */
    program();
    if (!strcmp(scenario, "errors")) {
        /* failures and the generic kinds' lines, all best effort; the program ends without a handoff */
        begin(1, BEST_EFFORT); op(UART_PORT); op(1); end();                               /* 0 */
        begin(48, REQUIRED); op(NEW_BP); op(CMDLINE); op(INITRD); op(INITRD_SZ); end();   /* 1 */
        begin(49, BEST_EFFORT); op(NEW_BP); op(MAP_BUF); op(100); op(SEG_TABLE); op(2); end();   /* 2 too small */
        begin(49, BEST_EFFORT); op(NEW_BP); op(MAP_BUF); op(MAP_CAP); op(SEG_TABLE + 0x100); op(2); end(); /* 3 unsorted */
        begin(49, BEST_EFFORT); op(NEW_BP); op(MAP_BUF); op(MAP_CAP); op(SEG_TABLE + 0x200); op(1); end(); /* 4 RT_DATA */
        begin(49, BEST_EFFORT); op(NEW_BP); op(MAP_BUF); op(MAP_CAP); op(SEG_TABLE); op(65); end(); /* 5 too many */
        begin(49, BEST_EFFORT); op(OLD_BP + 0x3c00); op(MAP_BUF); op(MAP_CAP); op(SEG_TABLE); op(2); end(); /* 6 ds 36 */
        begin(49, BEST_EFFORT); op(OLD_BP + 0x3d00); op(MAP_BUF); op(MAP_CAP); op(SEG_TABLE); op(2); end(); /* 7 > 1 MiB */
        begin(50, BEST_EFFORT); op(OLD_BP + 0x3e00); op(SVAM_STUB); end();             /* 8 bad signature */
        begin(49, BEST_EFFORT); op(OLD_BP + 0x3f00); op(MAP_BUF); op(MAP_CAP); op(SEG_TABLE); op(2); end(); /* 2^52 pages */
        begin(99, BEST_EFFORT); end();                                                   /* 9 unknown */
        begin(4, BEST_EFFORT); op(CMDLINE); op(0x7e04000); op(16); end();                /* 10 copy */
        begin(4, BEST_EFFORT); op(0x7e04000); op(0x7e04008); op(16); end();              /* 11 overlap */
        begin(5, BEST_EFFORT); op(0x7e04000); op(0x7e05000); op(8); end();               /* 12 swap */
        begin(3, BEST_EFFORT); op(CHUNK); op(1);                                         /* 13 zero tail */
        op(CMDLINE); op(0); op(0x100); op(0); end();
        begin(18, BEST_EFFORT); op(1); end();                                           /* reset: not here */
        fallback();
        begin(9, BEST_EFFORT); end();
    } else if (!strcmp(scenario, "deaduart")) {
        /* a UART whose LSR never shows THR empty: the first wait ends at the iteration cap, the console is
         * silent from then on and the REQUIRED console step fails */
        begin(1, REQUIRED); op(0x2000); op(1); end();
        begin(2, BEST_EFFORT); op(5); raw("lost\n", 5); end();
        begin(17, REQUIRED); op(0x1234); end();      /* reached only if the console step did not fail */
        fallback();
        begin(17, REQUIRED); op(0xdead); end();
    } else if (!strcmp(scenario, "bmc")) {
        /* against run-ski.sh's BMC model at 0xca2/0xca3: answers [req0 | 4, req1, cc], cc per transaction */
        begin(1, BEST_EFFORT); op(UART_PORT); op(1); end();
        begin(6, BEST_EFFORT); op(0x70); op(0x71); end();
        static const uint8_t wd[] = { 0x06 << 2, 0x22 };
        begin(7, BEST_EFFORT); op(0xca2); op(0xca3); op(5000000); op(3); op(10000000);
        op(2); raw(wd, 2); op(14); raw("watchdog start", 14); end();
        static const uint8_t pem[] = { 0x04 << 2, 0x02, 0x43, 0x03, 0x20, 0x70, 0x6f, 0xa1, 0x61, 0x6e }; /* Platform Event */
        begin(7, BEST_EFFORT); op(0xca2); op(0xca3); op(5000000); op(3); op(10000000);
        op(sizeof pem); raw(pem, sizeof pem); op(11); raw("panic event", 11); end();
        begin(8, BEST_EFFORT); op(0xca2); op(0xca3); op(5000000); op(3); op(10000000);
        op(3); op(0x30); op(3); op(NOTES); op(0x100); op(0); op(0); op(NOTES + 0x100); op(0x100); end();
        static const char *const names[] = { "header", "short", "long", "retry" };
        for (unsigned i = 0; i < 4; i++) {
            begin(7, BEST_EFFORT); op(0xca2); op(0xca3); op(5000000); op(3); op(10000000);
            op(2); raw(wd, 2); op(strlen(names[i])); raw(names[i], strlen(names[i])); end();
        }
        begin(17, REQUIRED); op(0x600d); end();
    } else if (!strcmp(scenario, "lastwords") || !strcmp(scenario, "lwspent")) {
        /* KCS without a BMC model: a port that reads 0xff (no device), one whose status is stuck at IBF=1
         * (timeouts, retries, aborts); an RTC whose registers all read 0x06 (binary, 24 h, 06:06:06, never
         * advancing), so a deadline of 0 s ends a wait at its first look at the clock */
        int spent = !strcmp(scenario, "lwspent");
        begin(1, BEST_EFFORT); op(UART_PORT); op(1); end();
        begin(6, BEST_EFFORT); op(0x70); op(0x71); end();
        static const uint8_t wd[] = { 0x06 << 2, 0x22 };            /* Reset Watchdog Timer */
        if (spent) {
            /* the first last-words step starts a 0 s deadline: its wait ends as spent, the others are skipped */
            begin(7, BEST_EFFORT); op(0xcb2); op(0xcb3); op(5000000); op(3); op(0);
            op(2); raw(wd, 2); op(5); raw("stuck", 5); end();
            begin(7, BEST_EFFORT); op(0xca2); op(0xca3); op(5000000); op(3); op(10000000);
            op(2); raw(wd, 2); op(14); raw("watchdog start", 14); end();
            begin(8, BEST_EFFORT); op(0xca2); op(0xca3); op(5000000); op(3); op(10000000);
            op(3); op(0x30); op(1); op(NOTES); op(0x100); end();
        } else {
            begin(7, BEST_EFFORT); op(0xca2); op(0xca3); op(5000000); op(3); op(10000000);
            op(2); raw(wd, 2); op(14); raw("watchdog start", 14); end();
            begin(7, BEST_EFFORT); op(0xcb2); op(0xcb3); op(0); op(2); op(10000000);
            op(2); raw(wd, 2); op(5); raw("stuck", 5); end();
            begin(7, BEST_EFFORT); op(0xca2); op(0x10000); op(0); op(2); op(10000000);
            op(2); raw(wd, 2); op(3); raw("bad", 3); end();
            begin(7, BEST_EFFORT); op(0xca2); op(0xca3); op(0); op(256); op(10000000);
            op(2); raw(wd, 2); op(3); raw("bad", 3); end();
            begin(7, BEST_EFFORT); op(0xca2); op(0xca3); op(0); op(2); op(10000000);
            op(1); raw(wd, 1); op(3); raw("bad", 3); end();
            begin(8, BEST_EFFORT); op(0xca2); op(0xca3); op(5000000); op(3); op(10000000);
            op(3); op(0x30); op(4); op(NOTES); op(0x100); op(0); op(0); op(NOTES + 0x100); op(0x100);
            op(NOTES + 0x200); op(0x100); end();
        }
        begin(17, REQUIRED); op(0x1a57); end();
    } else {
        begin(1, BEST_EFFORT); op(UART_PORT); op(1); end();                      /* 0 console */
        begin(3, REQUIRED); op(CHUNK); op(nk);                                    /* 1 verify-digests: kernel */
        for (unsigned i = 0; i < nk; i++) {
            uint64_t chunks = (ks[i].filesz + CHUNK - 1) / CHUNK;
            op(ks[i].paddr); op(ks[i].filesz); op(ks[i].memsz); op(chunks);
            for (uint64_t k = 0; k < chunks; k++) {
                uint64_t n = ks[i].filesz - k * CHUNK < CHUNK ? ks[i].filesz - k * CHUNK : CHUNK;
                uint8_t d[32];
                pg_sha256(ks[i].data + k * CHUNK, (size_t)n, d);
                raw(d, 32);
            }
        }
        end();
        begin(3, REQUIRED); op(1u << 20); op(4);                                  /* 2 verify-digests: vectors */
        op(VECTORS + 0x200); op(0); op(0x40); op(0); /* "" : no chunk, a zero tail */
        op(VECTORS); op(3); op(3); op(1); raw(d_abc, 32);
        op(VECTORS + 0x100); op(56); op(56); op(1); raw(d_448, 32);
        op(VECTORS + 0x1000); op(1000000); op(1000000); op(1); raw(d_million, 32);
        end();
        begin(48, REQUIRED); op(NEW_BP); op(CMDLINE); op(INITRD); op(INITRD_SZ); end();   /* 3 */
        begin(49, REQUIRED); op(NEW_BP); op(MAP_BUF); op(MAP_CAP); op(SEG_TABLE); op(2); end(); /* 4 */
        begin(50, REQUIRED); op(NEW_BP); op(SVAM_STUB); end();                    /* 5 */
        begin(6, BEST_EFFORT); op(0x70); op(0x71); end();                         /* 6 rtc: not in this image */
        static const char text[] = "purgatory: hello from the step program\n";
        begin(2, BEST_EFFORT); op(sizeof text - 1); raw(text, sizeof text - 1); end(); /* 7 print */
        begin(51, REQUIRED); op(entry); op(NEW_BP); end();                        /* 8 jump */
        fallback();
        static const char fb[] = "purgatory: fallback\n";
        begin(2, BEST_EFFORT); op(sizeof fb - 1); raw(fb, sizeof fb - 1); end();
        begin(17, REQUIRED); op(0xdead); end();
    }
    size_t plen = finish(123456, !strcmp(scenario, "deaduart") ? 5000 : 100000);
    if (!strcmp(scenario, "badmagic"))
        P[0] ^= 0xff;

    /* the image with the program in its parameter area */
    size_t pn;
    uint8_t *img = slurp(argv[2], &pn);
    uint32_t param_off = img[12] | img[13] << 8 | img[14] << 16 | (uint32_t)img[15] << 24;
    uint32_t param_size = img[16] | img[17] << 8 | img[18] << 16 | (uint32_t)img[19] << 24;
    uint32_t entry_off = img[8] | img[9] << 8 | img[10] << 16 | (uint32_t)img[11] << 24;
    if (plen > param_size) { fprintf(stderr, "program of %zu bytes > parameter area %u\n", plen, param_size); return 1; }
    memcpy(img + param_off, P, plen);
    segment("purgatory.bin", PURGATORY, img, pn);

    /* the kernel's segments; corrupt: one byte changes after the digests were taken */
    if (!strcmp(scenario, "corrupt"))
        ks[0].data[0x1234 < ks[0].filesz ? 0x1234 : ks[0].filesz - 1] ^= 0x5a;
    for (unsigned i = 0; i < nk; i++) {
        char name[32];
        snprintf(name, sizeof name, "kernel-%u.bin", i);
        segment(name, ks[i].paddr, ks[i].data, ks[i].memsz);
    }

    /* loaded segments for the memory-map patch: one spanning two EFI descriptors, then the kernel */
    uint8_t table[32];
    put64(table, 0xfff000); put64(table + 8, 0x1001000);
    put64(table + 16, kstart); put64(table + 24, kend);
    uint8_t tables[0x210];
    memset(tables, 0, sizeof tables);
    memcpy(tables, table, sizeof table);
    put64(tables + 0x100, kstart); put64(tables + 0x108, kend);           /* unsorted */
    put64(tables + 0x110, 0xfff000); put64(tables + 0x118, 0x1001000);
    put64(tables + 0x200, 0x8000000); put64(tables + 0x208, 0x8001000);   /* in RT_DATA */
    segment("segments.bin", SEG_TABLE, tables, sizeof tables);
    static const char cmd[] = "console=ttyS0 elfcorehdr=1024K max_addr=128M min_addr=64M";
    segment("cmdline.bin", CMDLINE, cmd, sizeof cmd);

    /* crash notes of CPUs 0, 2 and 3 (CPU 1 has none): Elf64_Nhdr, name and descriptor 4-byte aligned */
    uint8_t notes[0x300];
    memset(notes, 0, sizeof notes);
    /* cpu 0: CORE/NT_PRSTATUS, ip at 0x30, then the closing empty note */
    notes[0] = 5; notes[4] = 0x40; notes[8] = 1; memcpy(notes + 12, "CORE", 5);
    put64(notes + 20 + 0x30, 0xa000000100001234ull);
    /* cpu 2: a note named CORX first, then CORE/NT_PRSTATUS with namesz 4 */
    uint8_t *n2 = notes + 0x100;
    n2[0] = 5; n2[4] = 0x10; n2[8] = 1; memcpy(n2 + 12, "CORX", 5);
    n2 += 20 + 0x10;
    n2[0] = 4; n2[4] = 0x40; n2[8] = 1; memcpy(n2 + 12, "CORE", 4);
    put64(n2 + 16 + 0x30, 0xa000000100005678ull);
    /* cpu 3: CORE/NT_PRSTATUS too short for ip offset + 8 */
    uint8_t *n3 = notes + 0x200;
    n3[0] = 5; n3[4] = 0x34; n3[8] = 1; memcpy(n3 + 12, "CORE", 5);
    segment("notes.bin", NOTES, notes, sizeof notes);
    if (!strcmp(scenario, "bmc")) {
        uint8_t bmc[0x2000];
        memset(bmc, 0, sizeof bmc);
        /* each WRITE_START's answer (see run-ski.sh): watchdog, panic event cc 0xc1, 2 SEL records, a wrong
         * header, a 1-byte response, an endless one, an ERROR state (retried after the abort), its retry */
        static const uint16_t answer[] = { 0, 0xc1, 0, 0, 0x100, 0x400, 0x200, 0x800, 0 };
        for (unsigned i = 0; i < sizeof answer / sizeof answer[0]; i++)
            put64(bmc + 0x100 + 8 * i, answer[i]);
        segment("bmc.bin", BMC_MEM, bmc, sizeof bmc);
        fprintf(load, "bmc 0xca2 0xca3 0x%x\n", BMC_MEM);
    }

    /* the machine: EFI system table, runtime services, the SetVirtualAddressMap descriptor, old map, old boot_param
     * (pointers region-tagged where Linux keeps them so, to exercise PA()) */
    uint8_t fw[0x4000];
    memset(fw, 0, sizeof fw);
    put64(fw + 0x1000, 0x5453595320494249ull);                 /* "IBI SYST" */
    put64(fw + 0x1000 + 88, RUNTIME | REGION7);
    put64(fw + 0x1100 + 56, FDESC | REGION7);
    put64(fw + 0x1200, 0x8001300); put64(fw + 0x1208, 0x8001400); /* firmware ip, gp */
    static const struct { uint32_t type; uint64_t phys, pages, attr; } md[] = {
        { 7, 0x0, 0xa0, 0xf },                  /* CONVENTIONAL */
        { 2, 0x100000, 0xf00, 0xf },            /* LOADER_DATA of the old kernel's loader: becomes CONVENTIONAL */
        { 7, 0x1000000, 0x3000, 0xf },
        { 7, 0x4000000, 0x4000, 0xf },          /* the kernel's 64 MiB */
        { 3, 0x8100000, 0x0, 0xf },             /* num_pages 0: dropped */
        { 6, 0x8000000, 0x100, 0x800000000000000full }, /* RT_DATA: the firmware tables above */
        { 11, 0xff5e0000, 0x1, 0x8000000000000001ull },  /* MMIO */
    };
    unsigned nmd = sizeof md / sizeof md[0];
    for (unsigned i = 0; i < nmd; i++) {
        uint8_t *d = fw + 0x2000 + DESC_SIZE * i;
        d[0] = (uint8_t)md[i].type;
        put64(d + 8, md[i].phys);
        put64(d + 16, md[i].phys | REGION7);
        put64(d + 24, md[i].pages);
        put64(d + 32, md[i].attr);
        put64(d + 40, 0x1111111100000000ull | i);               /* bytes past the 40: must be kept */
    }
    memcpy(fw + 0x3000, "BOOT_IMAGE=old root=/dev/sda", 29);
    uint8_t *bp = fw;
    put64(bp + 0, OLD_CMD | REGION7);
    put64(bp + 8, SYSTAB | REGION7);
    put64(bp + 16, OLD_MAP | REGION7);
    put64(bp + 24, DESC_SIZE * nmd + 20);   /* a trailing partial descriptor: ignored */
    put64(bp + 32, DESC_SIZE);
    bp[40] = 1;
    bp[44] = 80; bp[46] = 25; bp[48] = 5; bp[50] = 7;
    put64(bp + 56, 0x8003800);
    put64(bp + 64, 0x5000000); put64(bp + 72, 0x999);
    put64(bp + 80, 0x123000); put64(bp + 88, 0x456);
    memcpy(fw + 0x3c00, fw, 0x100);                 /* boot_params with a bad descriptor size, a map too big */
    put64(fw + 0x3c00 + 32, 36);
    memcpy(fw + 0x3d00, fw, 0x100);
    put64(fw + 0x3d00 + 24, 0x100008);
    memcpy(fw + 0x3e00, fw, 0x100);                 /* and one whose system table is the old command line */
    put64(fw + 0x3e00 + 8, OLD_CMD);
    memcpy(fw + 0x3f00, fw, 0x100);                 /* and one whose map has a descriptor of 2^52 pages */
    put64(fw + 0x3f00 + 16, OLD_BP + 0x3a00);
    put64(fw + 0x3f00 + 24, DESC_SIZE);
    fw[0x3a00] = 7;
    put64(fw + 0x3a00 + 24, 1ull << 52);
    segment("firmware.bin", OLD_BP, fw, sizeof fw);

    fprintf(load, "entry 0x%llx\n", (unsigned long long)(PURGATORY + entry_off));
    fprintf(load, "halted 0x%llx\n", (unsigned long long)(PURGATORY + halted_off));
    fprintf(load, "r28 0x%llx\n", !strcmp(scenario, "noboot") ? 0ull : (unsigned long long)(OLD_BP | REGION7));
    fprintf(load, "uart-port 0x%x\n", UART_PORT);
    /* what the machine's I/O ports read (run-ski.sh maps port space onto memory) */
    /* the RTC's registers all read one byte: 0x06 is binary 24 h 06:06:06; for lwspent 0x01, BCD 12 h 01:01:01 am */
    fprintf(load, "port 0x71 0x%02x\nport 0xca3 0xff\nport 0xcb3 0x02\n", !strcmp(scenario, "lwspent") ? 0x01 : 0x06);
    fprintf(load, "kernel-entry 0x%llx\n", (unsigned long long)entry);
    fclose(load);
    return 0;
}
