/*
 * The x86_64 architecture steps, handed over by the runtime (hal.h): the same file runs on the machine and in
 * the reference machine's host library.
 */
#include "hal.h"
#include "pg_bytes.h"
#include "pg_internal.h"
#include "steps-x86_64.h"

#define STEP_HEADER 16u

/* efi-call-x86_64: 12 fixed operands, then the data */
#define EFI_FIXED 12u
#define EFI_DATA (STEP_HEADER + EFI_FIXED * 8)
#define EFI_MAX_DATA 4096u
#define EFI_MAX_ARGS 5u
#define EFI_RT_SIGNATURE 0x56524553544e5552ull /* "RUNTSERV" */
#define EFI_FIRST_SERVICE 0x18u
#define EFI_LAST_SERVICE 0x80u

#define EFI_OP(s, i) PG_LD64((s) + STEP_HEADER + 8 * (i))

/* The data lies inside the record and every pointer argument is an aligned offset into it. */
static int efi_call_fits(const uint8_t *s, uint32_t len)
{
    if (len < EFI_DATA)
        return 0;
    uint64_t argc = EFI_OP(s, 4), mask = EFI_OP(s, 5), dlen = EFI_OP(s, 11);
    if (argc > EFI_MAX_ARGS || (mask >> argc) != 0 || dlen > EFI_MAX_DATA || dlen > len - EFI_DATA)
        return 0;
    for (unsigned i = 0; i < argc; i++) {
        uint64_t off = EFI_OP(s, 6 + i);
        if ((mask >> i & 1) && (off > dlen || off % 8))
            return 0;
    }
    return 1;
}

int hal_arch_operands_fit(uint16_t kind, const uint8_t *s, uint32_t len)
{
    if (kind == K_JUMP_X86_64)
        return len >= STEP_HEADER + 17 * 8;
    if (kind == K_EFI_CALL_X86_64)
        return efi_call_fits(s, len);
    return PG_ARCH_UNKNOWN;
}

/*
 * "EFI <service> returned " for each pointer of EFI_RUNTIME_SERVICES from offset 0x18 (efi-facts B3), one string
 * after the other: no table of pointers, which would need relocations. Failure texts point into it (struct fail
 * keeps the pointer); the console prints the service's name from it.
 */
static const char efi_returned[] =
    "EFI GetTime returned \0EFI SetTime returned \0EFI GetWakeupTime returned \0"
    "EFI SetWakeupTime returned \0EFI SetVirtualAddressMap returned \0EFI ConvertPointer returned \0"
    "EFI GetVariable returned \0EFI GetNextVariableName returned \0EFI SetVariable returned \0"
    "EFI GetNextHighMonotonicCount returned \0EFI ResetSystem returned \0EFI UpdateCapsule returned \0"
    "EFI QueryCapsuleCapabilities returned \0EFI QueryVariableInfo returned ";

static const char *efi_text(unsigned n)
{
    const char *p = efi_returned;
    while (n--) {
        while (*p)
            p++;
        p++;
    }
    return p;
}

/* the service's name: the text between "EFI " and " returned " */
static void efi_put_name(struct pg_ctx *c, const char *text)
{
    unsigned len = 0;
    while (text[4 + len] != ' ')
        len++;
    pg_putn(c, (const uint8_t *)text + 4, len);
}

static int step_efi_call(struct pg_ctx *c, const uint8_t *s, struct fail *f)
{
    uint64_t root = EFI_OP(s, 0), rt = EFI_OP(s, 1), off = EFI_OP(s, 2), returns = EFI_OP(s, 3);
    uint64_t argc = EFI_OP(s, 4), mask = EFI_OP(s, 5), dlen = EFI_OP(s, 11);
    const uint8_t *data = s + EFI_DATA;
    uint8_t word[8];

    if (returns > 1)
        return failed(f, "bad efi returns flag ", NUM_DEC, returns);
    if (root % 4096 || root == 0)
        return failed(f, "bad efi page-table root ", NUM_HEX, root);
    if (off < EFI_FIRST_SERVICE || off > EFI_LAST_SERVICE || off % 8)
        return failed(f, "bad efi service offset ", NUM_HEX, off);
    hal_read(rt, word, 8);
    if (PG_LD64(word) != EFI_RT_SIGNATURE)
        return failed(f, "no EFI runtime services signature at ", NUM_HEX, rt);
    hal_read(rt + off, word, 8);
    uint64_t fn = PG_LD64(word);
    unsigned n = (unsigned)((off - EFI_FIRST_SERVICE) / 8);
    if (fn == 0)
        return failed(f, "EFI runtime service pointer is 0 at offset ", NUM_HEX, off);

    uint64_t args[EFI_MAX_ARGS] = {0, 0, 0, 0, 0};
    for (unsigned i = 0; i < argc; i++) {
        uint64_t v = EFI_OP(s, 6 + i);
        args[i] = (mask >> i & 1) ? (uint64_t)(uintptr_t)(data + v) : v;
    }
    const char *text = efi_text(n);
    pg_say(c, "EFI call ");
    efi_put_name(c, text);
    pg_puts(c, " at ");
    pg_puthex(c, fn);
    pg_puts(c, returns ? "\n" : " (must not return)\n");
    pg_console_flush(c);

    uint64_t status = hal_efi_call_x86_64(root, fn, args, off, mask, data, dlen);
    if (!returns || status != 0)
        return failed(f, text, NUM_HEX, status);
    pg_say(c, "EFI ");
    efi_put_name(c, text);
    pg_puts(c, " returned ");
    pg_puthex(c, status);
    pg_putc(c, '\n');
    return 0;
}

static __attribute__((noreturn)) void step_jump(struct pg_ctx *c, const uint8_t *s)
{
    uint64_t regs[17];
    for (unsigned i = 0; i < 17; i++)
        regs[i] = PG_LD64(s + STEP_HEADER + 8 * i);
    pg_say(c, "jump to ");
    pg_puthex(c, regs[16]);
    pg_puts(c, " rsi=");
    pg_puthex(c, regs[4]);
    pg_putc(c, '\n');
    pg_console_flush(c);
    hal_jump_x86_64(regs);
}

int hal_arch_step(struct pg_ctx *c, uint16_t kind, const uint8_t *s, struct fail *f)
{
    if (kind == K_JUMP_X86_64)
        step_jump(c, s);
    if (kind == K_EFI_CALL_X86_64)
        return step_efi_call(c, s, f);
    return PG_ARCH_UNKNOWN;
}

/* the ids X86_64Steps declares (X86_64StepNamesTests runs a failing step of each and reads them back) */
const char *hal_arch_step_name(uint16_t kind)
{
    switch (kind) {
    case K_JUMP_X86_64:
        return "jump-x86_64";
    case K_EFI_CALL_X86_64:
        return "efi-call-x86_64";
    default:
        return 0;
    }
}
