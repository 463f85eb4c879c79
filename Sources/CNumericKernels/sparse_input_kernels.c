// Products of a sparse operand with a dense matrix, for the first layer,
// whose MNIST inputs are mostly zero pixels. Both kernels compute, for each
// item (a row of out, or an input row of dweight),
//     target[item, :] = seed + Σ_k scale[k] · source[index[k], :]
// over the item's entries k in storage order.
//
// The output dimension is cut into tiles of TILE floats that live in vector
// registers while an item accumulates. Dense rows are 4 KiB apart when
// there are 1024 outputs, so a tile's slices of successive rows all fall in
// the same few L1 sets; each tile is therefore copied, CHUNK source rows at
// a time, into a contiguous buffer that stays in L1, and every item adds the
// entries that fall in that chunk before the next chunk is copied. Items
// move through their entries with a cursor, so entries must be in
// ascending index order.
//
// Every output value is summed in one fixed order (seed, then its entries in
// storage order) with separately rounded multiplies and adds
// (-ffp-contract=off); partial sums pass through memory between chunks,
// which is exact. The bits therefore do not depend on TILE, CHUNK, the
// items a caller hands to each thread, or which clone runs, and equal a
// plain loop in the same order.
#include "numeric_kernels.h"

#include "kernel_clones.h"

// 16 floats: one zmm register, two ymm, or four xmm, as the clone allows.
typedef float vec16 __attribute__((vector_size(64)));
// The same, for loads and stores at any float alignment.
typedef float vec16u __attribute__((vector_size(64), aligned(4)));

// Macros rather than functions: a 64-byte vector passed by value would
// change the calling convention between clones.
#define LOAD16(p) (*(const vec16u *)(p))
#define STORE16(p, v) (*(vec16u *)(p) = (v))

#define LANES 16
// Eight zmm accumulators: 128 outputs per tile. Measured at the MNIST
// shape on an AVX-512 AMD EPYC core, wider tiles and shorter chunks were
// no faster (the avx2 and default clones spill some accumulators).
#define TILE_VECTORS 8
#define TILE (LANES * TILE_VECTORS)
// Source rows per copied chunk: 64 × 512 B = 32 KiB, a typical L1. The
// rows an item reads are clustered (MNIST's centre pixels), so the part in
// use stays cached even though the chunk fills L1.
#define CHUNK 64
// Items whose cursors are kept on the stack at once.
#define ITEM_BLOCK 1024

enum seed { SEED_ZERO, SEED_SHARED, SEED_TARGET };

// The helpers below are forced inline: each clone must compile them for its
// own instruction set, and an outlined copy would get the default one.

// One whole tile for items [item_begin, item_end) (at most ITEM_BLOCK),
// outputs [t, t + TILE). source_rows bounds the indices.
static inline __attribute__((always_inline)) void tile_packed(
    float *restrict target, enum seed seed, const float *shared, const int32_t *start,
    const int32_t *index, const float *scale, const float *restrict source, ptrdiff_t source_rows,
    ptrdiff_t item_begin, ptrdiff_t item_end, ptrdiff_t outputs, ptrdiff_t t) {
    float packed[CHUNK * TILE] __attribute__((aligned(64)));
    int32_t cursor[ITEM_BLOCK];
    for (ptrdiff_t item = item_begin; item < item_end; item++) {
        float *dst = target + item * outputs + t;
        if (seed == SEED_ZERO) {
            for (int v = 0; v < TILE_VECTORS; v++) STORE16(dst + v * LANES, (vec16){0});
        } else if (seed == SEED_SHARED) {
            for (int v = 0; v < TILE_VECTORS; v++) STORE16(dst + v * LANES, LOAD16(shared + t + v * LANES));
        }
        cursor[item - item_begin] = start[item];
    }
    for (ptrdiff_t c0 = 0; c0 < source_rows; c0 += CHUNK) {
        ptrdiff_t c1 = c0 + CHUNK < source_rows ? c0 + CHUNK : source_rows;
        for (ptrdiff_t r = c0; r < c1; r++) {
            const float *row = source + r * outputs + t;
            for (int v = 0; v < TILE_VECTORS; v++) STORE16(packed + (r - c0) * TILE + v * LANES, LOAD16(row + v * LANES));
        }
        for (ptrdiff_t item = item_begin; item < item_end; item++) {
            ptrdiff_t k = cursor[item - item_begin], end = start[item + 1];
            if (k >= end || index[k] >= c1) continue;
            float *dst = target + item * outputs + t;
            vec16 acc[TILE_VECTORS];
#pragma clang loop unroll(full)
            for (int v = 0; v < TILE_VECTORS; v++) acc[v] = LOAD16(dst + v * LANES);
            for (; k < end && index[k] < c1; k++) {
                const float *row = packed + (ptrdiff_t)(index[k] - c0) * TILE;
                float s = scale[k];
#pragma clang loop unroll(full)
                for (int v = 0; v < TILE_VECTORS; v++) acc[v] = acc[v] + s * LOAD16(row + v * LANES);
            }
#pragma clang loop unroll(full)
            for (int v = 0; v < TILE_VECTORS; v++) STORE16(dst + v * LANES, acc[v]);
            cursor[item - item_begin] = (int32_t)k;
        }
    }
}

