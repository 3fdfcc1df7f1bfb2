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
