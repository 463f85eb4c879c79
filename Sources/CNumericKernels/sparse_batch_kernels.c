// Listing a dense batch's non-zero values by rows and by columns (see
// SparseInputBatch). MNIST rows are mostly runs of zeros, so the row pass
// compares a vector of values at a time and skips all-zero vectors; only
// the non-zeros cost scalar work. Every instruction set lists the same
// entries in the same order.
#include "numeric_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Row pass, one value at a time: every value is written and the count
// advanced only past non-zeros, which avoids a mispredicted branch.
static int32_t list_rows_portable(
    const float *x, ptrdiff_t row_begin, ptrdiff_t batch, ptrdiff_t inputs, ptrdiff_t column_begin,
    int32_t *row_start, int32_t *columns, float *values, int32_t n) {
    for (ptrdiff_t b = row_begin; b < batch; b++) {
        const float *row = x + b * inputs;
        for (ptrdiff_t i = b == row_begin ? column_begin : 0; i < inputs; i++) {
            float value = row[i];
            columns[n] = (int32_t)i;
            values[n] = value;
            n += value != 0.0f;
        }
        row_start[b + 1] = n;
    }
    return n;
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static int32_t list_rows_avx512(
    const float *x, ptrdiff_t batch, ptrdiff_t inputs, int32_t *row_start, int32_t *columns, float *values) {
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    int32_t n = 0;
    for (ptrdiff_t b = 0; b < batch; b++) {
        const float *row = x + b * inputs;
        ptrdiff_t i = 0;
        for (; i + 16 <= inputs; i += 16) {
            __m512 v = _mm512_loadu_ps(row + i);
            // Not equal, or unordered: NaNs are kept.
            __mmask16 keep = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NEQ_UQ);
            if (!keep) continue;
            // Compressed in registers and stored whole (compressing stores
            // are slow on some processors); the 16 slots from n stay inside
            // the buffers, which hold every value of the batch.
            _mm512_storeu_ps(values + n, _mm512_maskz_compress_ps(keep, v));
            _mm512_storeu_si512(
                columns + n, _mm512_maskz_compress_epi32(keep, _mm512_add_epi32(lanes, _mm512_set1_epi32((int)i))));
            n += __builtin_popcount(keep);
        }
        if (i < inputs) return list_rows_portable(x, b, batch, inputs, i, row_start, columns, values, n);
        row_start[b + 1] = n;
    }
    return n;
}

// For each 8-bit mask of kept lanes, the kept lanes' positions in order
// and zeros after them: the permutation that moves a vector's non-zeros
// to its front. Filled when the library loads.
static uint8_t pack_lanes[256][8];

__attribute__((constructor)) static void fill_pack_lanes(void) {
    for (int mask = 0; mask < 256; mask++) {
        int k = 0;
        for (int lane = 0; lane < 8; lane++) {
            if (mask & (1 << lane)) pack_lanes[mask][k++] = (uint8_t)lane;
        }
        while (k < 8) pack_lanes[mask][k++] = 0;
    }
}

// Each vector of 8 values is packed in registers with a permutation from
// pack_lanes and stored whole, as the AVX-512 pass does with its compress
// instruction; a loop over the set bits instead mispredicted its exit at
// almost every vector.
__attribute__((target("avx2"))) static int32_t list_rows_avx2(
    const float *x, ptrdiff_t batch, ptrdiff_t inputs, int32_t *row_start, int32_t *columns, float *values) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int32_t n = 0;
    for (ptrdiff_t b = 0; b < batch; b++) {
        const float *row = x + b * inputs;
        ptrdiff_t i = 0;
        for (; i + 8 <= inputs; i += 8) {
            __m256 v = _mm256_loadu_ps(row + i);
            // Not equal, or unordered: NaNs are kept.
            unsigned keep = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_NEQ_UQ));
            if (!keep) continue;
            __m256i order = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)pack_lanes[keep]));
            // The 8 slots from n stay inside the buffers, which hold every
            // value of the batch.
            _mm256_storeu_ps(values + n, _mm256_permutevar8x32_ps(v, order));
            _mm256_storeu_si256(
                (__m256i *)(columns + n),
                _mm256_permutevar8x32_epi32(_mm256_add_epi32(lanes, _mm256_set1_epi32((int)i)), order));
            n += __builtin_popcount(keep);
        }
        if (i < inputs) return list_rows_portable(x, b, batch, inputs, i, row_start, columns, values, n);
        row_start[b + 1] = n;
    }
    return n;
}
#endif

void mnist_nce_sparse_list_f32(
    const float *x, ptrdiff_t batch, ptrdiff_t inputs, int32_t *row_start, int32_t *row_columns,
    float *row_values, int32_t *column_start, int32_t *column_rows, float *column_values, int32_t *cursor) {
    row_start[0] = 0;
    int32_t n;
#if defined(__x86_64__)
    int level = mnist_nce_sparse_instruction_set();
    if (level >= 2) {
        n = list_rows_avx512(x, batch, inputs, row_start, row_columns, row_values);
    } else if (level == 1) {
        n = list_rows_avx2(x, batch, inputs, row_start, row_columns, row_values);
    } else {
        n = batch > 0 ? list_rows_portable(x, 0, batch, inputs, 0, row_start, row_columns, row_values, 0) : 0;
    }
#else
    n = batch > 0 ? list_rows_portable(x, 0, batch, inputs, 0, row_start, row_columns, row_values, 0) : 0;
#endif
    // Columns: count, offsets, then place the row entries in row order (a
    // counting sort, so each column's rows ascend).
    int32_t *counts = column_start + 1;
    for (ptrdiff_t i = 0; i < inputs; i++) counts[i] = 0;
    for (int32_t k = 0; k < n; k++) counts[row_columns[k]]++;
    int32_t total = 0;
    for (ptrdiff_t i = 0; i < inputs; i++) {
        int32_t count = counts[i];
        column_start[i] = total;
        cursor[i] = total;
        total += count;
    }
    column_start[inputs] = total;
    for (ptrdiff_t b = 0; b < batch; b++) {
        for (int32_t k = row_start[b]; k < row_start[b + 1]; k++) {
            int32_t slot = cursor[row_columns[k]]++;
            column_rows[slot] = (int32_t)b;
            column_values[slot] = row_values[k];
        }
    }
}
