/*
 * The hardware abstraction layer of the purgatory runtime (FORMAT.md section 5).
 *
 * One implementation per architecture (plugins-<arch>/src/main/purgatory/hal-<arch>.c) and one for the
 * host build (host/host.c), whose calls go to the Java reference machine. The runtime reaches hardware
 * only through these functions, so the code that runs between kernels is the code the tests run.
 */
#ifndef PURGATORY_HAL_H
#define PURGATORY_HAL_H

#include <stdint.h>

uint8_t hal_inb(uint16_t port);
void hal_outb(uint16_t port, uint8_t v);
/* physical memory -> buf */
void hal_read(uint64_t addr, void *buf, uint64_t len);
/* buf -> physical memory */
void hal_write(uint64_t addr, const void *buf, uint64_t len);
/* rax rbx rcx rdx rsi rdi rsp rbp r8 .. r15 rip, in host order */
__attribute__((noreturn)) void hal_jump_x86_64(const uint64_t regs[17]);
__attribute__((noreturn)) void hal_halt(uint64_t reason);
__attribute__((noreturn)) void hal_reset(uint64_t method);

/*
 * s390 (FORMAT.md section 8). On s390 none of these returns on success; where the architecture has no PSW
 * or diag 308 (the weak defaults in s390.c) they return and the step fails.
 *   hal_load_psw: lpswe of the 16-byte PSW {mask, addr};
 *   hal_diag308: diag 308 with subcode and the IPL parameter block (len bytes, memory order; the HAL copies it
 *     to a page-aligned buffer), returns the machine's return code (0x0001 = ok);
 *   hal_disabled_wait: a disabled-wait PSW whose address field is the code.
 */
void hal_load_psw(uint64_t mask, uint64_t addr);
uint64_t hal_diag308(uint64_t subcode, const void *block, uint64_t len);
void hal_disabled_wait(uint64_t code);

#endif
