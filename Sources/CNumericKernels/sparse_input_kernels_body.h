// The sparse-input kernels for one instruction set. sparse_input_kernels.c
// includes this once per set, with
//   ISA(name)     the set's suffix for every function and type,
//   LANES         floats per vector register,
//   TILE_VECTORS  accumulators of a register tile (TILE = LANES ×
//                 TILE_VECTORS output columns),
//   CHUNK         weight rows copied per chunk of the forward product.
// Every value is a chain of separately rounded multiplies and adds in the
// order the header file states, so all sets give the same bits.

#define TILE (LANES * TILE_VECTORS)
typedef float ISA(vec) __attribute__((vector_size(LANES * 4)));
typedef float ISA(vecu) __attribute__((vector_size(LANES * 4), aligned(4)));
typedef int32_t ISA(mask) __attribute__((vector_size(LANES * 4)));
#define LOADV(p) (*(const ISA(vecu) *)(p))
#define STOREV(p, v) (*(ISA(vecu) *)(p) = (v))
// max(x, 0) as the ReLU kernel rounds it: NaN and −0 become +0.
#define RELUV(x) ((ISA(vec))((ISA(mask))(x) & ((x) > 0.0f)))
// Cache lines in one tile's slice of a row.
#define TILE_LINES (TILE * 4 / 64)

// x in every lane, −0 included: x − (+0) is x for every x, where adding x
// to a zero vector would turn −0 into +0.
static inline ISA(vec) ISA(splat)(float x) { return x - (ISA(vec)){0}; }

// Rows of out [item_begin, item_end) (at most ITEM_BLOCK), columns
// [t, t + TILE). Weight rows [row_low, row_high) cover every index of those
// items; rows without entries in the whole batch (used[r] == used[r + 1],
// when used is given) are neither read nor copied. The copies stay inline
// vector moves rather than a memcpy call per row.
__attribute__((no_builtin("memcpy"), no_builtin("memmove")))
static void ISA(forward_tile)(
    float *restrict out, const float *bias, const int32_t *start, const int32_t *index, const float *value,
    const float *restrict weight, const int32_t *used, ptrdiff_t row_low, ptrdiff_t row_high,
    ptrdiff_t item_begin, ptrdiff_t item_end, ptrdiff_t outputs, ptrdiff_t t, int relu) {
    float packed[CHUNK * TILE] __attribute__((aligned(64)));
    int32_t cursor[ITEM_BLOCK];
    ISA(vec) seed[TILE_VECTORS];
    for (int v = 0; v < TILE_VECTORS; v++) seed[v] = bias ? LOADV(bias + t + v * LANES) : (ISA(vec)){0};
    for (ptrdiff_t item = item_begin; item < item_end; item++) {
        float *dst = out + item * outputs + t;
        int empty = start[item] == start[item + 1];
        for (int v = 0; v < TILE_VECTORS; v++) STOREV(dst + v * LANES, relu && empty ? RELUV(seed[v]) : seed[v]);
        cursor[item - item_begin] = start[item];
    }
    for (ptrdiff_t c0 = row_low; c0 < row_high; c0 += CHUNK) {
        ptrdiff_t c1 = c0 + CHUNK < row_high ? c0 + CHUNK : row_high;
        for (ptrdiff_t r = c0; r < c1; r++) {
            // The same row of the next chunk is fetched meanwhile: rows are
            // a page apart, where the hardware prefetchers stop.
            ptrdiff_t ahead = r + CHUNK;
            if (ahead < row_high && (!used || used[ahead] != used[ahead + 1])) {
                for (int l = 0; l < TILE_LINES; l++) __builtin_prefetch(weight + ahead * outputs + t + l * 16, 0, 3);
            }
            if (used && used[r] == used[r + 1]) continue;
            const float *row = weight + r * outputs + t;
            for (int v = 0; v < TILE_VECTORS; v++) STOREV(packed + (r - c0) * TILE + v * LANES, LOADV(row + v * LANES));
        }
        for (ptrdiff_t item = item_begin; item < item_end; item++) {
            ptrdiff_t k = cursor[item - item_begin], end = start[item + 1];
            if (k >= end || index[k] >= c1) continue;
            float *dst = out + item * outputs + t;
            ISA(vec) acc[TILE_VECTORS];
#pragma clang loop unroll(full)
            for (int v = 0; v < TILE_VECTORS; v++) acc[v] = LOADV(dst + v * LANES);
            // Two entries per round (indices ascend, so the second's being
            // in the chunk implies the first's), in the same order.
            for (; k + 1 < end && index[k + 1] < c1; k += 2) {
                const float *row0 = packed + (ptrdiff_t)(index[k] - c0) * TILE;
                const float *row1 = packed + (ptrdiff_t)(index[k + 1] - c0) * TILE;
                float s0 = value[k], s1 = value[k + 1];
#pragma clang loop unroll(full)
                for (int v = 0; v < TILE_VECTORS; v++) {
                    acc[v] = (acc[v] + s0 * LOADV(row0 + v * LANES)) + s1 * LOADV(row1 + v * LANES);
                }
            }
            if (k < end && index[k] < c1) {
                const float *row = packed + (ptrdiff_t)(index[k] - c0) * TILE;
                float s = value[k];
#pragma clang loop unroll(full)
                for (int v = 0; v < TILE_VECTORS; v++) acc[v] = acc[v] + s * LOADV(row + v * LANES);
                k++;
            }
            if (relu && k == end) {
#pragma clang loop unroll(full)
                for (int v = 0; v < TILE_VECTORS; v++) acc[v] = RELUV(acc[v]);
            }
#pragma clang loop unroll(full)
            for (int v = 0; v < TILE_VECTORS; v++) STOREV(dst + v * LANES, acc[v]);
            cursor[item - item_begin] = (int32_t)k;
        }
    }
}

