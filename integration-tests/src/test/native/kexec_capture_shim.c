/*
 * kexec_capture_shim: an LD_PRELOAD library that lets kexec-tools plan a load against a captured
 * machine profile instead of the host, and records what it would have loaded.
 *
 * Environment:
 *   HANDOFF_SHIM_ROOT       profile directory; /proc/..., /sys/... and /dev/... are looked up below it
 *                           (a path missing from the profile is missing, never the host's)
 *   HANDOFF_SHIM_OUT        directory that receives segments.txt and segN.bin on kexec_load
 *   HANDOFF_SHIM_NPROC      CPU count reported by sysconf(_SC_NPROCESSORS_CONF / _ONLN)
 *   HANDOFF_SHIM_GETRANDOM  "fail": getrandom() fails with EAGAIN (an early-boot kernel without entropy)
 *   HANDOFF_SHIM_TRACE      non-empty: log every redirected path on stderr
 *   HANDOFF_SHIM_MACHINE    machine name reported by uname() (e.g. "ia64" for a kexec-tools built with
 *                           --target=ia64-linux-gnu); when set, sched_setaffinity() is a no-op that succeeds
 *                           (ia64's kexec pins itself to CPU 0, which need not exist here) and
 *                           kexec_file_load fails with ENOSYS (the emulated machine has none)
 *   HANDOFF_SHIM_PAGESIZE   page size reported by getpagesize() and sysconf(_SC_PAGESIZE) (e.g. 16384)
 *
 * A profile directory holding a file named ORDER (sys/firmware/efi/runtime-map/ORDER: the readdir order the
 * capture saw, one name a line) is listed by readdir() in that order, ".", ".." first and ORDER itself hidden:
 * kexec-tools copies the EFI runtime map in readdir order, which on the captured machine was kernfs hash
 * order, and the host file system's order of the profile copy is neither.
 *
 * kexec_load is intercepted at syscall(); the kernel is never asked to load anything and 0 is returned.
 * The number intercepted is this host's SYS_kexec_load: kexec-tools takes __NR_kexec_load from the host's
 * <sys/syscall.h> whatever --target says (kexec/kexec-syscall.h only defines it when the header does not),
 * so a host-built ia64 kexec calls 246 on x86_64. With HANDOFF_SHIM_MACHINE=ia64, ia64's own number (1268)
 * is intercepted as well, should a build ever compile it in.
 * Build: gcc -shared -fPIC -O2 -Wall -o kexec_capture_shim.so kexec_capture_shim.c -ldl
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sched.h>
#include <unistd.h>

/* The layout of one segment as kexec_load(2) receives it. */
struct shim_kexec_segment {
    const void *buf;
    size_t bufsz;
    const void *mem;
    size_t memsz;
};

static const char *const redirected_prefixes[] = { "/proc/", "/sys/", "/dev/" };

/* Look up the next definition of a libc symbol once. */
static void *next_symbol(const char *name) {
    void *sym = dlsym(RTLD_NEXT, name);
    if (sym == NULL) {
        fprintf(stderr, "[handoff-shim] libc has no %s\n", name);
        abort();
    }
    return sym;
}

/*
 * Return the profile path for a machine path, or the path itself when it is not redirected;
 * NULL with errno set when there is no usable path.
 */
static const char *profile_path(const char *path, char *out, size_t out_size) {
    const char *root = getenv("HANDOFF_SHIM_ROOT");
    if (path == NULL) {
        errno = EFAULT;
        return NULL;
    }
    if (root == NULL || path[0] != '/') {
        return path;
    }
    /* the process's own /proc/self stays the host's: the dynamic loader and libc read it */
    if (strncmp(path, "/proc/self/", 11) == 0) {
        return path;
    }
    for (size_t i = 0; i < sizeof redirected_prefixes / sizeof redirected_prefixes[0]; i++) {
        size_t n = strlen(redirected_prefixes[i]);
        if (strncmp(path, redirected_prefixes[i], n) == 0) {
            int len = snprintf(out, out_size, "%s%s", root, path);
            if (len < 0 || (size_t) len >= out_size) {
                errno = ENAMETOOLONG;
                return NULL;
            }
            if (getenv("HANDOFF_SHIM_TRACE") != NULL && getenv("HANDOFF_SHIM_TRACE")[0] != '\0') {
                fprintf(stderr, "[handoff-shim] %s -> %s\n", path, out);
            }
            return out;
        }
    }
    return path;
}

