// The rectifier, in place, in C so that it compiles to vector selects: as a
// Swift loop it became a branch per value, mispredicted on about half of
// them. In-place entry points with a single pointer (or restrict pointers)
// keep the vectoriser from falling back to scalar code on an alias check.
// They follow the sparse kernels' instruction-set cap.
#include "numeric_kernels.h"

#include "kernel_clones.h"

MNIST_NCE_INLINE void relu_forward(float *x, ptrdiff_t count) {
    for (ptrdiff_t i = 0; i < count; i++) {
        float v = x[i];
        x[i] = v > 0.0f ? v : 0.0f;
    }
}

MNIST_NCE_VERSIONS(
    , mnist_nce_relu_forward_inplace_f32, relu_forward, mnist_nce_sparse_instruction_set(),
    (float *x, ptrdiff_t count),
    (x, count))

MNIST_NCE_INLINE void relu_backward(float *restrict gradient, const float *restrict out, ptrdiff_t count) {
    for (ptrdiff_t i = 0; i < count; i++) {
        gradient[i] = out[i] > 0.0f ? gradient[i] : 0.0f;
    }
}

MNIST_NCE_VERSIONS(
    , mnist_nce_relu_backward_inplace_f32, relu_backward, mnist_nce_sparse_instruction_set(),
    (float *restrict gradient, const float *restrict out, ptrdiff_t count),
    (gradient, out, count))

MNIST_NCE_INLINE void relu_backward_rows(
    float *restrict dst, ptrdiff_t dst_stride, const float *restrict gradient, const float *restrict out,
    ptrdiff_t rows, ptrdiff_t width) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *d = dst + r * dst_stride;
        const float *g = gradient + r * width, *o = out + r * width;
        for (ptrdiff_t i = 0; i < width; i++) d[i] = o[i] > 0.0f ? g[i] : 0.0f;
    }
}

MNIST_NCE_VERSIONS(
    , mnist_nce_relu_backward_rows_f32, relu_backward_rows, mnist_nce_sparse_instruction_set(),
    (float *restrict dst, ptrdiff_t dst_stride, const float *restrict gradient, const float *restrict out,
     ptrdiff_t rows, ptrdiff_t width),
    (dst, dst_stride, gradient, out, rows, width))

MNIST_NCE_INLINE void dropout_apply(float *out, const float *inp, const float *mask, ptrdiff_t count) {
    for (ptrdiff_t i = 0; i < count; i++) {
        float m = mask[i];
        out[i] = m == 0.0f ? 0.0f : inp[i] * m;
    }
}

MNIST_NCE_VERSIONS(
    , mnist_nce_dropout_apply_f32, dropout_apply, mnist_nce_sparse_instruction_set(),
    (float *out, const float *inp, const float *mask, ptrdiff_t count),
    (out, inp, mask, count))

MNIST_NCE_INLINE void dropout_mask(
    float *restrict mask, const uint64_t *restrict draws, ptrdiff_t count, uint64_t threshold, float scale) {
    for (ptrdiff_t j = 0; j < count / 2; j++) {
        uint64_t bits = draws[j];
        mask[2 * j] = (bits & 0xFFFFFFFFu) >= threshold ? scale : 0.0f;
        mask[2 * j + 1] = (bits >> 32) >= threshold ? scale : 0.0f;
    }
    if (count % 2) mask[count - 1] = (draws[count / 2] & 0xFFFFFFFFu) >= threshold ? scale : 0.0f;
}

MNIST_NCE_VERSIONS(
    , mnist_nce_dropout_mask_f32, dropout_mask, mnist_nce_sparse_instruction_set(),
    (float *restrict mask, const uint64_t *restrict draws, ptrdiff_t count, uint64_t threshold, float scale),
    (mask, draws, count, threshold, scale))
