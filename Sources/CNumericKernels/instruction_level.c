#include "numeric_kernels.h"

#include <stdatomic.h>

// -1 until first asked.
static atomic_int detected_level = -1;

int mnist_nce_detected_instruction_level(void) {
    int level = atomic_load_explicit(&detected_level, memory_order_relaxed);
    if (level < 0) {
        level = 0;
#if defined(__x86_64__)
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = 1;
        if (level == 1 && __builtin_cpu_supports("avx512f")) level = 2;
#endif
        atomic_store_explicit(&detected_level, level, memory_order_relaxed);
    }
    return level;
}
