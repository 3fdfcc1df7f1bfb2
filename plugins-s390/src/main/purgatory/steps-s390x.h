/*
 * The s390x architecture step kinds of FORMAT.md section 8 (load-psw, dump-reipl, disabled-wait; declared in
 * Java by S390xSteps). The steps reach the machine through hal_load_psw, hal_diag308 and hal_disabled_wait:
 * hal-s390x.c on the machine, host/host-s390x.c in the reference machine's library.
 */
#ifndef PURGATORY_STEPS_S390X_H
#define PURGATORY_STEPS_S390X_H

#include <stdint.h>

#include "pg_internal.h"

#define K_LOAD_PSW      32
#define K_DUMP_REIPL    33
#define K_DISABLED_WAIT 34

/* diag 308 subcodes and return codes (Linux arch/s390/include/asm/ipl.h, facts D.2). */
#define PG_DIAG308_LOAD_NORMAL_DUMP 4u
#define PG_DIAG308_SET              5u
#define PG_DIAG308_RC_OK            0x0001u
#define PG_DIAG308_RC_BUSY          0x0302u
/* What hal_diag308 returns where there is no diag 308 (not an architected code). */
#define PG_DIAG308_UNAVAILABLE      0xFFFFFFFFFFFFFFFFull
/* The largest IPL parameter block a dump-reipl step carries: one page. */
#define PG_IPL_BLOCK_MAX            4096u
/* LOAD_NORMAL_DUMP attempts while the machine answers busy. */
#define PG_DIAG308_BUSY_TRIES       8u

/* The host HAL's operation numbers (FORMAT.md section 6). */
#define S390X_OP_LOAD_PSW      1 /* args: mask, addr */
#define S390X_OP_DIAG308       2 /* args: subcode; data: the IPL parameter block (SET only) */
#define S390X_OP_DISABLED_WAIT 3 /* args: code */

/* lpswe of the 16-byte PSW {mask, addr}; returns only where there is no PSW to load (a host machine without) */
void hal_load_psw(uint64_t mask, uint64_t addr);
/* diag 308 with subcode and the IPL parameter block (len bytes, memory order); returns the rc (0x0001 = ok) */
uint64_t hal_diag308(uint64_t subcode, const void *block, uint64_t len);
/* a disabled-wait PSW whose address field is the code; returns only where there is none */
void hal_disabled_wait(uint64_t code);

#endif