static void ISA(sparse_forward)(
    float *restrict out, const int32_t *start, const int32_t *index, const float *value,
    const float *restrict weight, const float *bias, const int32_t *used, ptrdiff_t item_begin,
    ptrdiff_t item_end, ptrdiff_t column_begin, ptrdiff_t column_end, ptrdiff_t outputs, int relu) {
    // Entries ascend within each item, so its first and last bound the
    // weight rows read.
    ptrdiff_t row_low = PTRDIFF_MAX, row_high = 0;
    for (ptrdiff_t item = item_begin; item < item_end; item++) {
        if (start[item + 1] == start[item]) continue;
        if (index[start[item]] < row_low) row_low = index[start[item]];
        if (index[start[item + 1] - 1] >= row_high) row_high = index[start[item + 1] - 1] + 1;
    }
    if (row_high == 0) row_low = 0;
    ptrdiff_t full_end = column_end - (column_end - column_begin) % TILE;
    for (ptrdiff_t block = item_begin; block < item_end; block += ITEM_BLOCK) {
        ptrdiff_t block_end = item_end - block > ITEM_BLOCK ? block + ITEM_BLOCK : item_end;
        for (ptrdiff_t t = column_begin; t < full_end; t += TILE) {
            ISA(forward_tile)(out, bias, start, index, value, weight, used, row_low, row_high, block, block_end,
                              outputs, t, relu);
        }
    }
    if (full_end < column_end) {
        sparse_forward_tail(out, start, index, value, weight, bias, item_begin, item_end, full_end, column_end,
                            outputs, relu);
    }
}

// Weight gradient of input row i, columns [t, t + TILE), from dout (rows
// of the batch `outputs` floats apart), followed by Adam on those values
// when adam is given, or stored in dweight (seeded from it when
// accumulate) otherwise.
static inline void ISA(gradient_tile)(
    float *restrict dweight, int accumulate, const struct adam_update *adam, const int32_t *col_start,
    const int32_t *rows, const float *value, const float *dout, ptrdiff_t stride, ptrdiff_t i, ptrdiff_t outputs,
    ptrdiff_t t) {
    ptrdiff_t at = i * outputs + t;
    ISA(vec) g[TILE_VECTORS];
    if (accumulate) {
#pragma clang loop unroll(full)
        for (int v = 0; v < TILE_VECTORS; v++) g[v] = LOADV(dweight + at + v * LANES);
    } else {
#pragma clang loop unroll(full)
        for (int v = 0; v < TILE_VECTORS; v++) g[v] = (ISA(vec)){0};
    }
    for (ptrdiff_t k = col_start[i]; k < col_start[i + 1]; k++) {
        const float *d = dout + (ptrdiff_t)rows[k] * stride + t;
        float s = value[k];
#pragma clang loop unroll(full)
        for (int v = 0; v < TILE_VECTORS; v++) g[v] = g[v] + s * LOADV(d + v * LANES);
    }
    if (!adam) {
#pragma clang loop unroll(full)
        for (int v = 0; v < TILE_VECTORS; v++) STOREV(dweight + at + v * LANES, g[v]);
        return;
    }
    ISA(vec) b1 = ISA(splat)(adam->beta1), b2 = ISA(splat)(adam->beta2);
    ISA(vec) c1 = ISA(splat)(1.0f - adam->beta1), c2 = ISA(splat)(1.0f - adam->beta2);
    ISA(vec) step = ISA(splat)(adam->step_size), eps = ISA(splat)(adam->epsilon);
    float *p = adam->param + at, *m = adam->first + at, *s2 = adam->second + at;
    if (!accumulate && col_start[i] == col_start[i + 1] && adam_rests_when_idle(adam)) {
        // No gradient. If the first moment is +0 throughout (a pixel no
        // image has lit for the last several hundred steps: the moment's
        // decay then underflows to zero), the new moment is +0 again and
        // the weight's change is +0, which leaves every weight bit as it
        // is, provided the second moment stays ordered (not NaN); only the
        // second moment's decay is then stored, unless that too leaves its
        // bits as they are (a pixel never lit), so its lines stay clean.
        ISA(mask) lit = (ISA(mask)){0}, moved = (ISA(mask)){0};
        ISA(vec) sv[TILE_VECTORS];
#pragma clang loop unroll(full)
        for (int v = 0; v < TILE_VECTORS; v++) {
            ISA(vec) old = LOADV(s2 + v * LANES);
            sv[v] = b2 * old + c2 * g[v] * g[v];
            lit |= (ISA(mask))LOADV(m + v * LANES) | ~(sv[v] >= 0.0f);
            moved |= (ISA(mask))old ^ (ISA(mask))sv[v];
        }
        if (__builtin_reduce_or(lit) == 0) {
            if (__builtin_reduce_or(moved) != 0) {
#pragma clang loop unroll(full)
                for (int v = 0; v < TILE_VECTORS; v++) STOREV(s2 + v * LANES, sv[v]);
            }
            return;
        }
    }
#pragma clang loop unroll(full)
    for (int v = 0; v < TILE_VECTORS; v++) {
        // The expressions of mnist_nce_adam_update_f32, term by term.
        ISA(vec) mv = b1 * LOADV(m + v * LANES) + c1 * g[v];
        ISA(vec) sv = b2 * LOADV(s2 + v * LANES) + c2 * g[v] * g[v];
        STOREV(m + v * LANES, mv);
        STOREV(s2 + v * LANES, sv);
        STOREV(p + v * LANES, LOADV(p + v * LANES) - step * mv / (__builtin_elementwise_sqrt(sv) + eps));
    }
}

