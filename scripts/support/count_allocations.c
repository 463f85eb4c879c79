// LD_PRELOAD shim that counts heap allocations and prints the totals to
// stderr at exit; used by scripts/check-step-allocations.sh.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <unistd.h>
static atomic_long n_malloc, n_calloc, n_realloc, n_memalign;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
// dlsym itself may call calloc before the real one is known.
static char buf[65536]; static size_t used;
static void report(void) { char s[200]; int k = snprintf(s, sizeof s, "ALLOCS malloc=%ld calloc=%ld realloc=%ld memalign=%ld\n", n_malloc, n_calloc, n_realloc, n_memalign); write(2, s, k); }
__attribute__((constructor)) static void init(void) { atexit(report); }
void *malloc(size_t z) { if (!real_malloc) real_malloc = dlsym(RTLD_NEXT, "malloc"); n_malloc++; return real_malloc(z); }
void *calloc(size_t a, size_t b) { if (!real_calloc) { void *p = buf + used; used += a * b; return p; } n_calloc++; return real_calloc(a, b); }
__attribute__((constructor(101))) static void init2(void) { real_calloc = dlsym(RTLD_NEXT, "calloc"); }
void *realloc(void *p, size_t z) { if (!real_realloc) real_realloc = dlsym(RTLD_NEXT, "realloc"); n_realloc++; return real_realloc(p, z); }
static void (*real_free)(void *);
void free(void *p) {
    // Memory handed out from the bootstrap buffer is never returned to libc.
    if ((char *)p >= buf && (char *)p < buf + sizeof buf) return;
    if (!real_free) real_free = dlsym(RTLD_NEXT, "free");
    real_free(p);
}
int posix_memalign(void **p, size_t a, size_t z) { if (!real_posix_memalign) real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign"); n_memalign++; return real_posix_memalign(p, a, z); }
