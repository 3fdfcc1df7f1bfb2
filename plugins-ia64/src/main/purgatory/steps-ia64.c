/*
 * The IA-64 architecture steps (steps-ia64.h), handed over by the runtime (hal.h). kexec-tools' ia64_env_setup
 * does the same work in this order; the memory-map patch keeps its rules (LOADER_DATA becomes CONVENTIONAL, each
 * loaded segment becomes LOADER_DATA so that one starts exactly at elfcorehdr) without its faults: it never merges
 * descriptors, never reads past the map, never writes past the buffer, and drops empty descriptors instead of
 * leaving zeroed slots.
 */
#include "hal.h"
#include "pg_bytes.h"
#include "pg_internal.h"
#include "steps-ia64.h"

#define STEP_HEADER 16u
#define OP(s, i) PG_LD64((s) + STEP_HEADER + 8u * (i))

static const uint8_t svam_stub[IA64_SVAM_STUB_SIZE] = {
    /* mov r8 = r0; br.ret.sptk.many b0: EFI_SUCCESS */
    0x11, 0x40, 0x00, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00, 0x02, 0x00, 0x80, 0x08, 0x00, 0x84, 0x00
};

int hal_arch_operands_fit(uint16_t kind, const uint8_t *s, uint32_t len)
{
    (void) s;
    switch (kind) {
    case K_IA64_BOOT_PARAM:
        return len >= STEP_HEADER + 32;
    case K_IA64_EFI_MEMMAP:
        return len >= STEP_HEADER + 40;
    case K_IA64_SVAM_HOOK:
        return len >= STEP_HEADER + 16;
    case K_IA64_JUMP:
        return len >= STEP_HEADER + 16;
    default:
        return PG_ARCH_UNKNOWN;
    }
}

static uint64_t ld64(const uint8_t *p)
{
    return (uint64_t) p[0] | (uint64_t) p[1] << 8 | (uint64_t) p[2] << 16 | (uint64_t) p[3] << 24
        | (uint64_t) p[4] << 32 | (uint64_t) p[5] << 40 | (uint64_t) p[6] << 48 | (uint64_t) p[7] << 56;
}

static void st64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

static uint64_t read64(uint64_t addr)
{
    uint8_t b[8];
    hal_ia64_read(addr, b, 8);
    return ld64(b);
}

static void write64(uint64_t addr, uint64_t v)
{
    uint8_t b[8];
    st64(b, v);
    hal_ia64_write(addr, b, 8);
}

static int step_boot_param(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    uint64_t bp = OP(s, 0), cmdline = OP(s, 1), initrd = OP(s, 2), initrd_size = OP(s, 3);
    uint64_t old = ia64_pa(hal_ia64_r28());
    if (old == 0)
        return failed(f, "no boot_param in r28", NUM_NONE, 0);
    /* 4 KiB as kexec-tools copies it, in pieces through the context's buffer */
    for (uint64_t off = 0; off < BOOT_PARAM_COPY; off += PG_BUF_SIZE) {
        uint64_t n = BOOT_PARAM_COPY - off < PG_BUF_SIZE ? BOOT_PARAM_COPY - off : PG_BUF_SIZE;
        hal_ia64_read(old + off, c->buf, n);
        hal_ia64_write(bp + off, c->buf, n);
    }
    uint8_t zero[4] = { 0, 0, 0, 0 };
    write64(bp + BP_COMMAND_LINE, cmdline);
    hal_ia64_write(bp + BP_ORIG_X, zero, 4); /* orig_x and orig_y */
    write64(bp + BP_INITRD_START, initrd);
    write64(bp + BP_INITRD_SIZE, initrd_size);
    write64(bp + BP_VMCODE_START, 0);
    write64(bp + BP_VMCODE_SIZE, 0);
    pg_say(c, "boot_param ");
    pg_puthex(c, bp);
    pg_puts(c, " from r28 ");
    pg_puthex(c, old);
    pg_putc(c, '\n');
    return 0;
}

/* Failure texts with more than one number (the runtime's struct fail carries one): formatted here, in the words of
 * the assembly image (steps-ia64.S), so that both print the same line. One buffer per thread: host runs are
 * concurrent. */
static _Thread_local char why[128];
static size_t why_len;

static void why_str(const char *t)
{
    while (*t && why_len + 1 < sizeof why)
        why[why_len++] = *t++;
    why[why_len] = 0;
}

static void why_num(uint64_t v, int hex)
{
    char digits[24];
    int n = 0;
    do {
        unsigned d = (unsigned) (hex ? v % 16 : v % 10);
        digits[n++] = (char) (d < 10 ? '0' + d : 'a' + d - 10);
        v = hex ? v / 16 : v / 10;
    } while (v);
    if (hex)
        why_str("0x");
    while (n && why_len + 1 < sizeof why)
        why[why_len++] = digits[--n];
    why[why_len] = 0;
}

