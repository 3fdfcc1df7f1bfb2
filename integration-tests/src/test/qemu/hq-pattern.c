/*
 * hq-pattern: a memory pattern that says, after a crash or a reset, how much of a kernel's memory survived.
 *
 *   hq-pattern fill MIB PFNFILE
 *     allocates MIB MiB, locks it (mlock), writes every 8-byte word as its physical address XOR
 *     0x48414e444f464621 ("HANDOFF!"), takes each page's frame number from /proc/self/pagemap (root), writes the
 *     sorted frame numbers (u64, host order) to PFNFILE, fsyncs it, prints "hq-pattern: ready N pages" and sleeps
 *     until killed: the pages stay allocated until the kernel panics or the machine resets. Compaction of locked
 *     pages is turned off first (vm.compact_unevictable_allowed=0), and the frame numbers are read again after the
 *     pattern is written: a page that moved meanwhile is an error.
 *   hq-pattern check VMCORE PFNFILE
 *     reads the ELF64 core's program headers and, for each frame of PFNFILE, the page through the PT_LOAD that
 *     covers it; prints "hq-pattern: N pages intact, M differ, K not in the dump", then one line per merged range
 *     of differing pages "hq-pattern: differ 0xSTART-0xEND" and of pages no PT_LOAD covers
 *     "hq-pattern: not in the dump 0xSTART-0xEND" (physical addresses, end exclusive; at most 100 lines of each).
 *     Exit status 0 when every page is intact, 1 otherwise, 2 on errors.
 *
 * Built static on the host (prepare.sh: gcc -static -O2) and put in the guest's initramfs.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC 0x48414e444f464621ULL
#define PAGE 4096UL
#define MAX_RANGE_LINES 100

static int die(const char *what) {
    fprintf(stderr, "hq-pattern: %s: %s\n", what, strerror(errno));
    return 2;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* frame numbers of n pages from base (pagemap: bit 63 present, bits 0-54 the frame) into out; -1 on errors */
static int frames(int pagemap, const char *base, size_t n, uint64_t *out) {
    size_t done = 0;
    while (done < n) {
        size_t chunk = n - done > 4096 ? 4096 : n - done;
        off_t off = (off_t)(((uintptr_t)base / PAGE + done) * 8);
        ssize_t r = pread(pagemap, out + done, chunk * 8, off);
        if (r != (ssize_t)(chunk * 8)) {
            return -1;
        }
        for (size_t i = done; i < done + chunk; i++) {
            uint64_t e = out[i];
            if (!(e >> 63 & 1) || (e & ((1ULL << 55) - 1)) == 0) {
                fprintf(stderr, "hq-pattern: page %zu not present or its frame hidden (not root?): 0x%llx\n", i,
                        (unsigned long long)e);
                errno = EINVAL;
                return -1;
            }
            out[i] = e & ((1ULL << 55) - 1);
        }
        done += chunk;
    }
    return 0;
}

static int fill(long mib, const char *pfnfile) {
    size_t bytes = (size_t)mib << 20, n = bytes / PAGE;
    int fd = open("/proc/sys/vm/compact_unevictable_allowed", O_WRONLY);
    if (fd >= 0) {
        if (write(fd, "0\n", 2) != 2) {
            fprintf(stderr, "hq-pattern: cannot turn off compaction of locked pages\n");
        }
        close(fd);
    }
    char *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (mem == MAP_FAILED) {
        return die("mmap");
    }
    madvise(mem, bytes, MADV_NOHUGEPAGE);
    if (mlock(mem, bytes) != 0) {
        return die("mlock");
    }
    for (size_t i = 0; i < n; i++) { /* every page its own frame (no shared zero page) */
        mem[i * PAGE] = 1;
    }
    int pagemap = open("/proc/self/pagemap", O_RDONLY);
    if (pagemap < 0) {
        return die("/proc/self/pagemap");
    }
    uint64_t *pfn = malloc(n * 8), *again = malloc(n * 8);
    if (!pfn || !again) {
        return die("malloc");
    }
    if (frames(pagemap, mem, n, pfn) != 0) {
        return die("pagemap");
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t *w = (uint64_t *)(mem + i * PAGE), pa = pfn[i] * PAGE;
        for (size_t k = 0; k < PAGE / 8; k++) {
            w[k] = (pa + k * 8) ^ MAGIC;
        }
    }
    if (frames(pagemap, mem, n, again) != 0) {
        return die("pagemap");
    }
    for (size_t i = 0; i < n; i++) {
        if (again[i] != pfn[i]) {
            fprintf(stderr, "hq-pattern: page %zu moved from frame 0x%llx to 0x%llx while being written\n", i,
                    (unsigned long long)pfn[i], (unsigned long long)again[i]);
            return 2;
        }
    }
    close(pagemap);
    qsort(again, n, 8, cmp_u64);
    int out = open(pfnfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        return die(pfnfile);
    }
    for (size_t done = 0; done < n * 8;) {
        ssize_t w = write(out, (char *)again + done, n * 8 - done);
        if (w <= 0) {
            return die("write");
        }
        done += (size_t)w;
    }
    if (fsync(out) != 0 || close(out) != 0) {
        return die("fsync");
    }
    printf("hq-pattern: ready %zu pages, frames 0x%llx-0x%llx\n", n, (unsigned long long)again[0],
           (unsigned long long)again[n - 1]);
    fflush(stdout);
    for (;;) {
        pause();
    }
}

