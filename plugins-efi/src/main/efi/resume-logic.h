/*
 * The resume application's logic without EFI: the handoff record (the contract is /work/notes/efi-assist-spec.md,
 * mirrored by the Java writer), the firmware-used ranges, the claims outside the crash region, the load options
 * and the texts it writes. Built twice: freestanding into handoff-resume.efi and for the host test harness.
 * Nothing here allocates; every output goes to a buffer the caller sizes.
 */
#ifndef HANDOFF_RESUME_LOGIC_H
#define HANDOFF_RESUME_LOGIC_H

#include <stddef.h>
#include <stdint.h>

#define HR_MAGIC "HOFFREC1"
#define HR_VERSION 1u
#define HR_HEADER_SIZE 0x90u          /* fixed fields; the data the offsets point at follows */
#define HR_RANGE_SIZE 16u             /* u64 start, u64 end (exclusive) */
#define HR_MAX_USED 320u              /* HandoffFirmwareUsed entries at most */
#define HR_USED_ENTRY_SIZE 24u        /* u64 start, u64 end, u32 type, u32 reserved */
#define HR_TYPE_MIXED 0xFFFFFFFFu     /* a cap-merged entry spans several types (or gaps) */
#define HR_EFI_CONVENTIONAL 7u
#define HR_PAGE 4096u

/* A validated record; the strings and ranges point into the caller's copy of the variable. */
struct hr_record {
    uint32_t length;
    uint64_t crash_start, crash_end;
    uint64_t header_addr, header_size;
    uint8_t digest[32];
    uint64_t marker_addr;
    uint8_t nonce[16];
    uint16_t boot_number;
    const char *cmdline;
    uint32_t cmdline_len;
    const char *kernel;
    uint32_t kernel_len;
    const char *initrd;               /* initrd_len 0: no initrd */
    uint32_t initrd_len;
    const uint8_t *ranges;            /* range_count items of HR_RANGE_SIZE bytes, read with hr_dumped */
    uint32_t range_count;
};

struct hr_range {
    uint64_t start, end;              /* end exclusive */
};

struct hr_used {
    uint64_t start, end;              /* end exclusive */
    uint32_t type;                    /* EFI memory type, or HR_TYPE_MIXED */
};

/* The firmware's memory map as GetMemoryMap returns it: count descriptors of desc_size bytes each. */
struct hr_map {
    const uint8_t *base;
    size_t desc_size;
    size_t count;
};

/* One descriptor: Type at 0, PhysicalStart at 8, NumberOfPages at 24 (UEFI 2.x EFI_MEMORY_DESCRIPTOR). */
struct hr_desc {
    uint32_t type;
    uint64_t start, end;              /* end exclusive, saturated at 2^64 - 4096 on overflow */
};

/*
 * Validates the variable's bytes. Returns NULL when the record is accepted (and fills *r), else why it is
 * malformed (a static text, without the "record malformed: " prefix).
 */
const char *hr_parse(const uint8_t *data, size_t size, struct hr_record *r);

/* The i-th dumped range of a parsed record. */
struct hr_range hr_dumped(const struct hr_record *r, uint32_t i);

/* The i-th descriptor of a map; 0 when the map is too short for it (desc_size < 32). */
int hr_map_desc(const struct hr_map *m, size_t i, struct hr_desc *d);

/*
 * Non-zero when [start, end) is covered entirely by descriptors of memory (any type but reserved, unusable and
 * MMIO): the app reads the marker and the ELF core header there, and must not touch device registers.
 */
int hr_map_covers_ram(const struct hr_map *m, uint64_t start, uint64_t end);

/* Non-zero when SHA-256 of header[0, size) equals the record's digest. */
int hr_digest_matches(const struct hr_record *r, const void *header);

/*
 * HandoffFirmwareUsed: the intersections of the dumped ranges with every descriptor whose type is not
 * EfiConventionalMemory, sorted, adjacent (or overlapping) pieces of one type merged, then at most HR_MAX_USED
 * entries (the neighbours with the smallest gap are merged first, into HR_TYPE_MIXED entries).
 * scratch holds the dumped ranges sorted and united; out holds the pieces before the cap.
 * With out NULL: returns how many pieces (before merging) out must hold. Else returns the entries written,
 * or -1 when a capacity is too small.
 */
long hr_firmware_used(const struct hr_record *r, const struct hr_map *m, struct hr_range *scratch,
                      size_t scratch_cap, struct hr_used *out, size_t out_cap);

/* The variable's bytes for n entries: u32 count, u32 0, then the entries. Returns the size written (or needed). */
size_t hr_encode_used(const struct hr_used *used, size_t n, uint8_t *out, size_t cap);

/*
 * The capture kernel's RAM inside the crash region: the command line's memmap=<size>@<start> ranges (suffixes K, M,
 * G, T; decimal or 0x), clipped to the crash region and sorted; the whole crash region when there is none. The rest
 * of the crash region (the ELF core header, the backup of low memory) must not be handed to the EFI stub.
 * With out NULL returns how many; -1 when cap is too small.
 */
long hr_capture_ram(const struct hr_record *r, struct hr_range *out, size_t cap);

/*
 * The page ranges to claim: every EfiConventionalMemory descriptor's part outside the keep ranges (sorted, not
 * overlapping; each widened to whole pages, so no claimed page holds a byte of them). With out NULL returns how
 * many; -1 when cap is too small.
 */
long hr_claims(const struct hr_map *m, const struct hr_range *keep, size_t nkeep, struct hr_range *out, size_t cap);

/*
 * The kernel's LoadOptions: UCS-2 of the command line, then " initrd=<initrd path>" when the record has one,
 * then a NUL. Returns the characters without the NUL (the size is (n + 1) * 2), or -1 when cap (in characters,
 * NUL included) is too small.
 */
long hr_load_options(const struct hr_record *r, uint16_t *out, size_t cap);

/*
 * A device path file node (MEDIA_FILEPATH_DP) for the ASCII path, NUL-terminated UCS-2, followed by the end
 * node. Returns the bytes written, or 0 when cap is too small.
 */
size_t hr_file_path_nodes(const char *path, uint32_t len, uint8_t *out, size_t cap);

/* A bounded text buffer: appends stop at the capacity (the text is cut, always NUL-terminated). */
struct hr_text {
    char *buf;
    size_t cap, len;
};
void hr_text_init(struct hr_text *t, char *buf, size_t cap);
void hr_text_str(struct hr_text *t, const char *s);
void hr_text_mem(struct hr_text *t, const char *s, size_t n);
void hr_text_dec(struct hr_text *t, uint64_t v);
void hr_text_hex(struct hr_text *t, uint64_t v);      /* 0x prefix, lower case, no padding */

/* "ok: <kernel>[ with initrd <initrd>]; firmware used N ranges (M KiB) of the dumped memory" */
void hr_status_ok(struct hr_text *t, const struct hr_record *r, const struct hr_used *used, size_t n);

/* Sum of the entries' lengths in KiB, rounded up. */
uint64_t hr_used_kib(const struct hr_used *used, size_t n);

#endif