#define MAPPED(var, path) char var##_buf[4096]; \
    const char *var = profile_path(path, var##_buf, sizeof var##_buf); \
    if (var == NULL) return FAIL_VALUE

/* Variadic open flavours carry a mode only when a file may be created. */
static mode_t mode_arg(int flags, va_list ap) {
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
        return (mode_t) va_arg(ap, int);
    }
    return 0;
}

#define FAIL_VALUE NULL
FILE *fopen(const char *path, const char *mode) {
    static FILE *(*real)(const char *, const char *);
    if (real == NULL) real = next_symbol("fopen");
    MAPPED(p, path);
    return real(p, mode);
}

FILE *fopen64(const char *path, const char *mode) {
    static FILE *(*real)(const char *, const char *);
    if (real == NULL) real = next_symbol("fopen64");
    MAPPED(p, path);
    return real(p, mode);
}

/* A directory listed in the order of its ORDER file: the names, and the next one readdir() returns. */
struct ordered_dir {
    DIR *dir;
    char **names;
    size_t count;
    size_t next;
    struct dirent entry;
};
#define MAX_ORDERED_DIRS 16
static struct ordered_dir ordered_dirs[MAX_ORDERED_DIRS];

/* Read DIR_PATH/ORDER for the opened dir; no ORDER file: the directory keeps the file system's order. */
static void track_order(DIR *dir, const char *dir_path) {
    char path[4096];
    snprintf(path, sizeof path, "%s/ORDER", dir_path);
    static FILE *(*real_fopen)(const char *, const char *);
    if (real_fopen == NULL) real_fopen = next_symbol("fopen");
    FILE *f = real_fopen(path, "r");
    if (f == NULL) {
        return;
    }
    for (int i = 0; i < MAX_ORDERED_DIRS; i++) {
        struct ordered_dir *o = &ordered_dirs[i];
        if (o->dir != NULL) {
            continue;
        }
        o->dir = dir;
        o->count = 2;
        o->next = 0;
        o->names = malloc(2 * sizeof(char *));
        o->names[0] = strdup(".");
        o->names[1] = strdup("..");
        char line[256];
        while (fgets(line, sizeof line, f) != NULL) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0] == '\0') {
                continue;
            }
            o->names = realloc(o->names, (o->count + 1) * sizeof(char *));
            o->names[o->count++] = strdup(line);
        }
        break;
    }
    fclose(f);
}

static struct ordered_dir *ordered(DIR *dir) {
    for (int i = 0; dir != NULL && i < MAX_ORDERED_DIRS; i++) {
        if (ordered_dirs[i].dir == dir) {
            return &ordered_dirs[i];
        }
    }
    return NULL;
}

DIR *opendir(const char *path) {
    static DIR *(*real)(const char *);
    if (real == NULL) real = next_symbol("opendir");
    MAPPED(p, path);
    DIR *dir = real(p);
    if (dir != NULL && p != path) {
        track_order(dir, p);
    }
    return dir;
}

struct dirent *readdir(DIR *dir) {
    static struct dirent *(*real)(DIR *);
    if (real == NULL) real = next_symbol("readdir");
    struct ordered_dir *o = ordered(dir);
    if (o == NULL) {
        return real(dir);
    }
    if (o->next >= o->count) {
        return NULL;
    }
    memset(&o->entry, 0, sizeof o->entry);
    o->entry.d_ino = o->next + 1;
    o->entry.d_off = (off_t) (o->next + 1);
    o->entry.d_reclen = sizeof o->entry;
    o->entry.d_type = DT_DIR;
    snprintf(o->entry.d_name, sizeof o->entry.d_name, "%s", o->names[o->next++]);
    return &o->entry;
}

