// The convolution kernels for one instruction set. conv_kernels.c includes
// this file once per set, after defining
//   ISA(name)         the name with the set's suffix appended
//   VL                floats per vector
//   FORWARD_TILES     the (vectors, pixels) tiles of the forward kernel, as
//                     X(v, px) entries, widest first
//   GRADIENT_TILES    the (vectors, rows, rows of the tail tiles) tiles of
//                     the filter gradient
// and pushing a target attribute onto every function. Everything here is
// static and forced inline into the per-set entry points, so each set gets
// its own copy compiled for it.
//
// Every output value is computed as one chain of fused multiply-adds in a
// fixed order that does not depend on the vector width, the tile sizes or
// the range a caller hands to each thread (only on the inputs), so every
// instruction set, and any split over threads, gives the same bits.

// Clang's extended vectors: a scalar converts to a vector by splatting.
typedef float ISA(vf) __attribute__((ext_vector_type(VL)));
typedef float ISA(vfu) __attribute__((ext_vector_type(VL), aligned(4)));
typedef int32_t ISA(vi) __attribute__((ext_vector_type(VL)));

#define VF ISA(vf)
#define VLOAD(p) (*(const ISA(vfu) *)(p))
#define VSTORE(p, v) (*(ISA(vfu) *)(p) = (v))

#define ALWAYS_INLINE static inline __attribute__((always_inline))
// The per-set entry points: compiled once each, never inlined into the
// dispatching functions (which are built for the baseline set).
#define ENTRY static __attribute__((noinline))

ALWAYS_INLINE VF ISA(splat)(float a) {
    return (VF)(a);
}

// max(v, 0) exactly as the scalar `v > 0 ? v : 0`: NaN and −0 become +0.
ALWAYS_INLINE VF ISA(relu)(VF v) {
    ISA(vi) positive = v > (VF){0};
    return (VF)((ISA(vi))v & positive);
}

// ---------------------------------------------------------------------------
// Forward: an implicit matrix product. Output pixel p reads, for each kernel
// row ky, the k·cin contiguous values of the zero-padded input that start at
// base(p) + ky·rowstep, against filter rows (ky·k·cin + j); see
// mnist_nce_conv_forward_f32 in numeric_kernels.h.

// `px` pixels (by their input base pointers) × `v` vectors of outputs from
// column `co`. Pixels past `count` repeat the last one and are not stored.
ALWAYS_INLINE void ISA(forward_tile)(
    const int v, const int px, float *out, const float *const *base, ptrdiff_t count,
    const float *filter, const float *bias, ptrdiff_t k, ptrdiff_t rowstep, ptrdiff_t kc,
    ptrdiff_t cout, ptrdiff_t co, int relu) {
    VF acc[24][4];
#pragma clang loop unroll(full)
    for (int p = 0; p < px; p++)
#pragma clang loop unroll(full)
        for (int i = 0; i < v; i++) acc[p][i] = bias ? VLOAD(bias + co + i * VL) : (VF){0};
    for (ptrdiff_t ky = 0; ky < k; ky++) {
        const float *row[24];
#pragma clang loop unroll(full)
        for (int p = 0; p < px; p++) row[p] = base[p] + ky * rowstep;
        const float *w = filter + ky * kc * cout + co;
        for (ptrdiff_t j = 0; j < kc; j++) {
            VF wv[4];
#pragma clang loop unroll(full)
            for (int i = 0; i < v; i++) wv[i] = VLOAD(w + j * cout + i * VL);
#pragma clang loop unroll(full)
            for (int p = 0; p < px; p++) {
                VF a = ISA(splat)(row[p][j]);
#pragma clang loop unroll(full)
                for (int i = 0; i < v; i++) acc[p][i] = __builtin_elementwise_fma(a, wv[i], acc[p][i]);
            }
        }
    }
#pragma clang loop unroll(full)
    for (int p = 0; p < px; p++) {
        if (p >= count) break;
#pragma clang loop unroll(full)
        for (int i = 0; i < v; i++) VSTORE(out + p * cout + co + i * VL, relu ? ISA(relu)(acc[p][i]) : acc[p][i]);
    }
}

