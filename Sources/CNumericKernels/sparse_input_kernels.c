// Products of a sparse input batch with a dense weight stored input-major,
// (inputs, outputs) row-major, so every non-zero input selects one
// contiguous weight row. Used by the first layer, whose MNIST inputs are
// mostly zero pixels.
//
// The output dimension is cut into tiles of TILE floats held in vector
// registers: each (row, tile) accumulates over its non-zeros and is stored
// once. Tiles are the outer loop so that one tile of the weight (or of dout)
// is what the inner loop reads, small enough to stay in a core's L2 cache.
//
// Every output element is summed in one fixed order (its entries in storage
// order), separately rounded multiplies and adds (-ffp-contract=off): the
// bits do not depend on the tile width, the chunking by the caller, or
// which clone runs, and equal a plain loop in the same order.
#include "numeric_kernels.h"
#include <string.h>

#if defined(__x86_64__) && defined(__linux__)
#define MNIST_NCE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MNIST_NCE_CLONES
#endif

// 16 floats: one zmm register, two ymm, or four xmm, as the clone allows.
typedef float vec16 __attribute__((vector_size(64)));
// The same, for loads and stores at any float alignment.
typedef float vec16u __attribute__((vector_size(64), aligned(4)));

#define LANES 16
// Eight vectors per tile: 128 outputs. A weight tile of 784 inputs is then
// 392 KiB, and a dout tile of 128 rows is 64 KiB.
#define TILE_VECTORS 8
#define TILE (LANES * TILE_VECTORS)

// Macros rather than functions: a 64-byte vector passed by value would
// change the calling convention between clones.
#define LOAD16(p) (*(const vec16u *)(p))
#define STORE16(p, v) (*(vec16u *)(p) = (v))

// sum[j] = start[j] + Σ_k scale[k] · source[index[k] * stride + j] for j in
// [0, TILE), with start NULL meaning zeros. `index` NULL means k itself.
// Written once so both kernels share the same register tile.
static inline void tile_full(
    float *restrict dst, const float *start, const int32_t *index, const float *scale,
    ptrdiff_t begin, ptrdiff_t end, const float *restrict source, ptrdiff_t stride) {
    vec16 acc[TILE_VECTORS];
#pragma clang loop unroll(full)
    for (int v = 0; v < TILE_VECTORS; v++) acc[v] = start ? LOAD16(start + v * LANES) : (vec16){0};
    for (ptrdiff_t k = begin; k < end; k++) {
        const float *row = source + (ptrdiff_t)index[k] * stride;
        float s = scale[k];
#pragma clang loop unroll(full)
        for (int v = 0; v < TILE_VECTORS; v++) acc[v] = acc[v] + s * LOAD16(row + v * LANES);
    }
#pragma clang loop unroll(full)
    for (int v = 0; v < TILE_VECTORS; v++) STORE16(dst + v * LANES, acc[v]);
}

// The same over one vector of 16 outputs, for the part of a row after the
// last whole tile.
static inline void tile_vector(
    float *restrict dst, const float *start, const int32_t *index, const float *scale,
    ptrdiff_t begin, ptrdiff_t end, const float *restrict source, ptrdiff_t stride) {
    vec16 acc = start ? LOAD16(start) : (vec16){0};
    for (ptrdiff_t k = begin; k < end; k++) {
        acc = acc + scale[k] * LOAD16(source + (ptrdiff_t)index[k] * stride);
    }
    STORE16(dst, acc);
}

// The same over fewer than 16 outputs.
static inline void tile_scalar(
    float *restrict dst, const float *start, const int32_t *index, const float *scale,
    ptrdiff_t begin, ptrdiff_t end, const float *restrict source, ptrdiff_t stride, ptrdiff_t width) {
    for (ptrdiff_t j = 0; j < width; j++) {
        float acc = start ? start[j] : 0.0f;
        for (ptrdiff_t k = begin; k < end; k++) acc = acc + scale[k] * source[(ptrdiff_t)index[k] * stride + j];
        dst[j] = acc;
    }
}

MNIST_NCE_CLONES
void mnist_nce_sparse_rows_forward_f32(
    float *restrict out, const int32_t *row_start, const int32_t *indices, const float *values,
    const float *restrict weight, const float *bias, ptrdiff_t row_begin, ptrdiff_t row_end,
    ptrdiff_t outputs) {
    ptrdiff_t full_end = outputs - outputs % TILE;
    for (ptrdiff_t t = 0; t < full_end; t += TILE) {
        for (ptrdiff_t b = row_begin; b < row_end; b++) {
            tile_full(out + b * outputs + t, bias ? bias + t : NULL, indices, values,
                      row_start[b], row_start[b + 1], weight + t, outputs);
        }
    }
    ptrdiff_t vector_end = outputs - outputs % LANES;
    for (ptrdiff_t b = row_begin; b < row_end; b++) {
        for (ptrdiff_t t = full_end; t < vector_end; t += LANES) {
            tile_vector(out + b * outputs + t, bias ? bias + t : NULL, indices, values,
                        row_start[b], row_start[b + 1], weight + t, outputs);
        }
        if (vector_end < outputs) {
            tile_scalar(out + b * outputs + vector_end, bias ? bias + vector_end : NULL, indices, values,
                        row_start[b], row_start[b + 1], weight + vector_end, outputs, outputs - vector_end);
        }
    }
}

// The column sums are formed from zero and then added to dweight (rather
// than accumulating onto dweight directly), so accumulating into zeros gives
// the same bits as overwriting.
MNIST_NCE_CLONES
void mnist_nce_sparse_columns_weight_gradient_f32(
    float *restrict dweight, const int32_t *col_start, const int32_t *rows, const float *values,
    const float *restrict dout, ptrdiff_t input_begin, ptrdiff_t input_end, ptrdiff_t outputs,
    int accumulate) {
    float sum[TILE] __attribute__((aligned(64)));
    ptrdiff_t full_end = outputs - outputs % TILE;
    ptrdiff_t vector_end = outputs - outputs % LANES;
    for (ptrdiff_t t = 0; t < outputs; t += TILE) {
        ptrdiff_t width = t < full_end ? TILE : outputs - t;
        for (ptrdiff_t i = input_begin; i < input_end; i++) {
            float *dst = dweight + i * outputs + t;
            ptrdiff_t begin = col_start[i], end = col_start[i + 1];
            float *target = accumulate ? sum : dst;
            if (width == TILE) {
                tile_full(target, NULL, rows, values, begin, end, dout + t, outputs);
            } else {
                ptrdiff_t vectors = (vector_end - t) / LANES;
                for (ptrdiff_t v = 0; v < vectors; v++) {
                    tile_vector(target + v * LANES, NULL, rows, values, begin, end, dout + t + v * LANES, outputs);
                }
                if (vector_end < outputs) {
                    ptrdiff_t j = vector_end - t;
                    tile_scalar(target + j, NULL, rows, values, begin, end, dout + vector_end, outputs, width - j);
                }
            }
            if (accumulate) {
                for (ptrdiff_t j = 0; j < width; j++) dst[j] = dst[j] + sum[j];
            }
        }
    }
}
