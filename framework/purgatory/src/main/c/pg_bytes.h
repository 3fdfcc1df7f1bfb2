/*
 * Loads from the parameter area in the target's byte order (FORMAT.md: everything is in the target's
 * byte order). Byte-wise, so alignment never matters and the same code runs on any host.
 * -DPURGATORY_TARGET_BIG_ENDIAN selects big-endian (s390x); little-endian otherwise.
 * Not inlined: the loads are many and cold, and inlining each one costs the x86_64 image about 800 bytes.
 */
#ifndef PURGATORY_BYTES_H
#define PURGATORY_BYTES_H

#include <stdint.h>

static __attribute__((noinline, unused)) uint64_t pg_ld_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i > 0; i--)
        v = (v << 8) | p[i - 1];
    return v;
}

static __attribute__((noinline, unused)) uint64_t pg_ld_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

#ifdef PURGATORY_TARGET_BIG_ENDIAN
#define PG_LD(p, n) pg_ld_be((const uint8_t *)(p), (n))
#else
#define PG_LD(p, n) pg_ld_le((const uint8_t *)(p), (n))
#endif

#define PG_LD16(p) ((uint16_t)PG_LD((p), 2))
#define PG_LD32(p) ((uint32_t)PG_LD((p), 4))
#define PG_LD64(p) ((uint64_t)PG_LD((p), 8))

#endif
