/*
 * Unit tests of the IA-64 step kinds (steps-ia64.c, the reference machine's build): the EFI memory-map patch on
 * its own (splits, LOADER_DATA handling, no merging, bounds), and whole programs through purgatory_host_run
 * against a fake machine whose arch callback is host-ia64.c's: r28, firmware memory, the i-cache flush and the
 * jump. Built plain and with ASan/UBSan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "host/purgatory_host.h"
#include "program_encoder.h"
#include "steps-ia64.h"

static int passed, failed_tests, current_failed;

#define CHECK(cond) do { \
        if (!(cond)) { \
            printf("    check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            current_failed = 1; \
        } \
    } while (0)

/* little-endian fields */
static void w64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static uint64_t r64(const uint8_t *p) { uint64_t v = 0; for (int i = 7; i >= 0; i--) v = v << 8 | p[i]; return v; }

/* ---- the patch on buffers ---- */
#define DS 48
static uint8_t map[64 * DS], out[256 * DS];
static size_t map_n;

static void md(uint32_t type, uint64_t phys, uint64_t pages, uint64_t attr)
{
    uint8_t *d = map + map_n++ * DS;
    memset(d, 0, DS);
    d[0] = (uint8_t) type;
    w64(d + 8, phys);
    w64(d + 16, phys | 0xe000000000000000ull);
    w64(d + 24, pages);
    w64(d + 32, attr);
    d[40] = 0xAB; /* a byte past the 40 Linux reads: kept */
}

static void mem_read(void *ctx, uint64_t off, void *buf, uint64_t len) { (void) ctx; memcpy(buf, map + off, len); }
static void mem_write(void *ctx, uint64_t off, const void *buf, uint64_t len)
{
    (void) ctx;
    memcpy(out + off, buf, len);
}
static const struct ia64_memmap_io io = { 0, mem_read, mem_write };

static uint32_t type_of(int i) { return out[i * DS]; }
static uint64_t phys_of(int i) { return r64(out + i * DS + 8); }
static uint64_t pages_of(int i) { return r64(out + i * DS + 24); }

static int64_t patch(const uint64_t *seg, uint64_t count, uint64_t capacity, struct fail *f)
{
    memset(out, 0, sizeof out);
    return ia64_patch_memmap(&io, map_n * DS, DS, seg, count, capacity, f);
}

static void splits_a_descriptor_around_each_segment(void)
{
    struct fail f;
    map_n = 0;
    md(7, 0x10000000, 0x10000, 0xF); /* 256 MiB conventional */
    uint64_t seg[] = { 0x10000000, 0x10040000, 0x1fff4000, 0x1fff5000 };
    CHECK(patch(seg, 2, sizeof out, &f) == 4);
    CHECK(type_of(0) == 2 && phys_of(0) == 0x10000000 && pages_of(0) == 0x40);
    CHECK(type_of(1) == 7 && phys_of(1) == 0x10040000 && pages_of(1) == (0x1fff4000 - 0x10040000) / 4096);
    CHECK(type_of(2) == 2 && phys_of(2) == 0x1fff4000 && pages_of(2) == 1);
    CHECK(type_of(3) == 7 && phys_of(3) == 0x1fff5000 && pages_of(3) == (0x20000000 - 0x1fff5000) / 4096);
    CHECK(out[3 * DS + 40] == 0xAB && r64(out + 3 * DS + 32) == 0xF);
}

static void old_loader_data_becomes_conventional(void)
{
    struct fail f;
    map_n = 0;
    md(2, 0x4000000, 0x4000, 0xF);
    md(7, 0x8000000, 0x1000, 0xF);
    CHECK(patch(0, 0, sizeof out, &f) == 2);
    CHECK(type_of(0) == 7 && type_of(1) == 7);
}

static void a_segment_across_two_descriptors_gives_two_pieces_without_merging(void)
{
    struct fail f;
    map_n = 0;
    md(4, 0x100000, 0x100, 0xF);       /* BS_DATA [1 MiB, 2 MiB) */
    md(7, 0x200000, 0x100, 0x8);       /* CONVENTIONAL, other attributes */
    uint64_t seg[] = { 0x1f0000, 0x210000 };
    CHECK(patch(seg, 1, sizeof out, &f) == 4);
    CHECK(type_of(0) == 4 && pages_of(0) == 0xf0);
    CHECK(type_of(1) == 2 && phys_of(1) == 0x1f0000 && pages_of(1) == 0x10 && r64(out + DS + 32) == 0xF);
    CHECK(type_of(2) == 2 && phys_of(2) == 0x200000 && pages_of(2) == 0x10 && r64(out + 2 * DS + 32) == 0x8);
    CHECK(type_of(3) == 7 && phys_of(3) == 0x210000);
}

static void empty_descriptors_are_dropped_and_a_partial_tail_is_never_read(void)
{
    struct fail f;
    map_n = 0;
    md(7, 0x0, 0, 0xF);
    md(7, 0x100000, 0x10, 0xF);
    memset(out, 0, sizeof out);
    /* a map size that ends 8 bytes into a third descriptor: only two are read */
    CHECK(ia64_patch_memmap(&io, 2 * DS + 8, DS, 0, 0, sizeof out, &f) == 1);
    CHECK(phys_of(0) == 0x100000);
}

