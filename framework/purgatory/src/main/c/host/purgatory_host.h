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
} purgatory_host_hal;

#define PURGATORY_HOST_JUMPED  1
#define PURGATORY_HOST_HALTED  2
#define PURGATORY_HOST_RESET   3
#define PURGATORY_HOST_NULL_ARGUMENT (-4)

/*
 * Runs the program in param_area. Returns 1 = jumped, 2 = halted, 3 = reset, -1 = bad magic,
 * -2 = bad version, -3 = malformed program, -4 = hal, a callback or param_area is NULL.
 * Re-entrant: each thread may run its own program.
 */
__attribute__((visibility("default")))
int purgatory_host_run(const purgatory_host_hal *hal, const void *param_area, uint64_t param_len);

#endif
