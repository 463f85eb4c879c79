// Private to the C kernels: a kernel family's cap on the instruction sets
// it may use (0 portable, 1 AVX2 + FMA, 2 AVX-512), set by the caller and
// read on every call.
#ifndef MNIST_NCE_INSTRUCTION_LIMIT_H
#define MNIST_NCE_INSTRUCTION_LIMIT_H

#include <stdatomic.h>

#include "numeric_kernels.h"

// The best set the processor has, within `limit`.
static inline int mnist_nce_capped_level(atomic_int *limit) {
    int level = mnist_nce_detected_instruction_level();
    int cap = atomic_load_explicit(limit, memory_order_relaxed);
    return level < cap ? level : cap;
}

// Sets `limit` to `level` (negative levels mean portable).
static inline void mnist_nce_set_level_limit(atomic_int *limit, int level) {
    atomic_store_explicit(limit, level < 0 ? 0 : level, memory_order_relaxed);
}

#endif