// One output value, for the columns after the last whole vector.
ALWAYS_INLINE float ISA(forward_scalar)(
    const float *base, const float *filter, const float *bias, ptrdiff_t k, ptrdiff_t rowstep,
    ptrdiff_t kc, ptrdiff_t cout, ptrdiff_t co, int relu) {
    float acc = bias ? bias[co] : 0.0f;
    for (ptrdiff_t ky = 0; ky < k; ky++) {
        const float *row = base + ky * rowstep;
        const float *w = filter + ky * kc * cout + co;
        for (ptrdiff_t j = 0; j < kc; j++) acc = __builtin_elementwise_fma(row[j], w[j * cout], acc);
    }
    return relu && !(acc > 0.0f) ? 0.0f : acc;
}

// Input base pointers of pixels [p0, p0 + px); past `count`, the last pixel.
ALWAYS_INLINE void ISA(pixel_bases)(
    const float **base, int px, ptrdiff_t p0, ptrdiff_t count, const float *padded, ptrdiff_t height,
    ptrdiff_t width, ptrdiff_t cin, ptrdiff_t k) {
    ptrdiff_t hp = height + k - 1, wp = width + k - 1, hw = height * width;
    for (int p = 0; p < px; p++) {
        ptrdiff_t q = p0 + (p < count ? p : count - 1);
        ptrdiff_t b = q / hw, r = q % hw, y = r / width, x = r % width;
        base[p] = padded + ((b * hp + y) * wp + x) * cin;
    }
}

ENTRY void ISA(conv_forward)(
    float *out, const float *padded, const float *filter, const float *bias, ptrdiff_t pixel_begin,
    ptrdiff_t pixel_end, ptrdiff_t height, ptrdiff_t width, ptrdiff_t cin, ptrdiff_t cout, ptrdiff_t k,
    int relu) {
    ptrdiff_t wp = width + k - 1, rowstep = wp * cin, kc = k * cin;
    const float *base[24];
    ptrdiff_t co = 0;
#define X(V, PX)                                                                                       \
    for (; co + (V) * VL <= cout; co += (V) * VL) {                                                   \
        for (ptrdiff_t p0 = pixel_begin; p0 < pixel_end; p0 += (PX)) {                                \
            ptrdiff_t count = pixel_end - p0 < (PX) ? pixel_end - p0 : (PX);                          \
            ISA(pixel_bases)(base, (PX), p0, count, padded, height, width, cin, k);                   \
            ISA(forward_tile)((V), (PX), out + p0 * cout, base, count, filter, bias, k, rowstep, kc, \
                              cout, co, relu);                                                         \
        }                                                                                              \
    }
    FORWARD_TILES
#undef X
    for (ptrdiff_t p = pixel_begin; co < cout && p < pixel_end; p++) {
        ISA(pixel_bases)(base, 1, p, 1, padded, height, width, cin, k);
        for (ptrdiff_t c = co; c < cout; c++)
            out[p * cout + c] = ISA(forward_scalar)(base[0], filter, bias, k, rowstep, kc, cout, c, relu);
    }
}

// ---------------------------------------------------------------------------
// Filter gradient: dfilter[m, co] (+)= Σ_p padded[base(p) + offset(m)] ·
// dout[p, co] over every output pixel p in order, where filter row
// m = ky·k·cin + j has offset(m) = ky·rowstep + j.

// Rows [m0, m0 + rows) (rows past `count` repeat the last and are not
// stored) × `v` vectors from column `co`, over the pixels of image b. The
// first image starts from zero unless accumulating.
ALWAYS_INLINE void ISA(gradient_tile)(
    const int v, const int rows, float *dfilter, const float *padded, const float *dout, ptrdiff_t b,
    ptrdiff_t m0, ptrdiff_t count, ptrdiff_t height, ptrdiff_t width, ptrdiff_t cin, ptrdiff_t cout,
    ptrdiff_t k, ptrdiff_t co, int from_zero) {
    ptrdiff_t hp = height + k - 1, wp = width + k - 1, kc = k * cin;
    ptrdiff_t offset[24];
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
        ptrdiff_t m = m0 + (r < count ? r : count - 1);
        offset[r] = (m / kc) * wp * cin + m % kc;
    }
    VF acc[24][4];
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++)
#pragma clang loop unroll(full)
        for (int i = 0; i < v; i++)
            acc[r][i] = from_zero ? (VF){0} : VLOAD(dfilter + (m0 + (r < count ? r : 0)) * cout + co + i * VL);
    const float *image = padded + b * hp * wp * cin;
    const float *d = dout + b * height * width * cout + co;
    for (ptrdiff_t y = 0; y < height; y++) {
        const float *a = image + y * wp * cin;
        for (ptrdiff_t x = 0; x < width; x++, a += cin, d += cout) {
            VF dv[4];
#pragma clang loop unroll(full)
            for (int i = 0; i < v; i++) dv[i] = VLOAD(d + i * VL);
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++) {
                VF s = ISA(splat)(a[offset[r]]);
#pragma clang loop unroll(full)
                for (int i = 0; i < v; i++) acc[r][i] = __builtin_elementwise_fma(s, dv[i], acc[r][i]);
            }
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
        if (r >= count) break;
#pragma clang loop unroll(full)
        for (int i = 0; i < v; i++) VSTORE(dfilter + (m0 + r) * cout + co + i * VL, acc[r][i]);
    }
}

