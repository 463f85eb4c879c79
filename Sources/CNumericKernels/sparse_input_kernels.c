// Products of a sparse operand with a dense matrix, for the first layer,
// whose MNIST inputs are mostly zero pixels. Both kernels compute, for each
// item (a row of out, or an input row of dweight),
//     target[item, :] = seed + Σ_k scale[k] · source[index[k], :]
// over the item's entries k in storage order.
//
// The output dimension is cut into tiles of TILE floats that live in vector
// registers while an item accumulates; TILE is sized to each instruction
// set's registers (128 columns in 8 zmm, 64 in 8 ymm, 32 in 8 xmm), and a
// caller's column group of MNIST_NCE_SPARSE_COLUMN_TILE holds whole tiles of
// every set. Dense rows are 4 KiB apart when there are 1024 outputs, so a
// tile's slices of successive rows all fall in the same few L1 sets:
//   - forward: each tile of the weight is copied, CHUNK rows at a time, into
//     a contiguous buffer that stays in L1, and every item adds the entries
//     that fall in that chunk before the next chunk is copied (items move
//     through their entries with a cursor, so entries must ascend). Rows no
//     item of the batch uses are skipped, and the next chunk's rows are
//     prefetched while one is copied.
//   - weight gradient: input rows go by in blocks (ROW_BLOCK), and each
//     block runs through the tiles, so dweight (or the weight and its two
//     moments) streams through memory nearly in order, and the batch's
//     slice of dout for a tile (rows padded by the caller so that they do
//     not share L1 sets) is read from L1 by every row of the block. A
//     caller splits the work by input rows. The Adam variant updates the
//     weight and its two moments right there, tile by tile, so the gradient
//     never goes to memory; at MNIST's batch sizes its square roots and
//     divisions take about as long as the products.
//
// Every output value is summed in one fixed order (seed, then its entries in
// storage order) with separately rounded multiplies and adds
// (-ffp-contract=off); partial sums pass through memory between chunks,
// which is exact. The bits therefore do not depend on TILE, CHUNK, the
// items a caller hands to each thread, or which instruction set runs, and
// equal a plain loop in the same order. The Adam variant rounds each value
// exactly as mnist_nce_adam_update_f32 does. The gradient kernels run with
// denormals flushed to zero, as the optimizer updates do (see
// denormal_mode.c), so the fused and separate forms agree.
#define _GNU_SOURCE
#include "numeric_kernels.h"
#include "instruction_limit.h"

#include <stdatomic.h>
#include <time.h>

// Input rows the gradient kernels take through the tiles together: fewer
// keep the weight and moments streaming in order, more read each tile's
// slice of dout more often from L1. Measured on an AVX-512 EPYC with MNIST
// batches: at batch 32 on two threads, 4 rows beat 1, 2, 8 and 16 (0.11
// against 0.14 ms for the fused kernel at 16); past 64 batch rows, 16 beat 4
// on one thread (the slice is then 32 KiB or more) and tied on two.
#define ROW_BLOCK 4
#define ROW_BLOCK_WIDE 16
#define ROW_BLOCK_WIDE_BATCH 64
// Items whose cursors are kept on the stack at once.
#define ITEM_BLOCK 1024

struct adam_update {
    float *param, *first, *second;
    float beta1, beta2, step_size, epsilon;
};

// Whether Adam, given a zero gradient and a first moment of +0, leaves
// the weight exactly as it is: the step times +0 is +0 when the step is
// finite, and the divisor is positive when epsilon is (the second moment
// being ordered and not negative). A negative step (or −0) would give −0,
// and a weight of −0 minus −0 is +0: such steps never reach the tiles (see
// mnist_nce_sparse_columns_weight_gradient_adam_f32). The test is kept to
// these two comparisons: other forms of it (the sign bit, a flag decided
// once per call) made the compiler lay out the kernel's Adam part so that
// it ran about 6% slower.
static inline int adam_rests_when_idle(const struct adam_update *adam) {
    return __builtin_isfinite(adam->step_size) && adam->epsilon > 0.0f;
}

