#ifndef MNIST_NCE_NUMERIC_KERNELS_H
#define MNIST_NCE_NUMERIC_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Adam over n values: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²;
/// p -= step_size · m / (√v + epsilon). Bias correction is folded into
/// step_size and epsilon by the caller. Runs with denormals flushed to
/// zero (mnist_nce_flush_denormals_begin). Buffers must not overlap.
void mnist_nce_adam_update_f32(
    float *restrict parameters, const float *restrict gradients,
    float *restrict first_moment, float *restrict second_moment, ptrdiff_t count,
    float beta1, float beta2, float step_size, float epsilon);

/// Heavy-ball SGD over n values: velocity = momentum · velocity + g;
/// p -= rate · velocity. Runs with denormals flushed to zero. Buffers must
/// not overlap.
void mnist_nce_sgd_update_f32(
    float *restrict parameters, const float *restrict gradients,
    float *restrict velocity, ptrdiff_t count, float momentum, float rate);

/// Output columns of one group of the sparse kernels' work: a multiple of
/// every instruction set's register tile. Column ranges that start on a
/// multiple of it (and end on one, or at the last column) split the work
/// without extra copying; any range gives the same bits.
#define MNIST_NCE_SPARSE_COLUMN_TILE 128

/// The instruction sets this processor offers, detected once: 0 portable,
/// 1 AVX2 with FMA, 2 AVX-512. The kernels' own limits cap it.
int mnist_nce_detected_instruction_level(void);

/// The instruction set the sparse kernels use: 2 AVX-512, 1 AVX2 with FMA,
/// 0 portable (4-float vectors). Every set gives the same bits.
int mnist_nce_sparse_instruction_set(void);

/// Caps the sparse kernels' instruction set (benchmarks: 1 runs the AVX2
/// kernels on an AVX-512 processor). Results do not change.
void mnist_nce_sparse_limit_instruction_set(int level);

/// Floats per vector register of the sparse kernels' current set.
int mnist_nce_sparse_vector_lanes(void);

/// Vector fused multiply-adds per second one thread sustains with the
/// sparse kernels' current set (best slice of a loop run for about
/// `seconds`); times lanes × 2 it is one core's FLOP peak.
double mnist_nce_fma_throughput(double seconds);

/// The non-zero values (NaN included; both zeros dropped) of x (batch,
/// inputs), by rows and by columns: row b's entries are row_start[b] ..<
/// row_start[b + 1] of row_columns / row_values (ascending columns), column
/// i's are column_start[i] ..< column_start[i + 1] of column_rows /
/// column_values (ascending rows). row_start has batch + 1 values,
/// column_start inputs + 1, cursor inputs (scratch); the entry buffers must
/// hold batch · inputs values (the row pass may write past the last entry).
void mnist_nce_sparse_list_f32(
    const float *x, ptrdiff_t batch, ptrdiff_t inputs, int32_t *row_start, int32_t *row_columns,
    float *row_values, int32_t *column_start, int32_t *column_rows, float *column_values, int32_t *cursor);

/// Sparse rows times an input-major weight:
/// out[b, j] = bias[j] + Σ_{k in row_start[b] ..< row_start[b+1]} values[k] · weight[indices[k], j]
/// for b in [row_begin, row_end) and j in [column_begin, column_end),
/// summed in that order starting from the bias (from zero when bias is
/// NULL), then max(·, 0) when relu is non-zero (NaN and −0 give +0, as
/// mnist_nce_relu_forward_inplace_f32). weight is (inputs, outputs)
/// row-major, out is (batch, outputs); the values in range are overwritten,
/// others untouched. used_rows (may be NULL) are the batch's column
/// offsets (inputs + 1 values): weight rows i with used_rows[i] ==
/// used_rows[i + 1] are not read. Within each row, indices must be strictly
/// ascending and lie in [0, inputs); out must not overlap the other buffers.
void mnist_nce_sparse_rows_forward_f32(
    float *restrict out, const int32_t *row_start, const int32_t *indices, const float *values,
    const float *restrict weight, const float *bias, const int32_t *used_rows, ptrdiff_t row_begin,
    ptrdiff_t row_end, ptrdiff_t column_begin, ptrdiff_t column_end, ptrdiff_t outputs, int relu);

