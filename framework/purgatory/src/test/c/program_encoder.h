/*
 * The C tests' encoder of a step program (FORMAT.md sections 2 and 3), in the target's byte order
 * (PURGATORY_TARGET_BIG_ENDIAN): program() starts one, begin/op/raw/end write a step record, fallback()
 * switches to the fallback list, finish() writes the parameter area's header. One program at a time, in P.
 * Shared by test_purgatory.c and test_s390.c; static inline so a test that uses only part of it still
 * compiles with -Werror.
 */
#ifndef PROGRAM_ENCODER_H
#define PROGRAM_ENCODER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define REQUIRED 1
#define BEST_EFFORT 0

static uint8_t P[32768];
static size_t plen, main_off, main_count, fb_off, fb_count, step_start;
static int in_fallback;

static inline void put(size_t at, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
#ifdef PURGATORY_TARGET_BIG_ENDIAN
        P[at + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
#else
        P[at + i] = (uint8_t)(v >> (8 * i));
#endif
    }
}

static inline void program(void)
{
    memset(P, 0, sizeof P);
    plen = 0x30;
    main_off = plen;
    main_count = fb_count = 0;
    fb_off = 0;
    in_fallback = 0;
}

static inline void fallback(void)
{
    in_fallback = 1;
    fb_off = plen;
}

static inline void begin(uint16_t kind, uint16_t flags)
{
    step_start = plen;
    put(plen, kind, 2);
    put(plen + 2, flags, 2);
    put(plen + 8, 1000, 8); /* worst_case_us, unused by the runtime */
    plen += 16;
}

static inline void op(uint64_t v)
{
    put(plen, v, 8);
    plen += 8;
}

static inline void raw(const void *p, size_t n)
{
    memcpy(P + plen, p, n);
    plen += (n + 7) & ~(size_t)7;
}

static inline void end(void)
{
    put(step_start + 4, plen - step_start, 4);
    if (in_fallback)
        fb_count++;
    else
        main_count++;
}

/* Writes the header; returns the parameter area's length. */
static inline size_t finish(uint64_t budget, uint64_t cap)
{
    put(0, 0x50504F48, 4);
    put(4, 1, 2);
    put(6, main_count, 2);
    put(8, main_off, 4);
    put(0x0C, fb_count, 4);
    put(0x10, fb_off, 4);
    put(0x14, plen, 4);
    put(0x18, budget, 8);
    put(0x20, cap, 8);
    return plen;
}

#endif
