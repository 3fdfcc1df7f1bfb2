/*
 * A stand-in for libhandoff-purgatory-host.so, for the testkit's own tests only: it has the exported
 * function and HAL structure of FORMAT.md section 6 and walks a version-1 program, but understands only
 * print (2), copy (4), jump-x86_64 (16), halt (17) and reset (18). It says "hi" first so the tests see
 * its port I/O. The real runtime lives in framework/purgatory.
 */
#include <stdint.h>
#include <string.h>

typedef struct purgatory_host_hal {
    uint8_t (*inb)(uint16_t port);
    void    (*outb)(uint16_t port, uint8_t value);
    void    (*read)(uint64_t addr, void *buf, uint64_t len);
    void    (*write)(uint64_t addr, const void *buf, uint64_t len);
    void    (*jump_x86_64)(const uint64_t *regs17);
    void    (*halt)(uint64_t reason);
    void    (*reset)(uint64_t method);
} purgatory_host_hal;

static void put(const purgatory_host_hal *hal, char c) {
    /* bounded wait for THRE (LSR bit 5) */
    for (int i = 0; i < 100000 && !(hal->inb(0x3FD) & 0x20); i++) {
    }
    hal->outb(0x3F8, (uint8_t) c);
}

static uint64_t u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

int purgatory_host_run(const purgatory_host_hal *hal, const void *param_area, uint64_t param_len) {
    const uint8_t *a = param_area;
    if (param_len < 0x30 || u32(a) != 0x50504F48) return -1;
    if (u16(a + 4) != 1) return -2;
    uint64_t total = u32(a + 0x14), at = u32(a + 8);
    unsigned count = u16(a + 6);
    if (total > param_len) return -3;
    put(hal, 'h');
    put(hal, 'i');
    put(hal, '\n');
    for (unsigned s = 0; s < count; s++) {
        if (at + 16 > total) return -3;
        const uint8_t *st = a + at;
        uint32_t len = u32(st + 4);
        if (len < 16 || at + len > total) return -3;
        const uint8_t *op = st + 16;
        switch (u16(st)) {
        case 2:
            for (uint64_t i = 0; i < u64(op); i++) put(hal, (char) op[8 + i]);
            break;
        case 4: {
            uint8_t buf[256];
            uint64_t src = u64(op), dst = u64(op + 8), n = u64(op + 16);
            for (uint64_t d = 0; d < n; d += sizeof buf) {
                uint64_t k = n - d < sizeof buf ? n - d : sizeof buf;
                hal->read(src + d, buf, k);
                hal->write(dst + d, buf, k);
            }
            break;
        }
        case 16: {
            uint64_t regs[17];
            memcpy(regs, op, sizeof regs);
            hal->jump_x86_64(regs);
            return 1;
        }
        case 17: hal->halt(u64(op)); return 2;
        case 18: hal->reset(u64(op)); return 3;
        default: break;
        }
        at += len;
    }
    return 0;
}