// Input rows [input_begin, input_end) of the weight gradient, columns
// [column_begin, column_end); the bias gradient of those columns too when
// dbias is given and input_begin is 0. Rows are the outer loop, so the
// weight (or dweight) and the two moments stream through memory in order,
// which the hardware prefetchers follow; dout (a few hundred KiB at most
// for MNIST batches) stays in L2 across rows.
__attribute__((noinline)) static void ISA(sparse_gradient)(
    float *restrict dweight, int accumulate, const struct adam_update *adam, float *dbias,
    const int32_t *col_start, const int32_t *rows, const float *value, const float *restrict dout,
    ptrdiff_t stride, ptrdiff_t batch, ptrdiff_t input_begin, ptrdiff_t input_end, ptrdiff_t column_begin,
    ptrdiff_t column_end, ptrdiff_t outputs) {
    ptrdiff_t full_end = column_end - (column_end - column_begin) % TILE;
    if (dbias && input_begin == 0) {
        // Row by row in ascending order, from the first row's values.
        for (ptrdiff_t t = column_begin; t < full_end; t += TILE) {
            ISA(vec) sum[TILE_VECTORS];
            for (int v = 0; v < TILE_VECTORS; v++) sum[v] = batch > 0 ? LOADV(dout + t + v * LANES) : (ISA(vec)){0};
            for (ptrdiff_t b = 1; b < batch; b++) {
                for (int v = 0; v < TILE_VECTORS; v++) sum[v] = sum[v] + LOADV(dout + b * stride + t + v * LANES);
            }
            for (int v = 0; v < TILE_VECTORS; v++) STOREV(dbias + t + v * LANES, sum[v]);
        }
    }
    ptrdiff_t row_block = batch > ROW_BLOCK_WIDE_BATCH ? ROW_BLOCK_WIDE : ROW_BLOCK;
    for (ptrdiff_t block = input_begin; block < input_end; block += row_block) {
        ptrdiff_t block_end = input_end - block > row_block ? block + row_block : input_end;
        for (ptrdiff_t t = column_begin; t < full_end; t += TILE) {
            for (ptrdiff_t i = block; i < block_end; i++) {
                ISA(gradient_tile)(dweight, accumulate, adam, col_start, rows, value, dout, stride, i, outputs, t);
            }
        }
    }
    if (full_end < column_end) {
        sparse_gradient_tail(dweight, accumulate, adam, dbias && input_begin == 0 ? dbias : NULL, col_start, rows,
                             value, dout, stride, batch, input_begin, input_end, full_end, column_end, outputs);
    }
}

// Fused multiply-adds on independent accumulators for `iterations` rounds:
// the processor's multiply-add throughput, for the benchmarks' peak.
static float ISA(fma_loop)(long iterations, float seed) {
    ISA(vec) acc[12];
    ISA(vec) x = (ISA(vec)){0} + seed, y = (ISA(vec)){0} + 0.999f;
    for (int a = 0; a < 12; a++) acc[a] = x + (float)a;
    for (long i = 0; i < iterations; i++) {
#pragma clang loop unroll(full)
        for (int a = 0; a < 12; a++) acc[a] = __builtin_elementwise_fma(acc[a], y, x);
    }
    ISA(vec) sum = acc[0];
    for (int a = 1; a < 12; a++) sum = sum + acc[a];
    float total = 0;
    for (int l = 0; l < LANES; l++) total += sum[l];
    return total;
}

#undef TILE
#undef LOADV
#undef STOREV
#undef RELUV
#undef TILE_LINES
