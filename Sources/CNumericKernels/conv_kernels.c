// Convolution kernels (stride 1, odd square kernel, zero padding that keeps
// the size), NHWC activations and HWIO filters.
//
// The dense kernels are implicit matrix products: no im2col copy is made,
// because with NHWC input and HWIO filters the k·cin values one kernel row
// of one output pixel reads are contiguous in the padded input, and so are
// the matching filter rows. A register tile holds several output pixels ×
// several vectors of output channels; at the 5×5, 32 → 64 layer of the
// MNIST network this runs near the processor's peak, well above OpenBLAS
// on an im2col matrix (see `nce-bench conv`).
//
// Each instruction set gets its own copy of the kernels (conv_kernels_body.h
// with its vector width and tile sizes), and the entry points pick one at
// run time. They all use fused multiply-adds in the same order per output,
// so they give the same bits; the portable copy calls fmaf and is slow.
#include "numeric_kernels.h"
#include "instruction_limit.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#define ISA(name) name##_portable
#define VL 4
#define FORWARD_TILES X(4, 4)
#define GRADIENT_TILES X(4, 4, 2)
#include "conv_kernels_body.h"
#undef ISA
#undef VL
#undef FORWARD_TILES
#undef GRADIENT_TILES

#if defined(__x86_64__)
#define HAVE_X86_SETS 1

// AVX2 with FMA: 16 ymm registers, so tiles of 12 accumulators.
#pragma clang attribute push(__attribute__((target("arch=x86-64-v3"))), apply_to = function)
#define ISA(name) name##_avx2
#define VL 8
#define FORWARD_TILES X(2, 6) X(1, 12)
#define GRADIENT_TILES X(2, 6, 3) X(1, 12, 4)
#include "conv_kernels_body.h"
#undef ISA
#undef VL
#undef FORWARD_TILES
#undef GRADIENT_TILES
#pragma clang attribute pop

// AVX-512: 32 zmm registers, tiles of 24 accumulators. min_vector_width
// stops the compiler from splitting the 64-byte vectors into ymm halves.
#pragma clang attribute push(__attribute__((target("arch=x86-64-v4"), min_vector_width(512))), apply_to = function)
#define ISA(name) name##_avx512
#define VL 16
#define FORWARD_TILES X(4, 6) X(2, 12) X(1, 12)
#define GRADIENT_TILES X(4, 6, 3) X(2, 12, 4) X(1, 12, 4)
#include "conv_kernels_body.h"
#undef ISA
#undef VL
#undef FORWARD_TILES
#undef GRADIENT_TILES
#pragma clang attribute pop
#endif

// 0 portable, 1 AVX2 + FMA, 2 AVX-512: the most the kernels may use.
static atomic_int level_limit = 2;

int mnist_nce_conv_instruction_set(void) { return mnist_nce_capped_level(&level_limit); }

void mnist_nce_conv_limit_instruction_set(int level) { mnist_nce_set_level_limit(&level_limit, level); }

#if HAVE_X86_SETS
#define DISPATCH(name, ...)                                                       \
    switch (mnist_nce_conv_instruction_set()) {                                   \
    case 2: name##_avx512(__VA_ARGS__); break;                                    \
    case 1: name##_avx2(__VA_ARGS__); break;                                      \
    default: name##_portable(__VA_ARGS__); break;                                 \
    }
#else
#define DISPATCH(name, ...) name##_portable(__VA_ARGS__)
#endif

void mnist_nce_conv_forward_f32(
    float *out, const float *padded, const float *filter, const float *bias, ptrdiff_t pixel_begin,
    ptrdiff_t pixel_end, ptrdiff_t height, ptrdiff_t width, ptrdiff_t in_channels,
    ptrdiff_t out_channels, ptrdiff_t kernel, int relu) {
    if (pixel_begin >= pixel_end) return;
    DISPATCH(conv_forward, out, padded, filter, bias, pixel_begin, pixel_end, height, width,
             in_channels, out_channels, kernel, relu);
}

void mnist_nce_conv_filter_gradient_f32(
    float *dfilter, const float *padded, const float *dout, ptrdiff_t row_begin, ptrdiff_t row_end,
    ptrdiff_t batch, ptrdiff_t height, ptrdiff_t width, ptrdiff_t in_channels, ptrdiff_t out_channels,
    ptrdiff_t kernel, int accumulate) {
    if (row_begin >= row_end) return;
    DISPATCH(conv_filter_gradient, dfilter, padded, dout, row_begin, row_end, batch, height, width,
             in_channels, out_channels, kernel, accumulate);
}

void mnist_nce_conv_sparse_list_f32(
    int32_t *count, int32_t *index, float *value, const float *inp, ptrdiff_t image_begin,
    ptrdiff_t image_end, ptrdiff_t image_size) {
    for (ptrdiff_t b = image_begin; b < image_end; b++) {
        const float *image = inp + b * image_size;
        int32_t *list = index + b * image_size;
        float *values = value + b * image_size;
        int32_t n = 0;
        for (ptrdiff_t i = 0; i < image_size; i++) {
            float v = image[i];
            // Branch-free: every value is written, and the slot advances
            // only past a non-zero one (NaN counts as non-zero).
            list[n] = (int32_t)i;
            values[n] = v;
            n += v != 0.0f;
        }
        count[b] = n;
    }
}

void mnist_nce_conv_sparse_forward_f32(
    float *out, const int32_t *count, const int32_t *index, const float *value, const float *filter,
    const float *bias, ptrdiff_t image_begin, ptrdiff_t image_end, ptrdiff_t height, ptrdiff_t width,
    ptrdiff_t in_channels, ptrdiff_t out_channels, ptrdiff_t kernel, int relu) {
    if (image_begin >= image_end) return;
    DISPATCH(sparse_forward, out, count, index, value, filter, bias, image_begin, image_end, height,
             width, in_channels, out_channels, kernel, relu);
}

void mnist_nce_conv_sparse_filter_gradient_f32(
    float *dfilter, const int32_t *count, const int32_t *index, const float *value, const float *dout,
    ptrdiff_t tap_begin, ptrdiff_t tap_end, ptrdiff_t batch, ptrdiff_t height, ptrdiff_t width,
    ptrdiff_t in_channels, ptrdiff_t out_channels, ptrdiff_t kernel, int accumulate) {
    if (tap_begin >= tap_end) return;
    DISPATCH(sparse_filter_gradient, dfilter, count, index, value, dout, tap_begin, tap_end, batch,
             height, width, in_channels, out_channels, kernel, accumulate);
}

void mnist_nce_pad_images_f32(
    float *padded, const float *inp, ptrdiff_t image_begin, ptrdiff_t image_end, ptrdiff_t height,
    ptrdiff_t width, ptrdiff_t channels, ptrdiff_t pad) {
    ptrdiff_t hp = height + 2 * pad, wp = width + 2 * pad;
    for (ptrdiff_t b = image_begin; b < image_end; b++)
        for (ptrdiff_t y = 0; y < height; y++)
            memcpy(padded + ((b * hp + y + pad) * wp + pad) * channels,
                   inp + (b * height + y) * width * channels, (size_t)(width * channels) * sizeof(float));
}

void mnist_nce_conv_bias_gradient_f32(
    float *dbias, const float *dout, ptrdiff_t pixels, ptrdiff_t channels, ptrdiff_t channel_begin,
    ptrdiff_t channel_end, int accumulate) {
    if (channel_begin >= channel_end) return;
    DISPATCH(bias_gradient, dbias, dout, pixels, channels, channel_begin, channel_end, accumulate);
}