/* On 64-bit glibc readdir64 is the same function; binaries built with _FILE_OFFSET_BITS=64 may call it. */
struct dirent64 *readdir64(DIR *dir) {
    static struct dirent64 *(*real)(DIR *);
    if (real == NULL) real = next_symbol("readdir64");
    if (ordered(dir) == NULL) {
        return real(dir);
    }
    return (struct dirent64 *) readdir(dir);
}

int closedir(DIR *dir) {
    static int (*real)(DIR *);
    if (real == NULL) real = next_symbol("closedir");
    struct ordered_dir *o = ordered(dir);
    if (o != NULL) {
        for (size_t i = 0; i < o->count; i++) {
            free(o->names[i]);
        }
        free(o->names);
        memset(o, 0, sizeof *o);
    }
    return real(dir);
}
#undef FAIL_VALUE

#define FAIL_VALUE -1
int open(const char *path, int flags, ...) {
    static int (*real)(const char *, int, ...);
    if (real == NULL) real = next_symbol("open");
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    MAPPED(p, path);
    return real(p, flags, mode);
}

int open64(const char *path, int flags, ...) {
    static int (*real)(const char *, int, ...);
    if (real == NULL) real = next_symbol("open64");
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    MAPPED(p, path);
    return real(p, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...) {
    static int (*real)(int, const char *, int, ...);
    if (real == NULL) real = next_symbol("openat");
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    MAPPED(p, path);
    return real(dirfd, p, flags, mode);
}

int stat(const char *path, struct stat *st) {
    static int (*real)(const char *, struct stat *);
    if (real == NULL) real = next_symbol("stat");
    MAPPED(p, path);
    return real(p, st);
}

int lstat(const char *path, struct stat *st) {
    static int (*real)(const char *, struct stat *);
    if (real == NULL) real = next_symbol("lstat");
    MAPPED(p, path);
    return real(p, st);
}

int access(const char *path, int how) {
    static int (*real)(const char *, int);
    if (real == NULL) real = next_symbol("access");
    MAPPED(p, path);
    return real(p, how);
}

/* Binaries built against glibc before 2.33 call the versioned stat entry points. */
int __xstat(int ver, const char *path, struct stat *st) {
    static int (*real)(int, const char *, struct stat *);
    if (real == NULL) real = next_symbol("__xstat");
    MAPPED(p, path);
    return real(ver, p, st);
}

int __lxstat(int ver, const char *path, struct stat *st) {
    static int (*real)(int, const char *, struct stat *);
    if (real == NULL) real = next_symbol("__lxstat");
    MAPPED(p, path);
    return real(ver, p, st);
}
#undef FAIL_VALUE

/* The HANDOFF_SHIM_PAGESIZE value, or 0 when it is unset or not a positive number. */
static long shim_pagesize(void) {
    const char *v = getenv("HANDOFF_SHIM_PAGESIZE");
    if (v == NULL || v[0] == '\0') {
        return 0;
    }
    long n = strtol(v, NULL, 0);
    return n > 0 ? n : 0;
}

/* Whether HANDOFF_SHIM_MACHINE is set: the shim then stands in for another architecture's machine. */
static int foreign_machine(void) {
    const char *m = getenv("HANDOFF_SHIM_MACHINE");
    return m != NULL && m[0] != '\0';
}

long sysconf(int name) {
    static long (*real)(int);
    if (real == NULL) real = next_symbol("sysconf");
    if (name == _SC_PAGESIZE && shim_pagesize() > 0) {
        return shim_pagesize();
    }
    const char *nproc = getenv("HANDOFF_SHIM_NPROC");
    /* glibc counts CPUs from the host's /sys internally, out of reach of the wrappers above */
    if (nproc != NULL && (name == _SC_NPROCESSORS_CONF || name == _SC_NPROCESSORS_ONLN)) {
        return strtol(nproc, NULL, 10);
    }
    return real(name);
}

int getpagesize(void) {
    static int (*real)(void);
    if (real == NULL) real = next_symbol("getpagesize");
    long n = shim_pagesize();
    return n > 0 ? (int) n : real();
}

int uname(struct utsname *buf) {
    static int (*real)(struct utsname *);
    if (real == NULL) real = next_symbol("uname");
    int rc = real(buf);
    if (rc == 0 && foreign_machine()) {
        snprintf(buf->machine, sizeof buf->machine, "%s", getenv("HANDOFF_SHIM_MACHINE"));
    }
    return rc;
}

int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set) {
    static int (*real)(pid_t, size_t, const cpu_set_t *);
    if (real == NULL) real = next_symbol("sched_setaffinity");
    if (foreign_machine()) {
        return 0;
    }
    return real(pid, size, set);
}

