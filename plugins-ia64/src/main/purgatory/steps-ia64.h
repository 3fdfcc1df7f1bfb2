/*
 * The IA-64 architecture step kinds (plugins-ia64/PURGATORY.md; declared in Java by Ia64Steps): the boot_param
 * copy, the EFI memory-map patch, the SetVirtualAddressMap hook and the jump with r28. This C version runs in the
 * reference machine's host library only: on the machine the image is ia64 assembly (src/main/ia64), since no C
 * compiler for ia64 is within reach. Both follow the same rules; the Ski run and the C tests check them.
 */
#ifndef PURGATORY_STEPS_IA64_H
#define PURGATORY_STEPS_IA64_H

#include <stdint.h>

#include "pg_internal.h"

#define K_IA64_BOOT_PARAM 48
#define K_IA64_EFI_MEMMAP 49
#define K_IA64_SVAM_HOOK  50
#define K_IA64_JUMP       51

/* struct ia64_boot_param (Linux uapi/asm/setup.h) and kexec-tools' two extra words */
#define BP_COMMAND_LINE   0
#define BP_EFI_SYSTAB     8
#define BP_EFI_MEMMAP     16
#define BP_EFI_MEMMAP_SIZE 24
#define BP_EFI_MEMDESC_SIZE 32
#define BP_ORIG_X         48
#define BP_ORIG_Y         50
#define BP_INITRD_START   64
#define BP_INITRD_SIZE    72
#define BP_VMCODE_START   80
#define BP_VMCODE_SIZE    88
#define BOOT_PARAM_COPY   4096u

/* efi_memory_desc_t */
#define MD_TYPE      0
#define MD_PHYS      8
#define MD_NUM_PAGES 24
#define EFI_LOADER_DATA  2u
#define EFI_CONVENTIONAL 7u

#define EFI_SYSTAB_SIGNATURE 0x5453595320494249ull /* "IBI SYST" */
#define SYSTAB_RUNTIME       88
#define RUNTIME_SET_VIRTUAL_ADDRESS_MAP 56

#define IA64_MAX_MEMMAP      (1u << 20)
#define IA64_MAX_SEGMENTS    64u
#define IA64_SVAM_STUB_SIZE  16u

/* The host HAL's operation numbers (FORMAT.md section 6). */
#define IA64_OP_R28        1 /* returns the r28 purgatory was entered with */
#define IA64_OP_JUMP       2 /* args: entry, boot_param; the CPU leaves purgatory */
#define IA64_OP_FLUSH      3 /* args: addr, len: fc.i over the range, sync.i, srlz.i */
#define IA64_OP_FW_READ64  4 /* args: addr; returns the u64 of firmware memory there */
#define IA64_OP_FW_WRITE   5 /* args: addr; data: the bytes written to firmware memory */
#define IA64_OP_FW_OWNS    6 /* args: addr, len; returns 1 when firmware memory holds the range */

/* PA(): the physical address of a region-tagged pointer */
static inline uint64_t ia64_pa(uint64_t addr)
{
    return addr & 0x0fffffffffffffffull;
}

/* The machine's hardware: the register r28 held at entry, the jump, the i-cache flush, and memory that may
 * belong to the firmware (the running kernel's boot_param, the EFI tables and map). */
uint64_t hal_ia64_r28(void);
void hal_ia64_jump(uint64_t entry, uint64_t boot_param);
void hal_ia64_flush_icache(uint64_t addr, uint64_t len);
void hal_ia64_read(uint64_t addr, void *buf, uint64_t len);
void hal_ia64_write(uint64_t addr, const void *buf, uint64_t len);

/* Where the patch reads the running map (byte offsets) and writes the new one. */
struct ia64_memmap_io {
    void *ctx;
    void (*read)(void *ctx, uint64_t offset, void *buf, uint64_t len);
    void (*write)(void *ctx, uint64_t offset, const void *buf, uint64_t len);
};

/* The patch (the C tests call it directly): returns the descriptors written, or -1 with f set. segments holds
 * count {start, end} pairs. */
int64_t ia64_patch_memmap(const struct ia64_memmap_io *io, uint64_t map_size, uint64_t desc_size,
                          const uint64_t *segments, uint64_t count, uint64_t capacity, struct fail *f);

#endif
