// Max-pooling over 2×2 windows with stride 2 and TensorFlow's SAME padding
// (an odd last row or column makes windows of one or two real values), NHWC.
// Comparisons and copies only, so every variant gives the same bits. They
// follow the convolutions' instruction-set cap.
#include "numeric_kernels.h"

#include "kernel_clones.h"

MNIST_NCE_INLINE void max_pool_forward(
    float *restrict out, uint8_t *restrict argmax, const float *restrict inp, ptrdiff_t image_begin,
    ptrdiff_t image_end, ptrdiff_t height, ptrdiff_t width, ptrdiff_t channels, int relu) {
    ptrdiff_t oh = (height + 1) / 2, ow = (width + 1) / 2;
    for (ptrdiff_t b = image_begin; b < image_end; b++) {
        for (ptrdiff_t oy = 0; oy < oh; oy++) {
            ptrdiff_t y = 2 * oy;
            int second_row = y + 1 < height;
            for (ptrdiff_t ox = 0; ox < ow; ox++) {
                ptrdiff_t x = 2 * ox;
                int second_column = x + 1 < width;
                const float *p00 = inp + ((b * height + y) * width + x) * channels;
                // Missing window positions read the first one again, which
                // never replaces it (the test is strictly greater).
                const float *p01 = second_column ? p00 + channels : p00;
                const float *p10 = second_row ? p00 + width * channels : p00;
                const float *p11 = second_row ? p01 + width * channels : p01;
                ptrdiff_t o = ((b * oh + oy) * ow + ox) * channels;
                for (ptrdiff_t c = 0; c < channels; c++) {
                    // The first maximum in row-major window order wins.
                    float best = p00[c];
                    uint8_t at = 0;
                    if (p01[c] > best) { best = p01[c]; at = 1; }
                    if (p10[c] > best) { best = p10[c]; at = 2; }
                    if (p11[c] > best) { best = p11[c]; at = 3; }
                    if (relu) best = best > 0.0f ? best : 0.0f;
                    out[o + c] = best;
                    if (argmax) argmax[o + c] = at;
                }
            }
        }
    }
}

MNIST_NCE_VERSIONS(
    , mnist_nce_max_pool_forward_f32, max_pool_forward, mnist_nce_conv_instruction_set(),
    (float *restrict out, uint8_t *restrict argmax, const float *restrict inp, ptrdiff_t image_begin,
     ptrdiff_t image_end, ptrdiff_t height, ptrdiff_t width, ptrdiff_t channels, int relu),
    (out, argmax, inp, image_begin, image_end, height, width, channels, relu))

MNIST_NCE_INLINE void max_pool_backward(
    float *restrict dinp, const float *restrict dout, const uint8_t *restrict argmax,
    const float *restrict positive_only, ptrdiff_t image_begin, ptrdiff_t image_end, ptrdiff_t height,
    ptrdiff_t width, ptrdiff_t channels) {
    ptrdiff_t oh = (height + 1) / 2, ow = (width + 1) / 2;
    for (ptrdiff_t b = image_begin; b < image_end; b++) {
        for (ptrdiff_t oy = 0; oy < oh; oy++) {
            ptrdiff_t y = 2 * oy;
            int second_row = y + 1 < height;
            for (ptrdiff_t ox = 0; ox < ow; ox++) {
                ptrdiff_t x = 2 * ox;
                int second_column = x + 1 < width;
                float *d00 = dinp + ((b * height + y) * width + x) * channels;
                ptrdiff_t o = ((b * oh + oy) * ow + ox) * channels;
                const float *g = dout + o;
                const uint8_t *at = argmax + o;
                const float *mask = positive_only ? positive_only + o : NULL;
                // Every input value lies in exactly one window, so writing
                // each window whole (zeros beside the maximum) overwrites
                // all of dinp without clearing it first.
                for (ptrdiff_t c = 0; c < channels; c++) {
                    float v = mask && !(mask[c] > 0.0f) ? 0.0f : g[c];
                    d00[c] = at[c] == 0 ? v : 0.0f;
                }
                if (second_column)
                    for (ptrdiff_t c = 0; c < channels; c++) {
                        float v = mask && !(mask[c] > 0.0f) ? 0.0f : g[c];
                        d00[channels + c] = at[c] == 1 ? v : 0.0f;
                    }
                if (second_row) {
                    float *d10 = d00 + width * channels;
                    for (ptrdiff_t c = 0; c < channels; c++) {
                        float v = mask && !(mask[c] > 0.0f) ? 0.0f : g[c];
                        d10[c] = at[c] == 2 ? v : 0.0f;
                    }
                    if (second_column)
                        for (ptrdiff_t c = 0; c < channels; c++) {
                            float v = mask && !(mask[c] > 0.0f) ? 0.0f : g[c];
                            d10[channels + c] = at[c] == 3 ? v : 0.0f;
                        }
                }
            }
        }
    }
}

MNIST_NCE_VERSIONS(
    , mnist_nce_max_pool_backward_f32, max_pool_backward, mnist_nce_conv_instruction_set(),
    (float *restrict dinp, const float *restrict dout, const uint8_t *restrict argmax,
     const float *restrict positive_only, ptrdiff_t image_begin, ptrdiff_t image_end, ptrdiff_t height,
     ptrdiff_t width, ptrdiff_t channels),
    (dinp, dout, argmax, positive_only, image_begin, image_end, height, width, channels))
