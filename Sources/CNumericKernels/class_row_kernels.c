// The output layer's products: a batch of embeddings x (batch, dim) against
// chosen rows of the class weights W (classes, dim). Row b uses `width`
// classes, classes[b · width + j] (or simply j when classes is NULL, the
// full layer of softmax and prediction); NCE and sampled softmax pass each
// row's true classes followed by the batch's sampled ones.
//
// The order of every sum is fixed, and equals the losses' Swift loops
// (VectorKernels.dot and .axpy in SampledLosses):
//   - a dot product keeps eight partial sums, s_r over the elements i ≡ r
//     (mod 8) of the whole groups of eight, adds the remaining elements to
//     s_0 one by one, and returns ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 +
//     s7)); an 8-float vector holds exactly those partial sums, so the code
//     uses 8-float vectors on every instruction set;
//   - a gradient row is a chain of separately rounded products added in
//     class order (inputs) or in batch-then-class order (weights), each
//     element on its own, so any vector width gives the same bits.
// Gradient entries equal to zero are skipped, as the losses' loops do. The
// kernels follow the sparse kernels' instruction-set cap.
#include "numeric_kernels.h"
#include "kernel_clones.h"

typedef float vec8 __attribute__((vector_size(32)));
typedef float vec8u __attribute__((vector_size(32), aligned(4)));
typedef float vec16 __attribute__((vector_size(64)));
typedef float vec16u __attribute__((vector_size(64), aligned(4)));
#define LOAD8(p) (*(const vec8u *)(p))
#define LOAD16(p) (*(const vec16u *)(p))
#define STORE16(p, v) (*(vec16u *)(p) = (v))

// Dot products computed side by side: independent chains hide the adds'
// latency, and a row's products share their loads of x.
#define DOT_GROUP 4

static inline ptrdiff_t class_at(const int32_t *classes, ptrdiff_t width, ptrdiff_t b, ptrdiff_t j) {
    return classes ? (ptrdiff_t)classes[b * width + j] : j;
}

