/*
 * handoff-resume.efi: the resume application of EFI-assisted kdump (contract: /work/notes/efi-assist-spec.md).
 * Started by BootNext after purgatory's warm reset; boots the capture kernel from the ESP with the first kernel's
 * memory intact, or refuses with an error status so that BDS goes on with BootOrder.
 *
 * Only the firmware's services are used (no gnu-efi library calls): InitializeLib and Print allocate pool, and
 * the memory map must be taken before the app allocates anything. The logic lives in resume-logic.c.
 */
#include <efi.h>

#include "resume-logic.h"

#define RECORD_MAX (64u * 1024u)        /* OVMF's largest variable is 33 KiB (PcdMaxVariableSize 0x8400) */
#define MAP_MAX (128u * 1024u)          /* ~2700 descriptors of 48 bytes */
#define CLAIM_PASSES 4u

static EFI_GUID handoff_guid = {0x3d1300c0, 0x6df2, 0x4c98, {0xbd, 0x64, 0xac, 0x92, 0xe6, 0xd2, 0x81, 0xfd}};
static EFI_GUID loaded_image_guid = LOADED_IMAGE_PROTOCOL;
static EFI_GUID device_path_guid = DEVICE_PATH_PROTOCOL;

/* Static, not pool: both are filled before the memory map is taken. */
static UINT8 record_buf[RECORD_MAX] __attribute__((aligned(8)));
static UINT8 map_buf[MAP_MAX] __attribute__((aligned(8)));
static UINT8 used_var[8 + HR_MAX_USED * HR_USED_ENTRY_SIZE];
static char text_buf[1024];

static EFI_SYSTEM_TABLE *st;
static EFI_BOOT_SERVICES *bs;
static EFI_RUNTIME_SERVICES *rt;

/* ASCII to ConOut in pieces (a stack buffer: no allocation). */
static void out_ascii(const char *s, size_t n)
{
    CHAR16 buf[128];
    while (n) {
        size_t k = n < 127 ? n : 127;
        for (size_t i = 0; i < k; i++)
            buf[i] = (unsigned char)s[i];
        buf[k] = 0;
        st->ConOut->OutputString(st->ConOut, buf);
        s += k;
        n -= k;
    }
}

static void say_mem(const char *s, size_t n)
{
    static const char prefix[] = "handoff-resume: ";
    out_ascii(prefix, sizeof prefix - 1);
    out_ascii(s, n);
    out_ascii("\r\n", 2);
}

static void say(struct hr_text *t)
{
    say_mem(t->buf, t->len);
}

static void set_status(struct hr_text *t)
{
    EFI_STATUS s = rt->SetVariable(L"HandoffResumeStatus", &handoff_guid,
                                   EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS
                                   | EFI_VARIABLE_RUNTIME_ACCESS, t->len, t->buf);
    if (EFI_ERROR(s)) {
        char b[96];
        struct hr_text w;
        hr_text_init(&w, b, sizeof b);
        hr_text_str(&w, "could not write HandoffResumeStatus: EFI status ");
        hr_text_hex(&w, s);
        say(&w);
    }
}

/* "refused: <reason>[<detail>][<status>]": written, printed, and the error returned (never EFI_SUCCESS). */
static EFI_STATUS refuse(const char *reason, const char *detail, EFI_STATUS shown, EFI_STATUS ret)
{
    struct hr_text t;
    hr_text_init(&t, text_buf, sizeof text_buf);
    hr_text_str(&t, "refused: ");
    hr_text_str(&t, reason);
    if (detail) {
        hr_text_str(&t, ": ");
        hr_text_str(&t, detail);
    }
    if (shown) {
        hr_text_str(&t, ": EFI status ");
        hr_text_hex(&t, shown);
    }
    set_status(&t);
    say(&t);
    return ret;
}

/* "failed: <what> [<path>]: EFI status 0x...": written, printed, and the error returned. */
static EFI_STATUS fail(const char *what, const char *path, uint32_t path_len, EFI_STATUS s)
{
    struct hr_text t;
    hr_text_init(&t, text_buf, sizeof text_buf);
    hr_text_str(&t, "failed: ");
    hr_text_str(&t, what);
    if (path_len) {
        hr_text_str(&t, " ");
        hr_text_mem(&t, path, path_len);
    }
    hr_text_str(&t, ": EFI status ");
    hr_text_hex(&t, s);
    set_status(&t);
    say(&t);
    return EFI_ERROR(s) ? s : EFI_LOAD_ERROR;
}

