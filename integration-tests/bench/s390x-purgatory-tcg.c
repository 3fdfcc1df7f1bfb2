/*
 * Where the s390x purgatory's kdump time goes under QEMU's TCG: its three phases, built from the purgatory's own
 * sources (sha256.c, hal-s390x.c's MVCLE hal_read/hal_write) as a static s390x Linux program and timed under
 * qemu-s390x (user-mode TCG, the same code generator as the system emulator, without its soft-MMU, so memory
 * moves come out faster than in a guest):
 *   verify  the digests of the segments, hashed from memory in PG_BUF_SIZE pieces (the probe does it, and the
 *           reset entry again);
 *   swap    the crash region with low memory, PG_BUF_SIZE bytes at a time through two bounce buffers, as the
 *           runtime's swap step does;
 *   swap-N  the same with N-byte bounce buffers, what a larger PG_BUF_SIZE would give;
 *   copy    the same memory moved one way in one hal_write (kexec-tools' s390 purgatory copies the gaps between
 *           segments up from low memory and swaps only the segments' own ranges).
 * Usage: s390x-purgatory-tcg SEGMENT_MIB SWAP_MIB
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hal.h"
#include "pg_internal.h"

/* milliseconds, in integers: the purgatory's code flags include -msoft-float */
static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void verify(const uint8_t *mem, uint64_t len)
{
    static uint8_t piece[PG_BUF_SIZE];
    struct pg_sha256 s;
    uint8_t out[32];
    pg_sha256_init(&s);
    for (uint64_t done = 0; done < len; done += PG_BUF_SIZE) {
        uint64_t n = len - done < PG_BUF_SIZE ? len - done : PG_BUF_SIZE;
        hal_read((uint64_t)(uintptr_t)(mem + done), piece, n);
        pg_sha256_update(&s, piece, n);
    }
    pg_sha256_final(&s, out);
    if (out[0] == 0x5a && out[1] == 0xa5)
        putchar(' '); /* keeps the digest live */
}

static void swap(uint8_t *a, uint8_t *b, uint64_t len, uint64_t piece)
{
    uint8_t *buf = malloc(piece), *buf2 = malloc(piece);
    for (uint64_t done = 0; done < len; done += piece) {
        uint64_t n = len - done < piece ? len - done : piece;
        hal_read((uint64_t)(uintptr_t)(a + done), buf, n);
        hal_read((uint64_t)(uintptr_t)(b + done), buf2, n);
        hal_write((uint64_t)(uintptr_t)(a + done), buf2, n);
        hal_write((uint64_t)(uintptr_t)(b + done), buf, n);
    }
    free(buf);
    free(buf2);
}

int main(int argc, char **argv)
{
    uint64_t seg = (argc > 1 ? strtoull(argv[1], NULL, 0) : 7) << 20;
    uint64_t sw = (argc > 2 ? strtoull(argv[2], NULL, 0) : 256) << 20;
    uint8_t *segments = malloc(seg), *low = malloc(sw), *crash = malloc(sw);
    if (!segments || !low || !crash) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    memset(segments, 0x11, seg);
    memset(low, 0x22, sw);
    memset(crash, 0x33, sw);
    uint64_t t0 = now_ms();
    verify(segments, seg);
    uint64_t t1 = now_ms();
    swap(low, crash, sw, PG_BUF_SIZE);
    uint64_t t2 = now_ms();
    swap(low, crash, sw, 4096);
    uint64_t t3 = now_ms();
    swap(low, crash, sw, 65536);
    uint64_t t4 = now_ms();
    hal_write((uint64_t)(uintptr_t)crash, low, sw);
    uint64_t t5 = now_ms();
    printf("verify %llu MiB once: %llu ms\n", (unsigned long long)(seg >> 20), (unsigned long long)(t1 - t0));
    printf("swap %llu MiB, %u-byte pieces: %llu ms\n", (unsigned long long)(sw >> 20), PG_BUF_SIZE, (unsigned long long)(t2 - t1));
    printf("swap %llu MiB, 4096-byte pieces: %llu ms\n", (unsigned long long)(sw >> 20), (unsigned long long)(t3 - t2));
    printf("swap %llu MiB, 65536-byte pieces: %llu ms\n", (unsigned long long)(sw >> 20), (unsigned long long)(t4 - t3));
    printf("copy %llu MiB one way: %llu ms\n", (unsigned long long)(sw >> 20), (unsigned long long)(t5 - t4));
    return 0;
}