// The dot product from its eight partial sums s (stored) and the elements
// from i on.
static inline float finish_dot(const float *s, const float *x, const float *w, ptrdiff_t i, ptrdiff_t dim) {
    float s0 = s[0];
    for (; i < dim; i++) s0 = s0 + x[i] * w[i];
    return ((s0 + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

MNIST_NCE_INLINE void class_rows_dots(
    float *restrict out, const float *inputs, const float *weights, const int32_t *classes, ptrdiff_t dim,
    ptrdiff_t width, ptrdiff_t row_begin, ptrdiff_t row_end) {
    ptrdiff_t whole = dim - dim % 8;
    // The batch's (row, class) pairs in order, DOT_GROUP at a time.
    ptrdiff_t first = row_begin * width, last = row_end * width, p = first;
    for (; p + DOT_GROUP <= last; p += DOT_GROUP) {
        const float *x[DOT_GROUP], *w[DOT_GROUP];
        vec8 s[DOT_GROUP];
        for (int g = 0; g < DOT_GROUP; g++) {
            ptrdiff_t b = (p + g) / width, j = (p + g) % width;
            x[g] = inputs + b * dim;
            w[g] = weights + class_at(classes, width, b, j) * dim;
            s[g] = (vec8){0};
        }
        for (ptrdiff_t i = 0; i < whole; i += 8) {
#pragma clang loop unroll(full)
            for (int g = 0; g < DOT_GROUP; g++) s[g] = s[g] + LOAD8(x[g] + i) * LOAD8(w[g] + i);
        }
        for (int g = 0; g < DOT_GROUP; g++) out[p + g] = finish_dot((const float *)&s[g], x[g], w[g], whole, dim);
    }
    for (; p < last; p++) {
        ptrdiff_t b = p / width, j = p % width;
        const float *x = inputs + b * dim, *w = weights + class_at(classes, width, b, j) * dim;
        vec8 s = {0};
        for (ptrdiff_t i = 0; i < whole; i += 8) s = s + LOAD8(x + i) * LOAD8(w + i);
        out[p] = finish_dot((const float *)&s, x, w, whole, dim);
    }
}

MNIST_NCE_VERSIONS(
    , mnist_nce_class_rows_dots_f32, class_rows_dots, mnist_nce_sparse_instruction_set(),
    (float *restrict out, const float *inputs, const float *weights, const int32_t *classes, ptrdiff_t dim,
     ptrdiff_t width, ptrdiff_t row_begin, ptrdiff_t row_end),
    (out, inputs, weights, classes, dim, width, row_begin, row_end))

MNIST_NCE_INLINE void class_rows_input_gradient(
    float *restrict dinputs, const float *gradients, const float *weights, const int32_t *classes, ptrdiff_t dim,
    ptrdiff_t width, ptrdiff_t row_begin, ptrdiff_t row_end) {
    ptrdiff_t whole = dim - dim % 64;
    for (ptrdiff_t b = row_begin; b < row_end; b++) {
        const float *g = gradients + b * width;
        float *dx = dinputs + b * dim;
        // 64 columns at a time in registers, every class's term in order.
        for (ptrdiff_t d = 0; d < whole; d += 64) {
            vec16 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
            for (ptrdiff_t j = 0; j < width; j++) {
                if (g[j] == 0) continue;
                const float *w = weights + class_at(classes, width, b, j) * dim + d;
                float s = g[j];
                a0 = a0 + s * LOAD16(w);
                a1 = a1 + s * LOAD16(w + 16);
                a2 = a2 + s * LOAD16(w + 32);
                a3 = a3 + s * LOAD16(w + 48);
            }
            STORE16(dx + d, a0);
            STORE16(dx + d + 16, a1);
            STORE16(dx + d + 32, a2);
            STORE16(dx + d + 48, a3);
        }
        for (ptrdiff_t d = whole; d < dim; d++) {
            float a = 0;
            for (ptrdiff_t j = 0; j < width; j++) {
                if (g[j] != 0) a = a + g[j] * weights[class_at(classes, width, b, j) * dim + d];
            }
            dx[d] = a;
        }
    }
}

MNIST_NCE_VERSIONS(
    , mnist_nce_class_rows_input_gradient_f32, class_rows_input_gradient, mnist_nce_sparse_instruction_set(),
    (float *restrict dinputs, const float *gradients, const float *weights, const int32_t *classes, ptrdiff_t dim,
     ptrdiff_t width, ptrdiff_t row_begin, ptrdiff_t row_end),
    (dinputs, gradients, weights, classes, dim, width, row_begin, row_end))

MNIST_NCE_INLINE void class_rows_weight_gradient(
    float *restrict dweights, float *restrict dbiases, const float *gradients, const float *inputs,
    const int32_t *classes, ptrdiff_t dim, ptrdiff_t width, ptrdiff_t batch, ptrdiff_t column_begin,
    ptrdiff_t column_end) {
    ptrdiff_t whole = column_begin + (column_end - column_begin) - (column_end - column_begin) % 64;
    // 64 columns at a time: x's slice stays in registers while the classes'
    // slices of dweights (in L1) take their terms in batch order.
    for (ptrdiff_t d = column_begin; d < whole; d += 64) {
        for (ptrdiff_t b = 0; b < batch; b++) {
            const float *x = inputs + b * dim + d;
            vec16 x0 = LOAD16(x), x1 = LOAD16(x + 16), x2 = LOAD16(x + 32), x3 = LOAD16(x + 48);
            for (ptrdiff_t j = 0; j < width; j++) {
                float s = gradients[b * width + j];
                if (s == 0) continue;
                float *dw = dweights + class_at(classes, width, b, j) * dim + d;
                STORE16(dw, LOAD16(dw) + s * x0);
                STORE16(dw + 16, LOAD16(dw + 16) + s * x1);
                STORE16(dw + 32, LOAD16(dw + 32) + s * x2);
                STORE16(dw + 48, LOAD16(dw + 48) + s * x3);
            }
        }
    }
    for (ptrdiff_t b = 0; b < batch && whole < column_end; b++) {
        for (ptrdiff_t j = 0; j < width; j++) {
            float s = gradients[b * width + j];
            if (s == 0) continue;
            float *dw = dweights + class_at(classes, width, b, j) * dim;
            for (ptrdiff_t d = whole; d < column_end; d++) dw[d] = dw[d] + s * inputs[b * dim + d];
        }
    }
    if (!dbiases) return;
    for (ptrdiff_t b = 0; b < batch; b++) {
        for (ptrdiff_t j = 0; j < width; j++) {
            float s = gradients[b * width + j];
            if (s != 0) dbiases[class_at(classes, width, b, j)] += s;
        }
    }
}

MNIST_NCE_VERSIONS(
    , mnist_nce_class_rows_weight_gradient_f32, class_rows_weight_gradient, mnist_nce_sparse_instruction_set(),
    (float *restrict dweights, float *restrict dbiases, const float *gradients, const float *inputs,
     const int32_t *classes, ptrdiff_t dim, ptrdiff_t width, ptrdiff_t batch, ptrdiff_t column_begin,
     ptrdiff_t column_end),
    (dweights, dbiases, gradients, inputs, classes, dim, width, batch, column_begin, column_end))