/// Weight gradient from sparse columns of the input:
/// dweight[i, j] (+)= Σ_{k in col_start[i] ..< col_start[i+1]} values[k] · dout[rows[k], j]
/// for i in [input_begin, input_end) and j in [column_begin, column_end),
/// summed in that order starting from dweight[i, j] when accumulate is
/// non-zero, or from zero otherwise (so inputs without entries get zero
/// rows). dout is (batch, outputs) with rows dout_stride ≥ outputs floats
/// apart (a stride off a multiple of 4 KiB reads faster), dweight is
/// (inputs, outputs) row-major. When dbias is not NULL, accumulate is zero and input_begin is
/// 0, also dbias[j] = dout[0, j] + dout[1, j] + … + dout[batch − 1, j] (in
/// that order; 0 for an empty batch) for the same columns. Within each
/// column, rows must be strictly ascending and lie in [0, batch); dweight
/// and dbias must not overlap the other buffers. Runs with denormals
/// flushed to zero.
void mnist_nce_sparse_columns_weight_gradient_f32(
    float *restrict dweight, float *dbias, const int32_t *col_start, const int32_t *rows, const float *values,
    const float *restrict dout, ptrdiff_t dout_stride, ptrdiff_t batch, ptrdiff_t input_begin, ptrdiff_t input_end,
    ptrdiff_t column_begin, ptrdiff_t column_end, ptrdiff_t outputs, int accumulate);

/// The weight gradient above (from zero) fused with Adam: for each value in
/// range, g is the gradient and the update is mnist_nce_adam_update_f32's,
/// rounded the same way, on parameters, first_moment and second_moment
/// (all (inputs, outputs) row-major). The gradient is never stored. dbias
/// (may be NULL) receives the bias gradient as above when input_begin is 0.
void mnist_nce_sparse_columns_weight_gradient_adam_f32(
    float *restrict parameters, float *restrict first_moment, float *restrict second_moment, float *dbias,
    const int32_t *col_start, const int32_t *rows, const float *values, const float *restrict dout,
    ptrdiff_t dout_stride, ptrdiff_t batch, ptrdiff_t input_begin, ptrdiff_t input_end, ptrdiff_t column_begin,
    ptrdiff_t column_end, ptrdiff_t outputs, float beta1, float beta2, float step_size, float epsilon);

/// Sets the calling thread to flush denormals to zero, inputs and results
/// (MXCSR's DAZ and FTZ on x86, FPCR's FZ on AArch64; nothing elsewhere),
/// and returns the previous mode for mnist_nce_flush_denormals_end. The
/// optimizer updates and the hidden weight-gradient kernels run in this
/// mode, as TensorFlow's CPU kernels do.
unsigned long mnist_nce_flush_denormals_begin(void);

/// Restores the mode mnist_nce_flush_denormals_begin returned.
void mnist_nce_flush_denormals_end(unsigned long saved);

/// Non-zero when the calling thread's arithmetic flushes denormal results
/// to zero (1e-30 · 1e-10 gives 0).
int mnist_nce_flushes_denormals(void);

/// x[i] = max(x[i], 0) for i < count, in place.
void mnist_nce_relu_forward_inplace_f32(float *x, ptrdiff_t count);

/// gradient[i] = 0 where out[i] <= 0 (out is the forward output), in place.
/// The buffers must not overlap.
void mnist_nce_relu_backward_inplace_f32(float *restrict gradient, const float *restrict out, ptrdiff_t count);

/// The rectifier's backward pass into other rows: dst[r · dst_stride + i] =
/// out[r · width + i] > 0 ? gradient[r · width + i] : 0 for r < rows and
/// i < width (dst_stride ≥ width). dst must not overlap the other buffers.
void mnist_nce_relu_backward_rows_f32(
    float *restrict dst, ptrdiff_t dst_stride, const float *restrict gradient, const float *restrict out,
    ptrdiff_t rows, ptrdiff_t width);