// The outputs after the last whole tile, [t, column_end), for one item:
// vectors of 16, then single values, read straight from the source (this
// part is narrow, so the set conflicts above cost little).
static inline __attribute__((always_inline)) void tail_direct(
    float *dst, const float *seed_values, const int32_t *index, const float *scale,
    ptrdiff_t begin, ptrdiff_t end, const float *restrict source, ptrdiff_t outputs, ptrdiff_t t,
    ptrdiff_t column_end) {
    ptrdiff_t vector_end = column_end - (column_end - t) % LANES;
    for (ptrdiff_t j = t; j < vector_end; j += LANES) {
        vec16 acc = seed_values ? LOAD16(seed_values + j) : (vec16){0};
        for (ptrdiff_t k = begin; k < end; k++) acc = acc + scale[k] * LOAD16(source + (ptrdiff_t)index[k] * outputs + j);
        STORE16(dst + j, acc);
    }
    for (ptrdiff_t j = vector_end; j < column_end; j++) {
        float acc = seed_values ? seed_values[j] : 0.0f;
        for (ptrdiff_t k = begin; k < end; k++) acc = acc + scale[k] * source[(ptrdiff_t)index[k] * outputs + j];
        dst[j] = acc;
    }
}

// Both kernels: target rows [item_begin, item_end), columns
// [column_begin, column_end) of `outputs`.
static inline __attribute__((always_inline)) void sparse_product(
    float *restrict target, enum seed seed, const float *shared, const int32_t *start,
    const int32_t *index, const float *scale, const float *restrict source,
    ptrdiff_t item_begin, ptrdiff_t item_end, ptrdiff_t column_begin, ptrdiff_t column_end,
    ptrdiff_t outputs) {
    // Entries ascend within each item, so the last one of each bounds the
    // source rows that are read.
    ptrdiff_t source_rows = 0;
    for (ptrdiff_t item = item_begin; item < item_end; item++) {
        if (start[item + 1] > start[item] && index[start[item + 1] - 1] >= source_rows) {
            source_rows = index[start[item + 1] - 1] + 1;
        }
    }
    ptrdiff_t full_end = column_end - (column_end - column_begin) % TILE;
    for (ptrdiff_t block = item_begin; block < item_end; block += ITEM_BLOCK) {
        ptrdiff_t block_end = item_end - block > ITEM_BLOCK ? block + ITEM_BLOCK : item_end;
        for (ptrdiff_t t = column_begin; t < full_end; t += TILE) {
            tile_packed(target, seed, shared, start, index, scale, source, source_rows, block, block_end, outputs, t);
        }
    }
    if (full_end == column_end) return;
    for (ptrdiff_t item = item_begin; item < item_end; item++) {
        float *row = target + item * outputs;
        const float *seed_values = seed == SEED_SHARED ? shared : seed == SEED_TARGET ? row : NULL;
        tail_direct(row, seed_values, index, scale, start[item], start[item + 1], source, outputs, full_end,
                    column_end);
    }
}

MNIST_NCE_CLONES
void mnist_nce_sparse_rows_forward_f32(
    float *restrict out, const int32_t *row_start, const int32_t *indices, const float *values,
    const float *restrict weight, const float *bias, ptrdiff_t row_begin, ptrdiff_t row_end,
    ptrdiff_t column_begin, ptrdiff_t column_end, ptrdiff_t outputs) {
    sparse_product(out, bias ? SEED_SHARED : SEED_ZERO, bias, row_start, indices, values, weight,
                   row_begin, row_end, column_begin, column_end, outputs);
}

MNIST_NCE_CLONES
void mnist_nce_sparse_columns_weight_gradient_f32(
    float *restrict dweight, const int32_t *col_start, const int32_t *rows, const float *values,
    const float *restrict dout, ptrdiff_t input_begin, ptrdiff_t input_end, ptrdiff_t column_begin,
    ptrdiff_t column_end, ptrdiff_t outputs, int accumulate) {
    sparse_product(dweight, accumulate ? SEED_TARGET : SEED_ZERO, NULL, col_start, rows, values, dout,
                   input_begin, input_end, column_begin, column_end, outputs);
}