ssize_t getrandom(void *buf, size_t len, unsigned int flags) {
    static ssize_t (*real)(void *, size_t, unsigned int);
    if (real == NULL) real = next_symbol("getrandom");
    const char *mode = getenv("HANDOFF_SHIM_GETRANDOM");
    if (mode != NULL && strcmp(mode, "fail") == 0) {
        errno = EAGAIN;
        return -1;
    }
    return real(buf, len, flags);
}

/* Write segments.txt and segN.bin; return 0 on success, -1 with errno set otherwise. */
static int record_load(unsigned long entry, unsigned long count, const struct shim_kexec_segment *segs,
                       unsigned long flags) {
    const char *dir = getenv("HANDOFF_SHIM_OUT");
    if (dir == NULL) {
        fprintf(stderr, "[handoff-shim] HANDOFF_SHIM_OUT is not set\n");
        errno = EINVAL;
        return -1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/segments.txt", dir);
    FILE *table = fopen(path, "w");
    if (table == NULL) {
        return -1;
    }
    fprintf(table, "entry 0x%lx\nflags 0x%lx\nsegments %lu\n", entry, flags, count);
    fprintf(table, "# index mem memsz bufsz\n");
    for (unsigned long i = 0; i < count; i++) {
        fprintf(table, "%lu 0x%lx 0x%zx 0x%zx\n", i, (unsigned long) (uintptr_t) segs[i].mem, segs[i].memsz,
                segs[i].bufsz);
        snprintf(path, sizeof path, "%s/seg%lu.bin", dir, i);
        FILE *bin = fopen(path, "wb");
        if (bin == NULL) {
            fclose(table);
            return -1;
        }
        if (segs[i].bufsz > 0 && fwrite(segs[i].buf, 1, segs[i].bufsz, bin) != segs[i].bufsz) {
            fclose(bin);
            fclose(table);
            errno = EIO;
            return -1;
        }
        fclose(bin);
    }
    return fclose(table) == 0 ? 0 : -1;
}

/* ia64's __NR_kexec_load. */
#define IA64_NR_KEXEC_LOAD 1268

long syscall(long number, ...) {
    static long (*real)(long, ...);
    if (real == NULL) real = next_symbol("syscall");
    va_list ap;
    va_start(ap, number);
    long a[6];
    for (int i = 0; i < 6; i++) {
        a[i] = va_arg(ap, long);
    }
    va_end(ap);
    if (number == SYS_kexec_load || (number == IA64_NR_KEXEC_LOAD && foreign_machine())) {
        return record_load((unsigned long) a[0], (unsigned long) a[1],
                           (const struct shim_kexec_segment *) a[2], (unsigned long) a[3]);
    }
#ifdef SYS_kexec_file_load
    if (number == SYS_kexec_file_load && foreign_machine()) {
        errno = ENOSYS;
        return -1;
    }
#endif
    return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
