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

#endif
