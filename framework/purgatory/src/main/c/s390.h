/*
 * The s390 step kinds of FORMAT.md section 8 (load-psw, dump-reipl, disabled-wait) and the probe entry.
 * The steps reach the machine through hal_load_psw, hal_diag308 and hal_disabled_wait (hal.h); a build
 * whose HAL has none of them (x86_64) links the weak defaults of s390.c, which return, so the step fails.
 */
#ifndef PURGATORY_S390_H
#define PURGATORY_S390_H

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

/* Whether a step record of an s390 kind holds its operands (validation, before anything runs). */
int pg_s390_operands_fit(uint16_t kind, const uint8_t *s, uint32_t len);
/* Each returns only when the HAL has no PSW: the caller fails the step. */
void pg_step_load_psw(struct pg_ctx *c, const uint8_t *s);
void pg_step_disabled_wait(struct pg_ctx *c, const uint8_t *s);
/* Returns (only on failure) the diag 308 return code that stopped the re-IPL. */
uint64_t pg_step_dump_reipl(struct pg_ctx *c, const uint8_t *s);

#endif
