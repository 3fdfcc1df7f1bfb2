/*
 * The portable purgatory runtime: runs the step program of FORMAT.md against the HAL (hal.h).
 */
#ifndef PURGATORY_H
#define PURGATORY_H

#include <stdint.h>

/* Results of purgatory_run() before anything ran (FORMAT.md section 6). */
#define PG_BAD_MAGIC     (-1)
#define PG_BAD_VERSION   (-2)
#define PG_MALFORMED     (-3)

/* Halt reasons chosen by the runtime itself (FORMAT.md section 4). */
#define PG_HALT_NO_HANDOFF   0xFF01u /* main program and fallback ended without jump/halt/reset */
#define PG_HALT_BAD_PROGRAM  0xFF10u /* or'ed with -result of purgatory_run() by a hardware entry */

/*
 * Validates the parameter area and runs it. Never returns once the program is valid: it ends in
 * a terminal architecture step (hal_arch_step()), hal_halt() or hal_reset(). Returns PG_BAD_MAGIC, PG_BAD_VERSION or PG_MALFORMED
 * (nothing was executed) otherwise.
 */
int purgatory_run(const void *param_area, uint64_t param_len);

/* Results of purgatory_probe() (FORMAT.md section 8): 0 is the only one that lets a capture kernel start. */
#define PG_PROBE_OK          0
#define PG_PROBE_MISMATCH    1 /* a digest or zero tail did not match */
#define PG_PROBE_NO_DIGESTS  2 /* the main program has no verify-digests step */

/*
 * Runs the main program's first verify-digests step alone (reads memory, writes nothing, prints nothing) and
 * returns PG_PROBE_*, or PG_BAD_MAGIC, PG_BAD_VERSION, PG_MALFORMED for an area purgatory_run() refuses.
 */
int purgatory_probe(const void *param_area, uint64_t param_len);

#endif
