/*
 * The s390x HAL (FORMAT.md sections 5 and 8): no port I/O (reads 0xff, writes go nowhere, so a program
 * without console steps is silent), physical memory with DAT off, lpswe for the PSW load and the disabled
 * wait, diag 308 for the dump re-IPL. hal_halt is a disabled wait with the reason as its code.
 */
#include <stdint.h>

#include "hal.h"
#include "pg_internal.h"
#include "purgatory.h"
#include "steps-s390x.h"

/* PSW mask of a disabled wait: WAIT | EA | BA (64-bit addressing), no interrupts enabled. */
#define PSW_MASK_DISABLED_WAIT 0x0002000180000000ull
/* Disabled-wait codes of the HAL itself (the planner's codes are documented in the s390x plugin). */
#define WAIT_NO_PORT_IO_JUMP   0xFF20u /* a jump-x86_64 step on s390 */
#define WAIT_NO_RESET          0xFF21u /* a reset step on s390 */

uint8_t hal_inb(uint16_t port)
{
    (void)port;
    return 0xFF;
}

void hal_outb(uint16_t port, uint8_t v)
{
    (void)port;
    (void)v;
}

/*
 * MOVE LONG EXTENDED: one instruction per call (it stops after a CPU-determined amount with cc 3, so loop).
 * A byte loop made the 256 MiB swap of a kdump take seconds under QEMU's TCG; MVCLE is one helper call there.
 */
static void move_long(void *dst, const void *src, uint64_t len)
{
    register uint64_t d __asm__("2") = (uint64_t)(uintptr_t)dst;
    register uint64_t dlen __asm__("3") = len;
    register uint64_t s __asm__("4") = (uint64_t)(uintptr_t)src;
    register uint64_t slen __asm__("5") = len;
    __asm__ volatile("0: mvcle %0,%2,0\n"
                     "   jo 0b\n"
                     : "+d"(d), "+d"(dlen), "+d"(s), "+d"(slen)
                     :
                     : "cc", "memory");
}

/* DAT is off: a real address is the physical one (the kernel has set the prefix to 0 before kdump). */
void hal_read(uint64_t addr, void *buf, uint64_t len)
{
    move_long(buf, (const void *)(uintptr_t)addr, len);
}

void hal_write(uint64_t addr, const void *buf, uint64_t len)
{
    move_long((void *)(uintptr_t)addr, buf, len);
}

static __attribute__((noreturn)) void lpswe(uint64_t mask, uint64_t addr)
{
    /* the PSW operand must be doubleword aligned; it lives on purgatory's stack */
    uint64_t psw[2] __attribute__((aligned(8))) = { mask, addr };
    __asm__ volatile("lpswe %0" : : "Q"(*(const uint64_t(*)[2])psw) : "memory");
    __builtin_unreachable();
}

void hal_load_psw(uint64_t mask, uint64_t addr)
{
    lpswe(mask, addr);
}

void hal_disabled_wait(uint64_t code)
{
    lpswe(PSW_MASK_DISABLED_WAIT, code);
}

void hal_halt(uint64_t reason)
{
    lpswe(PSW_MASK_DISABLED_WAIT, reason);
}

void hal_reset(uint64_t method)
{
    (void)method;
    lpswe(PSW_MASK_DISABLED_WAIT, WAIT_NO_RESET);
}

/* Linux keeps IPL parameter blocks page aligned; so does this copy. */
static uint8_t ipl_block[PG_IPL_BLOCK_MAX] __attribute__((aligned(4096)));

uint64_t hal_diag308(uint64_t subcode, const void *block, uint64_t len)
{
    uint64_t addr = 0;
    if (block) {
        if (len > sizeof ipl_block)
            return PG_DIAG308_UNAVAILABLE;
        pg_memset(ipl_block, 0, sizeof ipl_block);
        pg_memcpy(ipl_block, block, (size_t)len);
        addr = (uint64_t)(uintptr_t)ipl_block;
    }
    /* diag 308: R1 is an even/odd pair, the block's address in the even one, the rc comes back in the odd */
    register uint64_t even __asm__("2") = addr;
    register uint64_t odd __asm__("3") = 0;
    __asm__ volatile("diag %[even],%[sub],0x308"
                     : [even] "+d"(even), "+d"(odd)
                     : [sub] "d"(subcode)
                     : "cc", "memory");
    return odd;
}

/*
 * Called by entry.S with the parameter area inside the blob and the kernel's r2. Probe mode (r2 = 0) returns
 * the result of the digest check; the normal entry runs the program and never returns.
 */
uint64_t purgatory_s390x_main(const void *params, uint64_t len, uint64_t mode);

uint64_t purgatory_s390x_main(const void *params, uint64_t len, uint64_t mode)
{
    if (mode == 0) {
        int rc = purgatory_probe(params, len);
        return rc < 0 ? (uint64_t)(PG_HALT_BAD_PROGRAM | (uint64_t)(-rc)) : (uint64_t)rc;
    }
    int rc = purgatory_run(params, len);
    hal_disabled_wait(PG_HALT_BAD_PROGRAM | (uint64_t)(-rc));
    return 0;
}