// The columns after the last whole tile, one value at a time (narrow, so
// speed does not matter). Same order and rounding as the tiles.
static void sparse_forward_tail(
    float *restrict out, const int32_t *start, const int32_t *index, const float *value,
    const float *restrict weight, const float *bias, ptrdiff_t item_begin, ptrdiff_t item_end,
    ptrdiff_t column_begin, ptrdiff_t column_end, ptrdiff_t outputs, int relu) {
    for (ptrdiff_t item = item_begin; item < item_end; item++) {
        for (ptrdiff_t j = column_begin; j < column_end; j++) {
            float acc = bias ? bias[j] : 0.0f;
            for (ptrdiff_t k = start[item]; k < start[item + 1]; k++) {
                acc = acc + value[k] * weight[(ptrdiff_t)index[k] * outputs + j];
            }
            out[item * outputs + j] = relu ? (acc > 0.0f ? acc : 0.0f) : acc;
        }
    }
}

static void sparse_gradient_tail(
    float *restrict dweight, int accumulate, const struct adam_update *adam, float *dbias,
    const int32_t *col_start, const int32_t *rows, const float *value, const float *restrict dout,
    ptrdiff_t stride, ptrdiff_t batch, ptrdiff_t input_begin, ptrdiff_t input_end, ptrdiff_t column_begin,
    ptrdiff_t column_end, ptrdiff_t outputs) {
    for (ptrdiff_t j = column_begin; dbias && j < column_end; j++) {
        float sum = batch > 0 ? dout[j] : 0.0f;
        for (ptrdiff_t b = 1; b < batch; b++) sum = sum + dout[b * stride + j];
        dbias[j] = sum;
    }
    for (ptrdiff_t i = input_begin; i < input_end; i++) {
        for (ptrdiff_t j = column_begin; j < column_end; j++) {
            ptrdiff_t at = i * outputs + j;
            float g = accumulate ? dweight[at] : 0.0f;
            for (ptrdiff_t k = col_start[i]; k < col_start[i + 1]; k++) {
                g = g + value[k] * dout[(ptrdiff_t)rows[k] * stride + j];
            }
            if (!adam) {
                dweight[at] = g;
                continue;
            }
            float m = adam->beta1 * adam->first[at] + (1.0f - adam->beta1) * g;
            float v = adam->beta2 * adam->second[at] + (1.0f - adam->beta2) * g * g;
            adam->first[at] = m;
            adam->second[at] = v;
            adam->param[at] -= adam->step_size * m / (__builtin_sqrtf(v) + adam->epsilon);
        }
    }
}

// Portable: 4-float vectors (SSE2 on x86-64, NEON elsewhere).
#define ISA(name) name##_portable
#define LANES 4
#define TILE_VECTORS 8
#define CHUNK 64
#include "sparse_input_kernels_body.h"
#undef ISA
#undef LANES
#undef TILE_VECTORS
#undef CHUNK

#if defined(__x86_64__)
#define HAVE_X86_SETS 1

// AVX2: 16 ymm registers, so 8 accumulators (64 columns) leave room for
// the broadcast scale and the loaded row; a tile's chunk is 16 KiB.
#pragma clang attribute push(__attribute__((target("arch=x86-64-v3"))), apply_to = function)
#define ISA(name) name##_avx2
#define LANES 8
#define TILE_VECTORS 8
#define CHUNK 64
#include "sparse_input_kernels_body.h"
#undef ISA
#undef LANES
#undef TILE_VECTORS
#undef CHUNK
#pragma clang attribute pop

// AVX-512: 8 zmm accumulators, 128 columns; a chunk is 32 KiB. Measured on
// an AVX-512 AMD EPYC core, wider tiles were no faster. min_vector_width
// stops the compiler from splitting the 64-byte vectors into ymm halves.
#pragma clang attribute push(__attribute__((target("arch=x86-64-v4"), min_vector_width(512))), apply_to = function)
#define ISA(name) name##_avx512
#define LANES 16
#define TILE_VECTORS 8
#define CHUNK 64
#include "sparse_input_kernels_body.h"
#undef ISA
#undef LANES
#undef TILE_VECTORS
#undef CHUNK
#pragma clang attribute pop
#endif

// 0 portable, 1 AVX2 + FMA, 2 AVX-512: the most the kernels may use.
static atomic_int level_limit = 2;

int mnist_nce_sparse_instruction_set(void) { return mnist_nce_capped_level(&level_limit); }

void mnist_nce_sparse_limit_instruction_set(int level) { mnist_nce_set_level_limit(&level_limit, level); }

int mnist_nce_sparse_vector_lanes(void) {
    switch (mnist_nce_sparse_instruction_set()) {
    case 2: return 16;
    case 1: return 8;
    default: return 4;
    }
}

