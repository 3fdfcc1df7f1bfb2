/*
 * The host HAL: every hardware access is a call into the Java reference machine. The never-returning
 * calls first tell the caller, then longjmp back to purgatory_host_run(), which returns what happened.
 * This file is the only one of the host build that uses libc (setjmp/longjmp).
 */
#include <setjmp.h>
#include <stddef.h>

#include "../hal.h"
#include "../purgatory.h"
#include "purgatory_host.h"

/* Per thread, so that concurrent runs (parallel tests) do not meet. */
static __thread const purgatory_host_hal *current;
static __thread jmp_buf *unwind;

uint8_t hal_inb(uint16_t port)
{
    return current->inb(port);
}

void hal_outb(uint16_t port, uint8_t v)
{
    current->outb(port, v);
}

void hal_read(uint64_t addr, void *buf, uint64_t len)
{
    current->read(addr, buf, len);
}

void hal_write(uint64_t addr, const void *buf, uint64_t len)
{
    current->write(addr, buf, len);
}

void hal_halt(uint64_t reason)
{
    current->halt(reason);
    longjmp(*unwind, PURGATORY_HOST_HALTED);
}

void hal_reset(uint64_t method)
{
    current->reset(method);
    longjmp(*unwind, PURGATORY_HOST_RESET);
}

uint64_t pg_host_arch_call(uint32_t op, const uint64_t *args, uint32_t nargs, const void *data, uint64_t len)
{
    if (!current->arch)
        return PURGATORY_HOST_NO_ARCH;
    uint32_t stopped = 0;
    uint64_t rc = current->arch(op, args, nargs, data, len, &stopped);
    if (stopped && unwind)
        longjmp(*unwind, PURGATORY_HOST_STOPPED);
    return rc;
}

int purgatory_host_run(const purgatory_host_hal *hal, const void *param_area, uint64_t param_len)
{
    if (!hal || !param_area || !hal->inb || !hal->outb || !hal->read || !hal->write || !hal->halt || !hal->reset)
        return PURGATORY_HOST_NULL_ARGUMENT;
    jmp_buf here;
    /* volatile: these are read again after longjmp */
    const purgatory_host_hal *volatile outer = current;
    jmp_buf *volatile outer_unwind = unwind;
    current = hal;
    unwind = &here;
    int rc = setjmp(here);
    if (rc == 0)
        rc = purgatory_run(param_area, param_len); /* returns only when the program was rejected */
    current = outer;
    unwind = outer_unwind;
    return rc;
}

int purgatory_host_probe(const purgatory_host_hal *hal, const void *param_area, uint64_t param_len)
{
    if (!hal || !param_area || !hal->read)
        return PURGATORY_HOST_NULL_ARGUMENT;
    /* the probe only reads memory: no step that unwinds can run, so no jump buffer is needed */
    const purgatory_host_hal *outer = current;
    jmp_buf *outer_unwind = unwind;
    current = hal;
    unwind = NULL;
    int rc = purgatory_probe(param_area, param_len);
    current = outer;
    unwind = outer_unwind;
    return rc;
}
