// The number of processors the process may run on, for the default thread
// count: its affinity mask (taskset, cpusets), not the machine's total.
#define _GNU_SOURCE
#include "numeric_kernels.h"

#include <sched.h>
#include <unistd.h>

int mnist_nce_available_cores(void) {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int count = CPU_COUNT(&set);
        if (count > 0) return count;
    }
#endif
    // Masks wider than cpu_set_t, and systems without affinity masks.
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}