static EFI_STATUS read_map(struct hr_map *m)
{
    UINTN size = sizeof map_buf, key = 0, dsize = 0;
    UINT32 version = 0;
    EFI_STATUS s = bs->GetMemoryMap(&size, (EFI_MEMORY_DESCRIPTOR *)map_buf, &key, &dsize, &version);
    if (EFI_ERROR(s))
        return s;
    if (dsize < 32)
        return EFI_INCOMPATIBLE_VERSION;
    m->base = map_buf;
    m->desc_size = dsize;
    m->count = size / dsize;
    return EFI_SUCCESS;
}

/* At most this many memmap=@ ranges of the capture command line inside the crash region. */
#define CLAIM_KEEP 64

/* The pages claimed so far, to give back when the kernel cannot be started. */
struct claims {
    struct hr_range *done;
    size_t n, cap;
};

static void release(struct claims *c)
{
    for (size_t i = 0; i < c->n; i++)
        bs->FreePages(c->done[i].start, (c->done[i].end - c->done[i].start) / HR_PAGE);
    c->n = 0;
    if (c->done)
        bs->FreePool(c->done);
    c->done = NULL;
}

/*
 * Step 6: every conventional page outside the capture kernel's RAM (its memmap=@ ranges inside the crash region)
 * becomes EfiLoaderData (not written), so the EFI stub, LoadImage and everything else the kernel's start allocates
 * come from that RAM, never from the ELF core header or the backup of low memory above it. The firmware may take
 * a page of a range for its own map bookkeeping while we claim, so a range that fails is retried from a fresh map.
 */
static EFI_STATUS claim(const struct hr_record *r, struct claims *c)
{
    struct hr_map m;
    EFI_STATUS s = read_map(&m);
    if (EFI_ERROR(s))
        return s;
    /* what the capture kernel may use of the crash region; the rest holds the header and the backup */
    struct hr_range keep[CLAIM_KEEP];
    long nkeep = hr_capture_ram(r, keep, CLAIM_KEEP);
    if (nkeep < 0)
        return EFI_BUFFER_TOO_SMALL;
    size_t pass_cap = 2 * (sizeof map_buf / m.desc_size) + 2;
    struct hr_range *pass = NULL;
    c->cap = CLAIM_PASSES * pass_cap;
    c->n = 0;
    s = bs->AllocatePool(EfiLoaderData, pass_cap * sizeof *pass, (void **)&pass);
    if (EFI_ERROR(s))
        return s;
    s = bs->AllocatePool(EfiLoaderData, c->cap * sizeof *c->done, (void **)&c->done);
    if (EFI_ERROR(s)) {
        bs->FreePool(pass);
        return s;
    }
    size_t failures = 0;
    EFI_STATUS last = EFI_SUCCESS;
    for (unsigned p = 0; p < CLAIM_PASSES; p++) {
        s = read_map(&m);
        if (EFI_ERROR(s))
            break;
        long n = hr_claims(&m, keep, (size_t)nkeep, pass, pass_cap);
        if (n < 0) {
            s = EFI_BUFFER_TOO_SMALL;
            break;
        }
        failures = 0;
        for (long i = 0; i < n && c->n < c->cap; i++) {
            EFI_PHYSICAL_ADDRESS at = pass[i].start;
            EFI_STATUS a = bs->AllocatePages(AllocateAddress, EfiLoaderData,
                                             (pass[i].end - pass[i].start) / HR_PAGE, &at);
            if (EFI_ERROR(a)) {
                failures++;
                last = a;
            } else {
                c->done[c->n++] = pass[i];
            }
        }
        if (!failures)
            break;
    }
    bs->FreePool(pass);

    uint64_t bytes = 0;
    for (size_t i = 0; i < c->n; i++)
        bytes += c->done[i].end - c->done[i].start;
    struct hr_text t;
    hr_text_init(&t, text_buf, sizeof text_buf);
    hr_text_str(&t, "claimed ");
    hr_text_dec(&t, c->n);
    hr_text_str(&t, " ranges (");
    hr_text_dec(&t, bytes / 1024);
    hr_text_str(&t, " KiB); the capture kernel's RAM in the crash region ");
    hr_text_hex(&t, r->crash_start);
    hr_text_str(&t, "-");
    hr_text_hex(&t, r->crash_end);
    hr_text_str(&t, ":");
    for (long i = 0; i < nkeep; i++) {
        hr_text_str(&t, " ");
        hr_text_hex(&t, keep[i].start);
        hr_text_str(&t, "-");
        hr_text_hex(&t, keep[i].end);
    }
    hr_text_str(&t, " is left to the kernel");
    say(&t);
    if (failures || EFI_ERROR(s)) {
        /* booting anyway: the kernel may then land outside the crash region, but no dump at all is worse */
        hr_text_init(&t, text_buf, sizeof text_buf);
        hr_text_str(&t, "warning: ");
        hr_text_dec(&t, failures);
        hr_text_str(&t, " ranges not claimed: EFI status ");
        hr_text_hex(&t, EFI_ERROR(s) ? s : last);
        say(&t);
    }
    return EFI_SUCCESS;
}