ENTRY void ISA(conv_filter_gradient)(
    float *dfilter, const float *padded, const float *dout, ptrdiff_t row_begin, ptrdiff_t row_end,
    ptrdiff_t batch, ptrdiff_t height, ptrdiff_t width, ptrdiff_t cin, ptrdiff_t cout, ptrdiff_t k,
    int accumulate) {
    ptrdiff_t hp = height + k - 1, wp = width + k - 1, kc = k * cin;
    if (batch == 0) {
        if (!accumulate)
            for (ptrdiff_t m = row_begin; m < row_end; m++)
                for (ptrdiff_t c = 0; c < cout; c++) dfilter[m * cout + c] = 0.0f;
        return;
    }
    // Image by image, so that one image's input and gradient stay cached
    // while every tile of this range passes over them.
    for (ptrdiff_t b = 0; b < batch; b++) {
        int from_zero = b == 0 && !accumulate;
        ptrdiff_t co = 0;
        // Whole tiles of ROWS rows, then the rest in tiles of TAIL rows,
        // so that a short remainder does not cost a whole tile.
#define X(V, ROWS, TAIL)                                                                                 \
        for (; co + (V) * VL <= cout; co += (V) * VL) {                                                  \
            ptrdiff_t m0 = row_begin;                                                                    \
            for (; m0 + (ROWS) <= row_end; m0 += (ROWS))                                                 \
                ISA(gradient_tile)((V), (ROWS), dfilter, padded, dout, b, m0, (ROWS), height, width,     \
                                   cin, cout, k, co, from_zero);                                         \
            for (; m0 < row_end; m0 += (TAIL)) {                                                         \
                ptrdiff_t count = row_end - m0 < (TAIL) ? row_end - m0 : (TAIL);                         \
                ISA(gradient_tile)((V), (TAIL), dfilter, padded, dout, b, m0, count, height, width, cin, \
                                   cout, k, co, from_zero);                                              \
            }                                                                                            \
        }
        GRADIENT_TILES
#undef X
        for (ptrdiff_t m = row_begin; co < cout && m < row_end; m++) {
            ptrdiff_t offset = (m / kc) * wp * cin + m % kc;
            const float *image = padded + b * hp * wp * cin;
            for (ptrdiff_t c = co; c < cout; c++) {
                float acc = from_zero ? 0.0f : dfilter[m * cout + c];
                const float *d = dout + b * height * width * cout + c;
                for (ptrdiff_t y = 0; y < height; y++) {
                    const float *a = image + y * wp * cin + offset;
                    for (ptrdiff_t x = 0; x < width; x++, a += cin, d += cout) acc = __builtin_elementwise_fma(*a, *d, acc);
                }
                dfilter[m * cout + c] = acc;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Sparse input: each image's non-zero inputs, listed in storage order
// (pixel by pixel, channels inside) by mnist_nce_conv_sparse_list_f32. The
// forward pass scatters each one times its filter slice into the outputs it
// reaches; the filter gradient gathers the output gradients each one
// reaches. For one output (or one filter value) the contributions arrive in
// the order the dense kernels above take them, and a skipped zero would
// have added exactly zero, so both give the dense kernels' bits whenever
// the filter (or output gradient) is finite.

ENTRY void ISA(sparse_forward)(
    float *out, const int32_t *count, const int32_t *index, const float *value, const float *filter,
    const float *bias, ptrdiff_t image_begin, ptrdiff_t image_end, ptrdiff_t height, ptrdiff_t width,
    ptrdiff_t cin, ptrdiff_t cout, ptrdiff_t k, int relu) {
    ptrdiff_t pad = (k - 1) / 2, hw = height * width, vector_end = cout - cout % VL;
    for (ptrdiff_t b = image_begin; b < image_end; b++) {
        float *image = out + b * hw * cout;
        for (ptrdiff_t q = 0; q < hw; q++)
            for (ptrdiff_t c = 0; c < cout; c++) image[q * cout + c] = bias ? bias[c] : 0.0f;
        const int32_t *list = index + b * hw * cin;
        const float *values = value + b * hw * cin;
        for (int32_t e = 0; e < count[b]; e++) {
            ptrdiff_t ci = list[e] % cin, q = list[e] / cin, y = q / width, x = q % width;
            VF a = ISA(splat)(values[e]);
            float as = values[e];
            // Input (y, x) meets tap (ky, kx) at output (y + pad − ky, x + pad − kx).
            ptrdiff_t ky_first = y + pad - (height - 1) > 0 ? y + pad - (height - 1) : 0;
            ptrdiff_t ky_last = y + pad < k - 1 ? y + pad : k - 1;
            ptrdiff_t kx_first = x + pad - (width - 1) > 0 ? x + pad - (width - 1) : 0;
            ptrdiff_t kx_last = x + pad < k - 1 ? x + pad : k - 1;
            for (ptrdiff_t ky = ky_first; ky <= ky_last; ky++) {
                for (ptrdiff_t kx = kx_first; kx <= kx_last; kx++) {
                    float *o = image + ((y + pad - ky) * width + (x + pad - kx)) * cout;
                    const float *w = filter + ((ky * k + kx) * cin + ci) * cout;
                    ptrdiff_t c = 0;
                    for (; c < vector_end; c += VL)
                        VSTORE(o + c, __builtin_elementwise_fma(a, VLOAD(w + c), VLOAD(o + c)));
                    for (; c < cout; c++) o[c] = __builtin_elementwise_fma(as, w[c], o[c]);
                }
            }
        }
        if (relu) {
            for (ptrdiff_t i = 0; i < hw * cout; i += VL) {
                if (i + VL <= hw * cout) {
                    VSTORE(image + i, ISA(relu)(VLOAD(image + i)));
                } else {
                    for (ptrdiff_t t = i; t < hw * cout; t++) image[t] = image[t] > 0.0f ? image[t] : 0.0f;
                }
            }
        }
    }
}

// Columns [c, c + V·VL) of the filter rows of tap (ky, kx), from image b's
// list, with the rows in memory (several channels) or, for one input
// channel, in registers.
ALWAYS_INLINE void ISA(sparse_gradient_columns)(
    const int v, float *dfilter, const int32_t *list, const float *values, int32_t count,
    const float *image, ptrdiff_t ky, ptrdiff_t kx, ptrdiff_t height, ptrdiff_t width, ptrdiff_t cin,
    ptrdiff_t cout, ptrdiff_t k, ptrdiff_t c) {
    ptrdiff_t pad = (k - 1) / 2;
    // Inputs whose output (y + pad − ky, x + pad − kx) lies inside.
    ptrdiff_t y_first = ky - pad > 0 ? ky - pad : 0, y_last = height - 1 + ky - pad;
    ptrdiff_t x_first = kx - pad > 0 ? kx - pad : 0, x_last = width - 1 + kx - pad;
    ptrdiff_t shift = ((pad - ky) * width + (pad - kx)) * cout + c;
    float *rows = dfilter + (ky * k + kx) * cin * cout + c;
    VF acc[4];
    if (cin == 1) {
#pragma clang loop unroll(full)
        for (int i = 0; i < v; i++) acc[i] = VLOAD(rows + i * VL);
    }
    for (int32_t e = 0; e < count; e++) {
        ptrdiff_t q = list[e] / cin, y = q / width, x = q % width;
        if (y < y_first || y > y_last || x < x_first || x > x_last) continue;
        const float *d = image + q * cout + shift;
        VF a = ISA(splat)(values[e]);
        if (cin == 1) {
#pragma clang loop unroll(full)
            for (int i = 0; i < v; i++) acc[i] = __builtin_elementwise_fma(a, VLOAD(d + i * VL), acc[i]);
        } else {
            float *row = rows + (list[e] % cin) * cout;
#pragma clang loop unroll(full)
            for (int i = 0; i < v; i++)
                VSTORE(row + i * VL, __builtin_elementwise_fma(a, VLOAD(d + i * VL), VLOAD(row + i * VL)));
        }
    }
    if (cin == 1) {
#pragma clang loop unroll(full)
        for (int i = 0; i < v; i++) VSTORE(rows + i * VL, acc[i]);
    }
}

// Filter rows of taps [tap_begin, tap_end) (tap t = ky·k + kx owns rows
// t·cin ..< (t + 1)·cin).
ENTRY void ISA(sparse_filter_gradient)(
    float *dfilter, const int32_t *count, const int32_t *index, const float *value, const float *dout,
    ptrdiff_t tap_begin, ptrdiff_t tap_end, ptrdiff_t batch, ptrdiff_t height, ptrdiff_t width,
    ptrdiff_t cin, ptrdiff_t cout, ptrdiff_t k, int accumulate) {
    ptrdiff_t pad = (k - 1) / 2, hw = height * width;
    if (!accumulate)
        for (ptrdiff_t m = tap_begin * cin; m < tap_end * cin; m++)
            for (ptrdiff_t c = 0; c < cout; c++) dfilter[m * cout + c] = 0.0f;
    for (ptrdiff_t b = 0; b < batch; b++) {
        const float *image = dout + b * hw * cout;
        const int32_t *list = index + b * hw * cin;
        const float *values = value + b * hw * cin;
        for (ptrdiff_t tap = tap_begin; tap < tap_end; tap++) {
            ptrdiff_t ky = tap / k, kx = tap % k, c = 0;
            for (; c + 4 * VL <= cout; c += 4 * VL)
                ISA(sparse_gradient_columns)(4, dfilter, list, values, count[b], image, ky, kx, height, width, cin, cout, k, c);
            for (; c + VL <= cout; c += VL)
                ISA(sparse_gradient_columns)(1, dfilter, list, values, count[b], image, ky, kx, height, width, cin, cout, k, c);
            for (; c < cout; c++) {
                ptrdiff_t y_first = ky - pad > 0 ? ky - pad : 0, y_last = height - 1 + ky - pad;
                ptrdiff_t x_first = kx - pad > 0 ? kx - pad : 0, x_last = width - 1 + kx - pad;
                for (int32_t e = 0; e < count[b]; e++) {
                    ptrdiff_t q = list[e] / cin, y = q / width, x = q % width;
                    if (y < y_first || y > y_last || x < x_first || x > x_last) continue;
                    float *f = dfilter + (tap * cin + list[e] % cin) * cout + c;
                    *f = __builtin_elementwise_fma(values[e], image[(q + (pad - ky) * width + (pad - kx)) * cout + c], *f);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Bias gradient: each channel's sum over the pixels in order. The sums are
// chains of dependent adds, so all channels of a block advance together in
// registers, one pixel at a time.

// Channels [c, c + v·VL).
ALWAYS_INLINE void ISA(bias_columns)(
    const int v, float *dbias, const float *dout, ptrdiff_t pixels, ptrdiff_t channels, ptrdiff_t c,
    int accumulate) {
    VF acc[4];
#pragma clang loop unroll(full)
    for (int i = 0; i < v; i++) acc[i] = accumulate ? VLOAD(dbias + c + i * VL) : (VF){0};
    for (ptrdiff_t p = 0; p < pixels; p++) {
#pragma clang loop unroll(full)
        for (int i = 0; i < v; i++) acc[i] = acc[i] + VLOAD(dout + p * channels + c + i * VL);
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < v; i++) VSTORE(dbias + c + i * VL, acc[i]);
}

ENTRY void ISA(bias_gradient)(
    float *dbias, const float *dout, ptrdiff_t pixels, ptrdiff_t channels, ptrdiff_t channel_begin,
    ptrdiff_t channel_end, int accumulate) {
    ptrdiff_t c = channel_begin;
    for (; c + 4 * VL <= channel_end; c += 4 * VL) ISA(bias_columns)(4, dbias, dout, pixels, channels, c, accumulate);
    if (c + 2 * VL <= channel_end) {
        ISA(bias_columns)(2, dbias, dout, pixels, channels, c, accumulate);
        c += 2 * VL;
    }
    if (c + VL <= channel_end) {
        ISA(bias_columns)(1, dbias, dout, pixels, channels, c, accumulate);
        c += VL;
    }
    for (; c < channel_end; c++) {
        float acc = accumulate ? dbias[c] : 0.0f;
        for (ptrdiff_t p = 0; p < pixels; p++) acc = acc + dout[p * channels + c];
        dbias[c] = acc;
    }
}

#undef VF
#undef VLOAD
#undef VSTORE
#undef ALWAYS_INLINE
#undef ENTRY
