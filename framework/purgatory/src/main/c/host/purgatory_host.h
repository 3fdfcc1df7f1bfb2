/*
 * The host build of the purgatory runtime (FORMAT.md section 6): libhandoff-purgatory-host.so, loaded
 * by the Java reference machine with JNA. Hardware access calls back into the caller.
 */
#ifndef PURGATORY_HOST_H
#define PURGATORY_HOST_H

#include <stdint.h>

typedef struct purgatory_host_hal {
    uint8_t (*inb)(uint16_t port);
    void (*outb)(uint16_t port, uint8_t value);
    void (*read)(uint64_t addr, void *buf, uint64_t len);
    void (*write)(uint64_t addr, const void *buf, uint64_t len);
    void (*jump_x86_64)(const uint64_t *regs17); /* records the handoff; the runtime then unwinds */
    void (*halt)(uint64_t reason);
    void (*reset)(uint64_t method);
    /* s390 (FORMAT.md section 8), optional: NULL makes the step fail as on a machine without them */
    void (*load_psw)(uint64_t mask, uint64_t addr);                            /* records; unwinds with 4 */
    uint64_t (*diag308)(uint64_t subcode, const void *block, uint64_t len);  /* returns the rc */
    void (*disabled_wait)(uint64_t code);                                      /* records; unwinds with 6 */
} purgatory_host_hal;

#define PURGATORY_HOST_JUMPED  1
#define PURGATORY_HOST_HALTED  2
#define PURGATORY_HOST_RESET   3
#define PURGATORY_HOST_PSW_LOADED    4
#define PURGATORY_HOST_DUMP_REIPL    5 /* diag 308 LOAD_NORMAL_DUMP answered 0x0001: the dump tool IPLs */
#define PURGATORY_HOST_DISABLED_WAIT 6
#define PURGATORY_HOST_NULL_ARGUMENT (-4)

/*
 * Runs the program in param_area. Returns 1 = jumped, 2 = halted, 3 = reset, -1 = bad magic,
 * -2 = bad version, -3 = malformed program, -4 = hal, a callback or param_area is NULL.
 * Re-entrant: each thread may run its own program.
 */
__attribute__((visibility("default")))
int purgatory_host_run(const purgatory_host_hal *hal, const void *param_area, uint64_t param_len);

/*
 * The probe mode (s390's r2 = 0 entry): the main program's verify-digests step alone, nothing written.
 * Returns 0 = digests ok, 1 = mismatch, 2 = no verify-digests step, -1/-2/-3 as purgatory_host_run, -4 = NULL.
 */
__attribute__((visibility("default")))
int purgatory_host_probe(const purgatory_host_hal *hal, const void *param_area, uint64_t param_len);

#endif
