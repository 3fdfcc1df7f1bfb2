/*
 * The toyarch architecture step (declared in Java by ToyArchSteps): toy-enter rings the board's boot doorbell
 * with the entry address, then enters the next kernel at it with its argument. The doorbell and the jump are
 * the HAL's: hal-toyarch.c on the board, host/host-toyarch.c in the reference machine's library.
 */
#ifndef PURGATORY_STEPS_TOYARCH_H
#define PURGATORY_STEPS_TOYARCH_H

#include <stdint.h>

/* toyarch's code range is 0x100..0x10f; toy-enter is its one kind: operands entry, argument */
#define K_TOY_ENTER 0x100

/* The host HAL's operation numbers (FORMAT.md section 6). */
#define TOYARCH_OP_ENTER 1    /* args entry, argument: the CPU leaves purgatory */
#define TOYARCH_OP_DOORBELL 2 /* args value: returns the doorbell's acknowledgement */

/* What the boot doorbell answers when it took the entry address. */
#define TOY_DOORBELL_ACK 0x70790000ull

/* Ring the boot doorbell with a value; returns the acknowledgement register. */
uint64_t hal_toy_doorbell(uint64_t value);
/* Enter the next kernel at entry with arg in the argument register; never returns. */
__attribute__((noreturn)) void hal_toy_enter(uint64_t entry, uint64_t arg);

#endif
