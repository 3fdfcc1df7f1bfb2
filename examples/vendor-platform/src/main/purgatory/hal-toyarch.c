/*
 * The toyarch board HAL (FORMAT.md section 5). The toy board has no port instructions: its 64 KiB of ports are
 * memory-mapped at TOY_IO_BASE (the 16550 console at 0x3f8, the CMOS clock at 0x70 and the BMC at 0xca2 sit there
 * as on a PC), and its boot controller (the doorbell, power and reset registers) follows them. Purgatory runs on
 * an identity map, so physical memory is plain loads and stores.
 */
#include <stdint.h>

#include "hal.h"
#include "pg_internal.h"
#include "purgatory.h"
#include "steps-toyarch.h"

#define TOY_IO_BASE 0xF0000000ull
#define TOY_BOOT_CTL (TOY_IO_BASE + 0x10000)
#define TOY_DOORBELL (TOY_BOOT_CTL + 0x00)   /* write: the entry address the next kernel starts at */
#define TOY_DOORBELL_ACKR (TOY_BOOT_CTL + 0x08) /* read: TOY_DOORBELL_ACK once the controller took it */
#define TOY_POWER_OFF (TOY_BOOT_CTL + 0x10)  /* write: stop the CPU, the value is shown on the board's display */
#define TOY_RESET (TOY_BOOT_CTL + 0x18)      /* write: reset the board */

static inline volatile uint8_t *io8(uint64_t addr) { return (volatile uint8_t *)(uintptr_t)addr; }
static inline volatile uint64_t *io64(uint64_t addr) { return (volatile uint64_t *)(uintptr_t)addr; }

uint8_t hal_inb(uint16_t port)
{
    return *io8(TOY_IO_BASE + port);
}

void hal_outb(uint16_t port, uint8_t v)
{
    *io8(TOY_IO_BASE + port) = v;
}

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
    *io64(TOY_POWER_OFF) = reason;
    for (;;)
        __asm__ volatile("cli; hlt" : : : "memory");
}

void hal_reset(uint64_t method)
{
    *io64(TOY_RESET) = method;
    hal_halt(method);
}

uint64_t hal_toy_doorbell(uint64_t value)
{
    *io64(TOY_DOORBELL) = value;
    return *io64(TOY_DOORBELL_ACKR);
}

void hal_toy_enter(uint64_t entry, uint64_t arg)
{
    /* the toy's calling convention: the argument in rdi, nothing else set */
    __asm__ volatile("movq %0, %%rdi\n\tjmp *%1" : : "r"(arg), "r"(entry) : "rdi", "memory");
    __builtin_unreachable();
}

/* Called by entry.S with the parameter area inside the blob; returns only to halt. */
__attribute__((noreturn)) void purgatory_toyarch_main(const void *params, uint64_t len);

void purgatory_toyarch_main(const void *params, uint64_t len)
{
    int rc = purgatory_run(params, len);
    hal_halt(PG_HALT_BAD_PROGRAM | (uint64_t)(-rc));
}