/// Dropout's mask applied: out[i] = mask[i] == 0 ? 0 : inp[i] · mask[i] for
/// i < count (dropped units are +0 whatever the input). out may be inp.
void mnist_nce_dropout_apply_f32(float *out, const float *inp, const float *mask, ptrdiff_t count);

/// Dropout's mask from 64-bit draws: unit i takes the low 32 bits of
/// draws[i / 2] when i is even and the high 32 bits when odd, and
/// mask[i] = scale if those bits ≥ threshold, else 0, for i < count.
void mnist_nce_dropout_mask_f32(
    float *restrict mask, const uint64_t *restrict draws, ptrdiff_t count, uint64_t threshold, float scale);

// ---------------------------------------------------------------------------
// The output layer: embeddings x (batch, dim) against rows of the class
// weights W (classes, dim). Row b of the batch uses `width` classes,
// class(b, j) = classes[b · width + j] for j < width, or j when classes is
// NULL (the full layer). Class ids must lie in W's rows. Sums run in the
// order of the losses' loops (SampledLosses' VectorKernels), the same on
// every instruction set; gradient entries equal to zero are skipped.

/// out[b · width + j] = x_b · W[class(b, j)] for rows b in [row_begin,
/// row_end): eight partial sums s_r over the elements i ≡ r (mod 8) of the
/// whole groups of eight, the last dim mod 8 elements added to s_0 in
/// order, then ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)).
void mnist_nce_class_rows_dots_f32(
    float *restrict out, const float *inputs, const float *weights, const int32_t *classes, ptrdiff_t dim,
    ptrdiff_t width, ptrdiff_t row_begin, ptrdiff_t row_end);

/// dinputs[b, :] = 0 + g[b, 0] · W[class(b, 0)] + g[b, 1] · W[class(b, 1)] + …
/// (in that order, terms with g == 0 left out) for rows b in [row_begin,
/// row_end), where g is gradients (batch, width). dinputs must not overlap
/// the other buffers.
void mnist_nce_class_rows_input_gradient_f32(
    float *restrict dinputs, const float *gradients, const float *weights, const int32_t *classes, ptrdiff_t dim,
    ptrdiff_t width, ptrdiff_t row_begin, ptrdiff_t row_end);

/// dweights[class(b, j), d] += g[b, j] · x_b[d] for d in [column_begin,
/// column_end), b ascending and j ascending within b (terms with g == 0 left
/// out); when dbiases is not NULL, also dbiases[class(b, j)] += g[b, j] in the
/// same order. dweights and dbiases must not overlap the other buffers.
void mnist_nce_class_rows_weight_gradient_f32(
    float *restrict dweights, float *restrict dbiases, const float *gradients, const float *inputs,
    const int32_t *classes, ptrdiff_t dim, ptrdiff_t width, ptrdiff_t batch, ptrdiff_t column_begin,
    ptrdiff_t column_end);

/// Asks the processor to bring rows rows[0 ..< count] of a row-major array
/// (row r at base + r · row_bytes) into the cache; changes no memory.
void mnist_nce_prefetch_rows(const void *base, ptrdiff_t row_bytes, const int32_t *rows, ptrdiff_t count);

/// Processors this process may run on (its CPU affinity mask), at least 1.
int mnist_nce_available_cores(void);

/// A fixed set of worker threads that run the parts of one job at a time.
///
/// `mnist_nce_pool_run` lets the workers and the calling thread claim the
/// parts of a job one at a time, in ascending order, until none is left,
/// and returns when all have finished. Which thread runs a part depends on
/// timing, so parts must not depend on it; a job split into more parts
/// than threads still finishes when some threads are descheduled, since
/// the others claim what is left. Nothing is allocated per job. Idle
/// workers, and a caller waiting for parts still running, poll for some
/// microseconds and then sleep; at most one worker per core besides the
/// caller's is awake at a time. The pool times its jobs with and without
/// the workers and, while the caller alone is faster (a busy machine), runs
/// jobs on the caller and lets the workers sleep, trying the workers again
/// now and then.
typedef struct mnist_nce_pool mnist_nce_pool;