/* why3("a ", X, " b ", Y, " c ", Z): up to three numbers (hex when the flag's bit is set), then the tail */
static int why_failed(struct fail *f, const char *a, uint64_t x, const char *b, uint64_t y, const char *c,
                      uint64_t z, unsigned numbers, unsigned hex, const char *tail)
{
    why_len = 0;
    why[0] = 0;
    why_str(a);
    if (numbers > 0)
        why_num(x, hex & 1);
    if (b)
        why_str(b);
    if (numbers > 1)
        why_num(y, hex & 2);
    if (c)
        why_str(c);
    if (numbers > 2)
        why_num(z, hex & 4);
    if (tail)
        why_str(tail);
    return failed(f, why, NUM_NONE, 0);
}

static int ram_type(uint32_t type)
{
    return (type >= 1 && type <= 4) || type == EFI_CONVENTIONAL;
}

/* emit: a copy of the source descriptor with phys, pages and type replaced, written as descriptor *n */
static int emit(const struct ia64_memmap_io *io, const uint8_t *d, uint64_t ds, uint64_t phys, uint64_t end,
                uint32_t type, uint8_t *o, uint64_t capacity, uint64_t *n, struct fail *f)
{
    if ((*n + 1) * ds > capacity)
        return why_failed(f, "efi memmap buffer of ", capacity, 0, 0, 0, 0, 1, 0, " bytes too small");
    pg_memcpy(o, d, ds);
    o[0] = (uint8_t) type;
    o[1] = (uint8_t) (type >> 8);
    o[2] = (uint8_t) (type >> 16);
    o[3] = (uint8_t) (type >> 24);
    st64(o + MD_PHYS, phys);
    st64(o + MD_NUM_PAGES, (end - phys) >> 12);
    io->write(io->ctx, *n * ds, o, ds);
    (*n)++;
    return 0;
}

int64_t ia64_patch_memmap(const struct ia64_memmap_io *io, uint64_t map_size, uint64_t ds, const uint64_t *seg,
                          uint64_t count, uint64_t capacity, struct fail *f)
{
    /* one source and one output descriptor at a time: the map is never staged whole */
    uint8_t d[4096], o[4096];
    if (ds < 40 || ds > 4096 || ds % 8 != 0)
        return failed(f, "efi memdesc size ", NUM_DEC, ds);
    if (map_size > IA64_MAX_MEMMAP)
        return why_failed(f, "efi memmap of ", map_size, 0, 0, 0, 0, 1, 0, " bytes");
    if (count > IA64_MAX_SEGMENTS)
        return failed(f, "more than 64 loaded segments", NUM_NONE, 0);
    for (uint64_t i = 0; i < count; i++) {
        uint64_t a = seg[2 * i], b = seg[2 * i + 1];
        if (a >= b || (a & 0xfff) || (b & 0xfff) || (i > 0 && a < seg[2 * i - 1]))
            return failed(f, "loaded segments not sorted", NUM_NONE, 0);
    }
    uint64_t n = 0;
    for (uint64_t at = 0; at + ds <= map_size; at += ds) {
        io->read(io->ctx, at, d, ds);
        uint32_t type = (uint32_t) ld64(d + MD_TYPE);
        uint64_t pages = ld64(d + MD_NUM_PAGES), ms = ld64(d + MD_PHYS);
        if (pages == 0)
            continue;
        if (pages >= (1ull << 52) || ms + (pages << 12) < ms)
            return why_failed(f, "efi descriptor ", at / ds, 0, 0, 0, 0, 1, 0, " too large");
        uint64_t me = ms + (pages << 12), cur = ms;
        uint32_t t = type == EFI_LOADER_DATA ? EFI_CONVENTIONAL : type;
        for (uint64_t i = 0; i < count; i++) {
            uint64_t lo = seg[2 * i] > cur ? seg[2 * i] : cur;
            uint64_t hi = seg[2 * i + 1] < me ? seg[2 * i + 1] : me;
            if (lo >= hi)
                continue;
            if (!ram_type(type))
                return why_failed(f, "segment ", seg[2 * i], " in efi descriptor ", at / ds, " of type ", type, 3, 1,
                                  0);
            if (lo > cur && emit(io, d, ds, cur, lo, t, o, capacity, &n, f))
                return -1;
            if (emit(io, d, ds, lo, hi, EFI_LOADER_DATA, o, capacity, &n, f))
                return -1;
            cur = hi;
        }
        if (cur < me && emit(io, d, ds, cur, me, t, o, capacity, &n, f))
            return -1;
    }
    return (int64_t) n;
}

