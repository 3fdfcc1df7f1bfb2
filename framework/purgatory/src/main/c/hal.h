/*
 * The hardware abstraction layer of the purgatory runtime (FORMAT.md section 5): what every architecture has.
 *
 * Each platform plugin implements it for its machine (plugins-<arch>/src/main/purgatory) and, for the reference
 * machine, links the host HAL (host/host.c), whose calls go to Java. The runtime reaches hardware only through
 * these functions, so the code that runs between kernels is the code the tests run.
 *
 * Architecture step kinds (a jump with that architecture's registers, a PSW load, a firmware call) are not the
 * runtime's: it hands every kind it does not own to hal_arch_operands_fit() and hal_arch_step(), and asks
 * hal_arch_step_name() for its name, which the plugin's purgatory sources implement (FORMAT.md section 3,
 * "architecture kinds").
 */
#ifndef PURGATORY_HAL_H
#define PURGATORY_HAL_H

#include <stdint.h>

#include "pg_internal.h"

/* Port I/O; an architecture without it reads 0xff and ignores writes. */
uint8_t hal_inb(uint16_t port);
void hal_outb(uint16_t port, uint8_t v);
/* physical memory -> buf */
void hal_read(uint64_t addr, void *buf, uint64_t len);
/* buf -> physical memory */
void hal_write(uint64_t addr, const void *buf, uint64_t len);
__attribute__((noreturn)) void hal_halt(uint64_t reason);
/* method: what the platform's reset step asks for; the HAL tries it, then any other it has, then halts */
__attribute__((noreturn)) void hal_reset(uint64_t method);

/*
 * What hal_arch_operands_fit() and hal_arch_step() return for a kind that is not this architecture's: not -1,
 * which is what failed() returns for a step that failed with its reason.
 */
#define PG_ARCH_UNKNOWN (-0x7FFF)

/*
 * Whether the step record s (len bytes, header included) of an architecture kind holds its operands; checked
 * for every step before anything runs. PG_ARCH_UNKNOWN: not this architecture's kind (it fails when run).
 */
int hal_arch_operands_fit(uint16_t kind, const uint8_t *s, uint32_t len);

/*
 * Runs a step of an architecture kind: 0 done, PG_ARCH_UNKNOWN not this architecture's kind, any other value
 * failed (f says why). A terminal kind does not return when it succeeds.
 */
int hal_arch_step(struct pg_ctx *c, uint16_t kind, const uint8_t *s, struct fail *f);

/*
 * The id of an architecture kind as the platform declares it in Java (StepKindDeclaration.id(), such as
 * "jump-x86_64"), for the console lines that name a step ("step 2 (jump-x86_64) failed: ..."); NULL for a kind
 * that is not this architecture's (the line then says "(kind N)"). A string literal: no table of pointers, which
 * would need relocations.
 */
const char *hal_arch_step_name(uint16_t kind);

#endif
