/*
 * The host build of the purgatory runtime (FORMAT.md section 6): a shared library loaded by the Java reference
 * machine with JNA. Each platform plugin builds its own (libhandoff-purgatory-host-<id>.so: this runtime, this
 * file's host.c and the plugin's architecture steps); hardware access calls back into the caller.
 */
#ifndef PURGATORY_HOST_H
#define PURGATORY_HOST_H

#include <stdint.h>

typedef struct purgatory_host_hal {
    uint8_t (*inb)(uint16_t port);
    void (*outb)(uint16_t port, uint8_t value);
    void (*read)(uint64_t addr, void *buf, uint64_t len);
    void (*write)(uint64_t addr, const void *buf, uint64_t len);
    void (*halt)(uint64_t reason);
    void (*reset)(uint64_t method);
    /*
     * An architecture operation (a jump, a PSW load, a firmware call: numbered by the plugin, FORMAT.md section
     * 6): args[0..nargs) and an optional byte block. Returns the operation's result; sets *stopped to non-zero
     * when the CPU left purgatory (the runtime then unwinds). Optional: NULL makes every architecture operation
     * fail as on a machine without it.
     */
    uint64_t (*arch)(uint32_t op, const uint64_t *args, uint32_t nargs, const void *data, uint64_t len,
                     uint32_t *stopped);
} purgatory_host_hal;

#define PURGATORY_HOST_STOPPED 1 /* an architecture operation left purgatory: jumped, loaded a PSW, re-IPLed ... */
#define PURGATORY_HOST_HALTED  2
#define PURGATORY_HOST_RESET   3
#define PURGATORY_HOST_NULL_ARGUMENT (-4)

/* What pg_host_arch_call() returns when the machine has no architecture callback (not an architected value). */
#define PURGATORY_HOST_NO_ARCH 0xFFFFFFFFFFFFFFFFull

/*
 * Runs the program in param_area. Returns 1 = an architecture step left purgatory, 2 = halted, 3 = reset,
 * -1 = bad magic, -2 = bad version, -3 = malformed program, -4 = hal, a required callback or param_area is
 * NULL. Re-entrant: each thread may run its own program.
 */
__attribute__((visibility("default")))
int purgatory_host_run(const purgatory_host_hal *hal, const void *param_area, uint64_t param_len);

/*
 * The probe mode (FORMAT.md section 8): the main program's verify-digests step alone, nothing written.
 * Returns 0 = digests ok, 1 = mismatch, 2 = no verify-digests step, -1/-2/-3 as purgatory_host_run, -4 = NULL.
 */
__attribute__((visibility("default")))
int purgatory_host_probe(const purgatory_host_hal *hal, const void *param_area, uint64_t param_len);

/*
 * For a plugin's host HAL (its architecture functions): forwards one operation to the machine's arch callback;
 * when the machine says the CPU left purgatory, unwinds to purgatory_host_run() and does not return.
 */
uint64_t pg_host_arch_call(uint32_t op, const uint64_t *args, uint32_t nargs, const void *data, uint64_t len);

#endif