/* The kernel's device path: the app's own device, then File(kernel path). */
static EFI_STATUS kernel_path(EFI_HANDLE image, const struct hr_record *r, EFI_DEVICE_PATH **out)
{
    EFI_LOADED_IMAGE *self;
    EFI_DEVICE_PATH *dev;
    EFI_STATUS s = bs->HandleProtocol(image, &loaded_image_guid, (void **)&self);
    if (EFI_ERROR(s))
        return s;
    s = bs->HandleProtocol(self->DeviceHandle, &device_path_guid, (void **)&dev);
    if (EFI_ERROR(s))
        return s;
    /* the device part: every node up to the end-of-entire-path node */
    const UINT8 *p = (const UINT8 *)dev;
    size_t dev_len = 0;
    for (;;) {
        UINT16 len = (UINT16)(p[dev_len + 2] | p[dev_len + 3] << 8);
        if (p[dev_len] == 0x7f && p[dev_len + 1] == 0xff)
            break;
        if (len < 4)
            return EFI_INVALID_PARAMETER;
        dev_len += len;
    }
    size_t file_len = 4 + ((size_t)r->kernel_len + 1) * 2 + 4;
    UINT8 *buf;
    s = bs->AllocatePool(EfiLoaderData, dev_len + file_len, (void **)&buf);
    if (EFI_ERROR(s))
        return s;
    for (size_t i = 0; i < dev_len; i++)
        buf[i] = p[i];
    if (!hr_file_path_nodes(r->kernel, r->kernel_len, buf + dev_len, file_len)) {
        bs->FreePool(buf);
        return EFI_INVALID_PARAMETER;
    }
    *out = (EFI_DEVICE_PATH *)buf;
    return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
    st = systab;
    bs = systab->BootServices;
    rt = systab->RuntimeServices;
    struct hr_text t;

    /* 1. the record */
    UINTN size = sizeof record_buf;
    UINT32 attributes = 0;
    EFI_STATUS s = rt->GetVariable(L"HandoffRecord", &handoff_guid, &attributes, &size, record_buf);
    if (s == EFI_NOT_FOUND)
        return refuse("no record", NULL, 0, EFI_NOT_FOUND);
    if (s == EFI_BUFFER_TOO_SMALL)
        return refuse("record malformed", "larger than 65536 bytes", 0, EFI_COMPROMISED_DATA);
    if (EFI_ERROR(s))
        return refuse("no record", "GetVariable", s, s);
    struct hr_record r;
    const char *why = hr_parse(record_buf, size, &r);
    if (why)
        return refuse("record malformed", why, 0, EFI_COMPROMISED_DATA);

    /* the memory map, before anything is allocated (step 4 uses it); first it says where reading is safe */
    struct hr_map map;
    s = read_map(&map);
    if (EFI_ERROR(s))
        return fail("GetMemoryMap", NULL, 0, s);
    if (!hr_map_covers_ram(&map, r.marker_addr, r.marker_addr + 16))
        return refuse("record malformed", "crash marker outside RAM", 0, EFI_COMPROMISED_DATA);
    if (!hr_map_covers_ram(&map, r.header_addr, r.header_addr + r.header_size))
        return refuse("record malformed", "ELF core header outside RAM", 0, EFI_COMPROMISED_DATA);

    /* 2. the crash marker */
    volatile UINT8 *marker = (volatile UINT8 *)(UINTN)r.marker_addr;
    UINT8 diff = 0;
    for (int i = 0; i < 16; i++)
        diff |= marker[i] ^ r.nonce[i];
    if (diff)
        return refuse("no crash marker (not a crashed boot)", NULL, 0, EFI_NOT_FOUND);

    /* 3. the ELF core header */
    if (!hr_digest_matches(&r, (const void *)(UINTN)r.header_addr))
        return refuse("ELF core header digest mismatch", NULL, 0, EFI_COMPROMISED_DATA);

    /* 4. what the firmware took of the dumped memory (the map above; allocating is allowed from here on) */
    long pieces = -1;
    struct hr_range *scratch = NULL;
    struct hr_used *used = NULL;
    s = bs->AllocatePool(EfiLoaderData, ((size_t)r.range_count + 1) * sizeof *scratch, (void **)&scratch);
    if (!EFI_ERROR(s)) {
        pieces = hr_firmware_used(&r, &map, scratch, r.range_count, NULL, 0);
        if (pieces < 0)
            return fail("firmware-used ranges", NULL, 0, EFI_BUFFER_TOO_SMALL);
        s = bs->AllocatePool(EfiLoaderData, ((size_t)pieces + 1) * sizeof *used, (void **)&used);
    }
    if (EFI_ERROR(s))
        return fail("AllocatePool", NULL, 0, s);
    long n = hr_firmware_used(&r, &map, scratch, r.range_count, used, (size_t)pieces);
    if (n < 0)
        return fail("firmware-used ranges", NULL, 0, EFI_BUFFER_TOO_SMALL);
    size_t var_size = hr_encode_used(used, (size_t)n, used_var, sizeof used_var);
    s = rt->SetVariable(L"HandoffFirmwareUsed", &handoff_guid,
                        EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS,
                        var_size, used_var);
    if (EFI_ERROR(s)) {
        hr_text_init(&t, text_buf, sizeof text_buf);
        hr_text_str(&t, "could not write HandoffFirmwareUsed: EFI status ");
        hr_text_hex(&t, s);
        say(&t);
    }
    for (long i = 0; i < n; i++) {
        hr_text_init(&t, text_buf, sizeof text_buf);
        hr_text_str(&t, "firmware used ");
        hr_text_hex(&t, used[i].start);
        hr_text_str(&t, "-");
        hr_text_hex(&t, used[i].end);
        hr_text_str(&t, " type ");
        if (used[i].type == HR_TYPE_MIXED)
            hr_text_str(&t, "mixed");
        else
            hr_text_dec(&t, used[i].type);
        say(&t);
    }
    char ok_buf[sizeof text_buf];
    struct hr_text ok;
    hr_text_init(&ok, ok_buf, sizeof ok_buf);
    hr_status_ok(&ok, &r, used, (size_t)n);
    bs->FreePool(used);
    bs->FreePool(scratch);

    /* 5. one boot per crash */
    for (int i = 0; i < 16; i++)
        marker[i] = 0;

    /* 6. the kernel decompresses inside the crash region */
    struct claims c = {0};
    s = claim(&r, &c);
    if (EFI_ERROR(s))
        return fail("claiming memory outside the crash region", NULL, 0, s);

    /* 7. the capture kernel */
    EFI_DEVICE_PATH *path;
    EFI_HANDLE kernel;
    s = kernel_path(image, &r, &path);
    if (!EFI_ERROR(s)) {
        s = bs->LoadImage(FALSE, image, path, NULL, 0, &kernel);
        bs->FreePool(path);
    }
    if (EFI_ERROR(s)) {
        release(&c);
        return fail("LoadImage", r.kernel, r.kernel_len, s);
    }
    size_t chars = r.cmdline_len + (r.initrd_len ? 8 + (size_t)r.initrd_len : 0) + 1;
    CHAR16 *options;
    EFI_LOADED_IMAGE *li;
    s = bs->AllocatePool(EfiLoaderData, chars * sizeof *options, (void **)&options);
    if (!EFI_ERROR(s))
        s = bs->HandleProtocol(kernel, &loaded_image_guid, (void **)&li);
    if (EFI_ERROR(s) || hr_load_options(&r, options, chars) < 0) {
        bs->UnloadImage(kernel);
        release(&c);
        return fail("LoadImage", r.kernel, r.kernel_len, EFI_ERROR(s) ? s : EFI_BUFFER_TOO_SMALL);
    }
    li->LoadOptions = options;
    li->LoadOptionsSize = (UINT32)(chars * sizeof *options);

    set_status(&ok);
    say(&ok);
    hr_text_init(&t, text_buf, sizeof text_buf);
    hr_text_str(&t, "starting ");
    hr_text_mem(&t, r.kernel, r.kernel_len);
    say(&t);
    s = bs->StartImage(kernel, NULL, NULL);
    /* the kernel never returns when it boots */
    release(&c);
    return fail("StartImage", r.kernel, r.kernel_len, s);
}