/// A pool with `workers` threads (0 is allowed: every job then runs on the
/// caller). Returns NULL if a thread could not be started.
mnist_nce_pool *mnist_nce_pool_create(int workers);

/// Stops and joins the workers and frees the pool.
void mnist_nce_pool_destroy(mnist_nce_pool *pool);

/// Wakes sleeping workers (as many as may be awake) so that they poll for
/// the next job: call it some microseconds before a job, from the thread
/// that runs jobs, to hide the wake-up. Does nothing while the pool runs
/// jobs on the caller alone.
void mnist_nce_pool_wake(mnist_nce_pool *pool);

/// Tells the pool that the calling thread is about to pause between jobs
/// for its own reasons (an evaluation, a file write): the time until the
/// next job does not count in the timing that chooses between the caller
/// alone and the workers. From the thread that runs jobs.
void mnist_nce_pool_pause(mnist_nce_pool *pool);

/// Runs `body(context, part)` for every part in 0..<parts. Not reentrant:
/// one job at a time per pool, from one thread.
void mnist_nce_pool_run(mnist_nce_pool *pool, int parts, void (*body)(void *context, int part), void *context);

// ---------------------------------------------------------------------------
// Convolution, stride 1, odd square kernel k with pad = (k − 1) / 2 zeros on
// every side (TensorFlow's SAME), activations NHWC and filters HWIO
// (k, k, cin, cout). "padded" is a (B, h + k − 1, w + k − 1, cin) copy of the
// input with the input in its interior and zeros around it. The sums of
// every output value are chains of fused multiply-adds in a fixed order
// (below), so the bits do not depend on the instruction set or on how a
// call is split into ranges over threads.

/// The instruction set the convolution kernels use: 2 AVX-512, 1 AVX2 with
/// FMA, 0 portable (fmaf calls: correct and slow).
int mnist_nce_conv_instruction_set(void);

/// Caps the instruction set (for benchmarks: 1 runs the AVX2 kernels on an
/// AVX-512 processor). Results do not change.
void mnist_nce_conv_limit_instruction_set(int level);

/// out[p, co] = max?(bias[co] + Σ_{ky < k} Σ_{j < k·cin} padded[p's window at
/// row ky, value j] · filter[(ky·k·cin + j)·cout + co]) for the output pixels
/// p in [pixel_begin, pixel_end) of the batch (p = (b·h + y)·w + x), summed
/// from the bias (zero when NULL) in that order; relu non-zero replaces the
/// result by `r > 0 ? r : 0`. out is (B, h, w, cout); only the range is
/// written. out must not overlap the other buffers.
void mnist_nce_conv_forward_f32(
    float *out, const float *padded, const float *filter, const float *bias, ptrdiff_t pixel_begin,
    ptrdiff_t pixel_end, ptrdiff_t height, ptrdiff_t width, ptrdiff_t in_channels,
    ptrdiff_t out_channels, ptrdiff_t kernel, int relu);

/// Rows [row_begin, row_end) of the filter gradient as a (k·k·cin, cout)
/// matrix: dfilter[m, co] (+)= Σ_p padded[p's window value m] · dout[p, co]
/// over all output pixels p of the batch in order, starting from dfilter's
/// value when accumulate is non-zero, else from zero. dout is (B, h, w, cout).
void mnist_nce_conv_filter_gradient_f32(
    float *dfilter, const float *padded, const float *dout, ptrdiff_t row_begin, ptrdiff_t row_end,
    ptrdiff_t batch, ptrdiff_t height, ptrdiff_t width, ptrdiff_t in_channels, ptrdiff_t out_channels,
    ptrdiff_t kernel, int accumulate);

