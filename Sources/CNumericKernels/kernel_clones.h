// Private to the C kernels: one kernel compiled for each instruction set,
// and the choice between them at run time.
#ifndef MNIST_NCE_KERNEL_CLONES_H
#define MNIST_NCE_KERNEL_CLONES_H

#include "instruction_limit.h"

// MNIST_NCE_VERSIONS(storage, name, body, level, params, args) defines the
// kernel `storage void name params` (storage: nothing for a public kernel,
// or `static`), which calls `body args` compiled for AVX-512,
// for AVX2 or for the baseline, the best of the sets `level` (an
// expression, evaluated per call: 2, 1 or 0) allows. `body` is a static
// always-inline function, so each version is vectorised for its own set.
// The kernels build with -ffp-contract=off, so every version rounds the
// same way; only the speed depends on the set.
#if defined(__x86_64__)
#define MNIST_NCE_VERSIONS(storage, name, body, level, params, args)       \
    __attribute__((target("avx512f"))) static void name##_avx512 params { \
        body args;                                                         \
    }                                                                      \
    __attribute__((target("avx2"))) static void name##_avx2 params {      \
        body args;                                                         \
    }                                                                      \
    static void name##_baseline params { body args; }                      \
    storage void name params {                                             \
        switch (level) {                                                   \
        case 2: name##_avx512 args; break;                                 \
        case 1: name##_avx2 args; break;                                   \
        default: name##_baseline args; break;                              \
        }                                                                  \
    }
#else
#define MNIST_NCE_VERSIONS(storage, name, body, level, params, args) \
    storage void name params { body args; }
#endif

#define MNIST_NCE_INLINE static inline __attribute__((always_inline))

#endif