#if HAVE_X86_SETS
#define DISPATCH(name, ...)                                                       \
    switch (mnist_nce_sparse_instruction_set()) {                                 \
    case 2: name##_avx512(__VA_ARGS__); break;                                    \
    case 1: name##_avx2(__VA_ARGS__); break;                                      \
    default: name##_portable(__VA_ARGS__); break;                                 \
    }
#else
#define DISPATCH(name, ...) name##_portable(__VA_ARGS__)
#endif

void mnist_nce_sparse_rows_forward_f32(
    float *restrict out, const int32_t *row_start, const int32_t *indices, const float *values,
    const float *restrict weight, const float *bias, const int32_t *used_rows, ptrdiff_t row_begin,
    ptrdiff_t row_end, ptrdiff_t column_begin, ptrdiff_t column_end, ptrdiff_t outputs, int relu) {
    if (row_begin >= row_end || column_begin >= column_end) return;
    DISPATCH(sparse_forward, out, row_start, indices, values, weight, bias, used_rows, row_begin, row_end,
             column_begin, column_end, outputs, relu);
}

void mnist_nce_sparse_columns_weight_gradient_f32(
    float *restrict dweight, float *dbias, const int32_t *col_start, const int32_t *rows, const float *values,
    const float *restrict dout, ptrdiff_t dout_stride, ptrdiff_t batch, ptrdiff_t input_begin, ptrdiff_t input_end,
    ptrdiff_t column_begin, ptrdiff_t column_end, ptrdiff_t outputs, int accumulate) {
    if (column_begin >= column_end) return;
    if (accumulate) dbias = NULL;
    unsigned long mode = mnist_nce_flush_denormals_begin();
    DISPATCH(sparse_gradient, dweight, accumulate, NULL, dbias, col_start, rows, values, dout, dout_stride, batch,
             input_begin, input_end, column_begin, column_end, outputs);
    mnist_nce_flush_denormals_end(mode);
}

void mnist_nce_sparse_columns_weight_gradient_adam_f32(
    float *restrict parameters, float *restrict first_moment, float *restrict second_moment, float *dbias,
    const int32_t *col_start, const int32_t *rows, const float *values, const float *restrict dout,
    ptrdiff_t dout_stride, ptrdiff_t batch, ptrdiff_t input_begin, ptrdiff_t input_end, ptrdiff_t column_begin,
    ptrdiff_t column_end, ptrdiff_t outputs, float beta1, float beta2, float step_size, float epsilon) {
    if (column_begin >= column_end) return;
    struct adam_update adam = {parameters, first_moment, second_moment, beta1, beta2, step_size, epsilon};
    unsigned long mode = mnist_nce_flush_denormals_begin();
    if (__builtin_signbit(step_size)) {
        // A negative step (or −0), which no training run takes: the plain
        // loop, whose every value takes the full update.
        sparse_gradient_tail(NULL, 0, &adam, input_begin == 0 ? dbias : NULL, col_start, rows, values, dout,
                             dout_stride, batch, input_begin, input_end, column_begin, column_end, outputs);
    } else {
        DISPATCH(sparse_gradient, NULL, 0, &adam, dbias, col_start, rows, values, dout, dout_stride, batch,
                 input_begin, input_end, column_begin, column_end, outputs);
    }
    mnist_nce_flush_denormals_end(mode);
}

double mnist_nce_fma_throughput(double seconds) {
    // Rounds of 12 vector multiply-adds, timed in slices; the best slice
    // counts (a busy machine only ever slows the loop down).
    const long rounds = 200000;
    struct timespec begin, now;
    double best = 0, elapsed = 0;
    float sink = 0;
    while (elapsed < seconds) {
        clock_gettime(CLOCK_MONOTONIC, &begin);
        float r = 0;
#if HAVE_X86_SETS
        switch (mnist_nce_sparse_instruction_set()) {
        case 2: r = fma_loop_avx512(rounds, 0.5f + sink); break;
        case 1: r = fma_loop_avx2(rounds, 0.5f + sink); break;
        default: r = fma_loop_portable(rounds, 0.5f + sink); break;
        }
#else
        r = fma_loop_portable(rounds, 0.5f + sink);
#endif
        sink = r * 1e-30f;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double slice = (double)(now.tv_sec - begin.tv_sec) + 1e-9 * (double)(now.tv_nsec - begin.tv_nsec);
        elapsed += slice;
        double rate = 12.0 * (double)rounds / slice;
        if (rate > best) best = rate;
    }
    return sink == 12345.0f ? 0 : best;
}