static void the_buffer_is_never_overrun(void)
{
    struct fail f;
    map_n = 0;
    md(7, 0x10000000, 0x10000, 0xF);
    uint64_t seg[] = { 0x10004000, 0x10008000 };
    CHECK(patch(seg, 1, 2 * DS, &f) == -1);
    CHECK(strcmp(f.text, "efi memmap buffer of 96 bytes too small") == 0);
    CHECK(r64(out + 2 * DS + 8) == 0);
}

static void refuses_unsorted_segments_non_ram_and_bad_strides(void)
{
    struct fail f;
    map_n = 0;
    md(6, 0x3fb00000, 0x40, 0x8000000000000008ull); /* runtime data */
    uint64_t inside[] = { 0x3fb00000, 0x3fb04000 };
    CHECK(patch(inside, 1, sizeof out, &f) == -1);
    CHECK(strcmp(f.text, "segment 0x3fb00000 in efi descriptor 0 of type 6") == 0);
    uint64_t unsorted[] = { 0x20000000, 0x20004000, 0x10000000, 0x10004000 };
    CHECK(patch(unsorted, 2, sizeof out, &f) == -1 && strcmp(f.text, "loaded segments not sorted") == 0);
    CHECK(ia64_patch_memmap(&io, DS, 36, 0, 0, sizeof out, &f) == -1 && f.num == 36);
    uint64_t many[2 * 65];
    CHECK(patch(many, 65, sizeof out, &f) == -1 && strcmp(f.text, "more than 64 loaded segments") == 0);
}

/* ---- whole programs on a fake machine ---- */
#define RAM_SIZE (1u << 20)
#define FW_BASE  0x7ff0000ull
#define FW_SIZE  0x20000u
static uint8_t ram[RAM_SIZE], fw[FW_SIZE];
static struct { int jumped, halted, flushes; uint64_t entry, r28, reason; } m;

static uint8_t fake_inb(uint16_t port) { (void) port; return 0xFF; }
static void fake_outb(uint16_t port, uint8_t v) { (void) port; (void) v; }
static void fake_read(uint64_t a, void *b, uint64_t n) { memcpy(b, ram + a, n); }
static void fake_write(uint64_t a, const void *b, uint64_t n) { memcpy(ram + a, b, n); }
static void fake_halt(uint64_t reason) { m.halted = 1; m.reason = reason; }
static void fake_reset(uint64_t method) { (void) method; }

static uint64_t fake_arch(uint32_t op, const uint64_t *args, uint32_t nargs, const void *data, uint64_t len,
                          uint32_t *stopped)
{
    (void) nargs;
    switch (op) {
    case IA64_OP_R28:
        return FW_BASE;
    case IA64_OP_FW_OWNS:
        return args[0] >= FW_BASE && args[0] + args[1] <= FW_BASE + FW_SIZE;
    case IA64_OP_FW_READ64:
        return r64(fw + (args[0] - FW_BASE));
    case IA64_OP_FW_WRITE:
        memcpy(fw + (args[0] - FW_BASE), data, len);
        return 0;
    case IA64_OP_FLUSH:
        m.flushes++;
        return 0;
    case IA64_OP_JUMP:
        m.jumped = 1;
        m.entry = args[0];
        m.r28 = args[1];
        *stopped = 1;
        return 0;
    default:
        return PURGATORY_HOST_NO_ARCH;
    }
}

static const purgatory_host_hal hal = {
    fake_inb, fake_outb, fake_read, fake_write, fake_halt, fake_reset, fake_arch,
};

/* firmware: boot_param at FW_BASE, map of 2 descriptors at +0x4000, systab at +0x8000, runtime +0x8100, fdesc +0x8200 */
static void machine(void)
{
    memset(&m, 0, sizeof m);
    memset(ram, 0, sizeof ram);
    memset(fw, 0, sizeof fw);
    uint8_t *bp = fw;
    w64(bp + 0, 0xe000000007ff0100ull);
    w64(bp + 8, FW_BASE + 0x8000);
    w64(bp + 16, 0xe000000000000000ull | (FW_BASE + 0x4000));
    w64(bp + 24, 2 * DS);
    w64(bp + 32, DS);
    bp[48] = 5; /* orig_x */
    bp[50] = 7; /* orig_y */
    bp[56] = 0x99; /* fpswa: copied */
    map_n = 0;
    md(7, 0x0, 0x100, 0xF);        /* [0, 1 MiB): the fake RAM */
    md(2, 0x100000, 0x100, 0xF);   /* the old loader's data */
    memcpy(fw + 0x4000, map, 2 * DS);
    w64(fw + 0x8000, EFI_SYSTAB_SIGNATURE);
    w64(fw + 0x8000 + 88, 0xe000000000000000ull | (FW_BASE + 0x8100));
    w64(fw + 0x8100 + 56, 0xe000000000000000ull | (FW_BASE + 0x8200));
    w64(fw + 0x8200, 0xe00000003fb40200ull);
}