/// Lists the non-zero values (NaN included) of images [image_begin,
/// image_end) of inp, each image image_size values long: image b's list is
/// index[b·image_size ..< b·image_size + count[b]] (positions inside the
/// image, ascending) with the values at the same places in value.
void mnist_nce_conv_sparse_list_f32(
    int32_t *count, int32_t *index, float *value, const float *inp, ptrdiff_t image_begin,
    ptrdiff_t image_end, ptrdiff_t image_size);

/// mnist_nce_conv_forward_f32 for images [image_begin, image_end) from the
/// lists of their non-zero inputs (image_size = h·w·cin): each output starts
/// at the bias and adds the non-zero inputs of its window in the dense
/// kernel's order, so for finite filters the bits equal the dense kernel's.
void mnist_nce_conv_sparse_forward_f32(
    float *out, const int32_t *count, const int32_t *index, const float *value, const float *filter,
    const float *bias, ptrdiff_t image_begin, ptrdiff_t image_end, ptrdiff_t height, ptrdiff_t width,
    ptrdiff_t in_channels, ptrdiff_t out_channels, ptrdiff_t kernel, int relu);

/// mnist_nce_conv_filter_gradient_f32 for the rows of kernel taps
/// [tap_begin, tap_end) (tap ky·k + kx owns rows tap·cin ..< (tap + 1)·cin),
/// from the lists of non-zero inputs of all `batch` images; for finite dout
/// the bits equal the dense kernel's.
void mnist_nce_conv_sparse_filter_gradient_f32(
    float *dfilter, const int32_t *count, const int32_t *index, const float *value, const float *dout,
    ptrdiff_t tap_begin, ptrdiff_t tap_end, ptrdiff_t batch, ptrdiff_t height, ptrdiff_t width,
    ptrdiff_t in_channels, ptrdiff_t out_channels, ptrdiff_t kernel, int accumulate);

/// Copies images [image_begin, image_end) of inp (B, h, w, c) into the
/// interior of padded (B, h + 2·pad, w + 2·pad, c); the border is not touched.
void mnist_nce_pad_images_f32(
    float *padded, const float *inp, ptrdiff_t image_begin, ptrdiff_t image_end, ptrdiff_t height,
    ptrdiff_t width, ptrdiff_t channels, ptrdiff_t pad);

/// dbias[c] (+)= Σ_p dout[p, c] over pixels p in order, for channels c in
/// [channel_begin, channel_end); from zero unless accumulate is non-zero.
void mnist_nce_conv_bias_gradient_f32(
    float *dbias, const float *dout, ptrdiff_t pixels, ptrdiff_t channels, ptrdiff_t channel_begin,
    ptrdiff_t channel_end, int accumulate);

/// Max-pooling 2×2, stride 2, SAME, for images [image_begin, image_end) of
/// inp (B, h, w, c) into out (B, ⌈h/2⌉, ⌈w/2⌉, c). Each output is the first
/// maximum of its window in row-major order (a later value replaces it only
/// when strictly greater); argmax (may be NULL) receives its position
/// dy·2 + dx. relu non-zero pools max(x, 0) instead (argmax still of x).
void mnist_nce_max_pool_forward_f32(
    float *restrict out, uint8_t *restrict argmax, const float *restrict inp, ptrdiff_t image_begin,
    ptrdiff_t image_end, ptrdiff_t height, ptrdiff_t width, ptrdiff_t channels, int relu);

/// Routes dout to each window's argmax and zero to its other values, for
/// images [image_begin, image_end); every value of dinp in range is
/// written. positive_only (may be NULL) is the pooled output: where it is
/// not positive, the window gets zeros (ReLU's backward folded in).
void mnist_nce_max_pool_backward_f32(
    float *restrict dinp, const float *restrict dout, const uint8_t *restrict argmax,
    const float *restrict positive_only, ptrdiff_t image_begin, ptrdiff_t image_end, ptrdiff_t height,
    ptrdiff_t width, ptrdiff_t channels);

#endif