/* merged ranges of pages, printed at the end */
struct ranges {
    const char *what;
    uint64_t start, end; /* the open range, bytes */
    long lines, dropped;
    char buf[MAX_RANGE_LINES][64];
};

static void add(struct ranges *r, uint64_t pa) {
    if (r->end == pa && r->end != r->start) {
        r->end += PAGE;
        return;
    }
    if (r->end != r->start) {
        if (r->lines < MAX_RANGE_LINES) {
            snprintf(r->buf[r->lines++], 64, "0x%llx-0x%llx", (unsigned long long)r->start,
                     (unsigned long long)r->end);
        } else {
            r->dropped++;
        }
    }
    r->start = pa;
    r->end = pa + PAGE;
}

static void print(struct ranges *r) {
    add(r, ~0ULL - 2 * PAGE); /* flush the open range */
    for (long i = 0; i < r->lines; i++) {
        printf("hq-pattern: %s %s\n", r->what, r->buf[i]);
    }
    if (r->dropped) {
        printf("hq-pattern: %s: %ld more ranges not listed\n", r->what, r->dropped);
    }
}

static int check(const char *vmcore, const char *pfnfile) {
    int fd = open(vmcore, O_RDONLY);
    if (fd < 0) {
        return die(vmcore);
    }
    Elf64_Ehdr eh;
    if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0
        || eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0) {
        fprintf(stderr, "hq-pattern: %s is no ELF64 core\n", vmcore);
        return 2;
    }
    Elf64_Phdr *ph = calloc(eh.e_phnum, sizeof *ph);
    if (!ph || pread(fd, ph, eh.e_phnum * sizeof *ph, (off_t)eh.e_phoff) != (ssize_t)(eh.e_phnum * sizeof *ph)) {
        return die("program headers");
    }
    int pf = open(pfnfile, O_RDONLY);
    struct stat st;
    if (pf < 0 || fstat(pf, &st) != 0) {
        return die(pfnfile);
    }
    size_t n = (size_t)st.st_size / 8;
    uint64_t *pfn = malloc(n * 8 + 8);
    if (!pfn || read(pf, pfn, n * 8) != (ssize_t)(n * 8)) {
        return die("reading the frame list");
    }
    close(pf);
    qsort(pfn, n, 8, cmp_u64);
    static struct ranges differ = {.what = "differ"}, missing = {.what = "not in the dump"};
    uint64_t page[PAGE / 8];
    long intact = 0, bad = 0, absent = 0, bad_words = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t pa = pfn[i] * PAGE;
        const Elf64_Phdr *load = NULL;
        for (int k = 0; k < eh.e_phnum; k++) {
            if (ph[k].p_type == PT_LOAD && pa >= ph[k].p_paddr && pa + PAGE <= ph[k].p_paddr + ph[k].p_filesz) {
                load = &ph[k];
                break;
            }
        }
        if (!load) {
            absent++;
            add(&missing, pa);
            continue;
        }
        if (pread(fd, page, PAGE, (off_t)(load->p_offset + (pa - load->p_paddr))) != (ssize_t)PAGE) {
            return die("reading the core");
        }
        long words = 0;
        for (size_t k = 0; k < PAGE / 8; k++) {
            words += page[k] != ((pa + k * 8) ^ MAGIC);
        }
        if (words) {
            bad++;
            bad_words += words;
            add(&differ, pa);
        } else {
            intact++;
        }
    }
    printf("hq-pattern: %ld pages intact, %ld differ, %ld not in the dump\n", intact, bad, absent);
    if (bad) {
        printf("hq-pattern: %ld words differ\n", bad_words);
    }
    print(&differ);
    print(&missing);
    return intact == (long)n && n > 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 4 && strcmp(argv[1], "fill") == 0 && atol(argv[2]) > 0) {
        return fill(atol(argv[2]), argv[3]);
    }
    if (argc == 4 && strcmp(argv[1], "check") == 0) {
        return check(argv[2], argv[3]);
    }
    fprintf(stderr, "usage: hq-pattern fill MIB PFNFILE | hq-pattern check VMCORE PFNFILE\n");
    return 2;
}