struct machine_map {
    uint64_t map;
    uint64_t buffer;
};

static void machine_read(void *ctx, uint64_t off, void *buf, uint64_t len)
{
    hal_ia64_read(((struct machine_map *) ctx)->map + off, buf, len);
}

static void machine_write(void *ctx, uint64_t off, const void *buf, uint64_t len)
{
    hal_ia64_write(((struct machine_map *) ctx)->buffer + off, buf, len);
}

static int step_efi_memmap(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    uint64_t bp = OP(s, 0), buffer = OP(s, 1), capacity = OP(s, 2), table = OP(s, 3), count = OP(s, 4);
    uint64_t map = ia64_pa(read64(bp + BP_EFI_MEMMAP));
    uint64_t size = read64(bp + BP_EFI_MEMMAP_SIZE), ds = read64(bp + BP_EFI_MEMDESC_SIZE);
    uint64_t segments[2 * IA64_MAX_SEGMENTS];
    if (count > IA64_MAX_SEGMENTS)
        return failed(f, "more than 64 loaded segments", NUM_NONE, 0);
    for (uint64_t i = 0; i < 2 * count; i++)
        segments[i] = read64(table + 8 * i);
    struct machine_map m = { map, buffer };
    struct ia64_memmap_io io = { &m, machine_read, machine_write };
    int64_t n = ia64_patch_memmap(&io, size, ds, segments, count, capacity, f);
    if (n < 0)
        return -1;
    write64(bp + BP_EFI_MEMMAP, buffer);
    write64(bp + BP_EFI_MEMMAP_SIZE, (uint64_t) n * ds);
    pg_say(c, "efi memmap ");
    pg_puthex(c, map);
    pg_putc(c, ' ');
    pg_putdec(c, size / ds);
    pg_puts(c, " descriptors -> ");
    pg_puthex(c, buffer);
    pg_putc(c, ' ');
    pg_putdec(c, (uint64_t) n);
    pg_puts(c, " descriptors\n");
    return 0;
}

static int step_svam_hook(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    uint64_t bp = OP(s, 0), stub = OP(s, 1);
    uint64_t systab = ia64_pa(read64(bp + BP_EFI_SYSTAB));
    uint64_t signature = read64(systab);
    if (signature != EFI_SYSTAB_SIGNATURE)
        return why_failed(f, "efi system table ", systab, " has signature ", signature, 0, 0, 2, 3, 0);
    uint64_t runtime = ia64_pa(read64(systab + SYSTAB_RUNTIME));
    uint64_t fdesc = ia64_pa(read64(runtime + RUNTIME_SET_VIRTUAL_ADDRESS_MAP));
    hal_ia64_write(stub, svam_stub, sizeof svam_stub);
    write64(fdesc, stub);
    hal_ia64_flush_icache(stub, sizeof svam_stub);
    pg_say(c, "SetVirtualAddressMap hook ");
    pg_puthex(c, stub);
    pg_puts(c, " at ");
    pg_puthex(c, fdesc);
    pg_putc(c, '\n');
    return 0;
}

int hal_arch_step(struct pg_ctx *c, uint16_t kind, const uint8_t *s, struct fail *f)
{
    switch (kind) {
    case K_IA64_BOOT_PARAM:
        return step_boot_param(c, s, f);
    case K_IA64_EFI_MEMMAP:
        return step_efi_memmap(c, s, f);
    case K_IA64_SVAM_HOOK:
        return step_svam_hook(c, s, f);
    case K_IA64_JUMP:
        pg_say(c, "jump to ");
        pg_puthex(c, OP(s, 0));
        pg_puts(c, " r28=");
        pg_puthex(c, OP(s, 1));
        pg_putc(c, '\n');
        pg_console_flush(c);
        hal_ia64_jump(OP(s, 0), OP(s, 1));
        return failed(f, "no jump on this machine", NUM_NONE, 0);
    default:
        return PG_ARCH_UNKNOWN;
    }
}

/* the ids Ia64Steps declares (entry.S's pg_put_step prints the same; Ia64StepNamesTests reads them back) */
const char *hal_arch_step_name(uint16_t kind)
{
    switch (kind) {
    case K_IA64_BOOT_PARAM:
        return "ia64-boot-param";
    case K_IA64_EFI_MEMMAP:
        return "ia64-efi-memmap";
    case K_IA64_SVAM_HOOK:
        return "ia64-svam-hook";
    case K_IA64_JUMP:
        return "ia64-jump";
    default:
        return 0;
    }
}