#define BP 0x10000u
#define MAPBUF 0x20000u
#define TABLE 0x30000u
#define CMDLINE 0x40000u

static void program_for(uint64_t entry)
{
    program();
    begin(K_IA64_BOOT_PARAM, REQUIRED); op(BP); op(CMDLINE); op(0x50000); op(0x1000); end();
    begin(K_IA64_EFI_MEMMAP, REQUIRED); op(BP); op(MAPBUF); op(16 * DS); op(TABLE); op(1); end();
    begin(K_IA64_SVAM_HOOK, BEST_EFFORT); op(BP); op(CMDLINE + 0x40); end();
    begin(K_IA64_JUMP, REQUIRED); op(entry); op(BP); end();
}

static void copies_patches_hooks_and_jumps_with_r28(void)
{
    machine();
    w64(ram + TABLE, 0x80000);
    w64(ram + TABLE + 8, 0x90000);
    program_for(0x80000);
    CHECK(purgatory_host_run(&hal, P, finish(0, 1000)) == PURGATORY_HOST_STOPPED);
    CHECK(m.jumped && m.entry == 0x80000 && m.r28 == BP);
    CHECK(r64(ram + BP + 0) == CMDLINE && r64(ram + BP + 8) == FW_BASE + 0x8000);
    CHECK(ram[BP + 48] == 0 && ram[BP + 50] == 0 && ram[BP + 56] == 0x99);
    CHECK(r64(ram + BP + 64) == 0x50000 && r64(ram + BP + 72) == 0x1000);
    CHECK(r64(ram + BP + 16) == MAPBUF && r64(ram + BP + 24) == 4 * DS);
    /* [0, 0x80000) conventional, the kernel LOADER_DATA, the rest conventional; the old LOADER_DATA conventional */
    CHECK(ram[MAPBUF] == 7 && r64(ram + MAPBUF + DS + 8) == 0x80000 && ram[MAPBUF + DS] == 2);
    CHECK(ram[MAPBUF + 2 * DS] == 7 && r64(ram + MAPBUF + 2 * DS + 8) == 0x90000);
    CHECK(ram[MAPBUF + 3 * DS] == 7 && r64(ram + MAPBUF + 3 * DS + 8) == 0x100000);
    CHECK(r64(fw + 0x8200) == CMDLINE + 0x40 && r64(fw + 0x8208) == 0);
    CHECK(ram[CMDLINE + 0x40] == 0x11 && ram[CMDLINE + 0x4F] == 0x00 && ram[CMDLINE + 0x4E] == 0x84);
    CHECK(m.flushes == 1);
}

static void a_wrong_system_table_leaves_the_hook_out_and_boots_on(void)
{
    machine();
    w64(ram + TABLE, 0x80000);
    w64(ram + TABLE + 8, 0x90000);
    w64(fw + 0x8000, 0x1122334455667788ull);
    program_for(0x80000);
    CHECK(purgatory_host_run(&hal, P, finish(0, 1000)) == PURGATORY_HOST_STOPPED);
    CHECK(m.jumped && r64(fw + 0x8200) == 0xe00000003fb40200ull);
}

static void a_full_buffer_runs_the_fallback(void)
{
    machine();
    w64(ram + TABLE, 0x80000);
    w64(ram + TABLE + 8, 0x90000);
    program();
    begin(K_IA64_BOOT_PARAM, REQUIRED); op(BP); op(CMDLINE); op(0); op(0); end();
    begin(K_IA64_EFI_MEMMAP, REQUIRED); op(BP); op(MAPBUF); op(2 * DS); op(TABLE); op(1); end();
    begin(K_IA64_JUMP, REQUIRED); op(0x80000); op(BP); end();
    fallback();
    begin(17, REQUIRED); op(1); end();
    CHECK(purgatory_host_run(&hal, P, finish(0, 1000)) == PURGATORY_HOST_HALTED);
    CHECK(!m.jumped && m.halted && m.reason == 1);
    CHECK(r64(ram + MAPBUF + 2 * DS + 8) == 0);
}

#define RUN(t) do { \
        current_failed = 0; \
        t(); \
        if (current_failed) { failed_tests++; printf("FAIL %s\n", #t); } \
        else { passed++; printf("ok   %s\n", #t); } \
    } while (0)

int main(void)
{
    RUN(splits_a_descriptor_around_each_segment);
    RUN(old_loader_data_becomes_conventional);
    RUN(a_segment_across_two_descriptors_gives_two_pieces_without_merging);
    RUN(empty_descriptors_are_dropped_and_a_partial_tail_is_never_read);
    RUN(the_buffer_is_never_overrun);
    RUN(refuses_unsorted_segments_non_ram_and_bad_strides);
    RUN(copies_patches_hooks_and_jumps_with_r28);
    RUN(a_wrong_system_table_leaves_the_hook_out_and_boots_on);
    RUN(a_full_buffer_runs_the_fallback);
    printf("%d passed, %d failed\n", passed, failed_tests);
    return failed_tests != 0;
}
