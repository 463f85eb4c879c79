// Fetching a coming batch's images into the cache ahead of use. A shuffled
// epoch visits MNIST's 47 MB of pixels in random order, so each image of a
// batch starts with a cache miss that the hardware prefetchers cannot
// foresee; asked for one step ahead, the lines arrive while the step runs.
#include "numeric_kernels.h"

void mnist_nce_prefetch_rows(const void *base, ptrdiff_t row_bytes, const int32_t *rows, ptrdiff_t count) {
    const char *bytes = (const char *)base;
    for (ptrdiff_t r = 0; r < count; r++) {
        const char *row = bytes + (ptrdiff_t)rows[r] * row_bytes;
        for (ptrdiff_t offset = 0; offset < row_bytes; offset += 64) __builtin_prefetch(row + offset, 0, 3);
        // The last line, when the row does not start on a line boundary.
        if (row_bytes > 0) __builtin_prefetch(row + row_bytes - 1, 0, 3);
    }
}
