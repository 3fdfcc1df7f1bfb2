/*
 * The x86_64 HAL (FORMAT.md section 5): port I/O with in/out, physical memory through the identity map
 * purgatory runs in, halt with cli;hlt, reset through the keyboard controller or port 0xCF9.
 * hal_jump_x86_64 is in entry.S.
 */
#include <stdint.h>

#include "hal.h"
#include "pg_internal.h"
#include "purgatory.h"

uint8_t hal_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

void hal_outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/* Physical address == virtual address in purgatory; address 0 is valid memory here
 * (built with -fno-delete-null-pointer-checks). */
void hal_read(uint64_t addr, void *buf, uint64_t len)
{
    pg_memcpy(buf, (const void *)(uintptr_t)addr, (size_t)len);
}

void hal_write(uint64_t addr, const void *buf, uint64_t len)
{
    pg_memcpy((void *)(uintptr_t)addr, buf, (size_t)len);
}

void hal_halt(uint64_t reason)
{
    (void)reason;
    for (;;)
        __asm__ volatile("cli; hlt" : : : "memory");
}

static void reset_8042(void)
{
    /* bounded wait for the controller's input buffer to drain (status bit 1) */
    for (unsigned i = 0; i < 100000 && (hal_inb(0x64) & 0x02); i++)
        ;
    hal_outb(0x64, 0xFE);
}

static void reset_cf9(void)
{
    hal_outb(0xCF9, 0x02); /* select a hard reset, then raise the reset bit */
    hal_outb(0xCF9, 0x06);
}

void hal_reset(uint64_t method)
{
    /* the requested way first, then the other; if neither resets the machine, stop the CPU */
    if (method == 2) {
        reset_cf9();
        reset_8042();
    } else {
        reset_8042();
        reset_cf9();
    }
    hal_halt(method);
}

/* Called by entry.S with the parameter area inside the blob; returns only to halt. */
__attribute__((noreturn)) void purgatory_x86_64_main(const void *params, uint64_t len);

void purgatory_x86_64_main(const void *params, uint64_t len)
{
    int rc = purgatory_run(params, len);
    hal_halt(PG_HALT_BAD_PROGRAM | (uint64_t)(-rc));
}

/* The firmware's convention (UEFI 2.x, "x64 Platforms"): the compiler emits the RCX RDX R8 R9 registers, the fifth
 * argument above 32 bytes of shadow space and a 16-byte aligned RSP at the call (entry.S aligns the stack). */
typedef uint64_t (__attribute__((ms_abi)) *efi_service_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)

uint64_t hal_efi_call_x86_64(uint64_t root, uint64_t fn, const uint64_t args[5], uint64_t offset, uint64_t mask,
                             const uint8_t *data, uint64_t len)
{
    (void)offset;
    (void)mask;
    (void)data;
    (void)len;
    uint64_t a0 = args[0], a1 = args[1], a2 = args[2], a3 = args[3], a4 = args[4];
    uint64_t cr0, cr3, cr4;
    __asm__ volatile("cli; cld" : : : "memory");
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    /* the firmware may use SSE: FXSAVE/SSE enabled, no device-not-available traps */
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT) : "memory");
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 & ~(CR0_TS | CR0_EM)) : "memory");
    __asm__ volatile("fninit" : : : "memory");
    /* purgatory's tables: the identity map it runs in plus the runtime regions at their virtual addresses */
    __asm__ volatile("mov %0, %%cr3" : : "r"(root) : "memory");
    uint64_t status = ((efi_service_fn)(uintptr_t)fn)(a0, a1, a2, a3, a4);
    __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
    __asm__ volatile("cli; cld" : : : "memory");
    return status;
}
