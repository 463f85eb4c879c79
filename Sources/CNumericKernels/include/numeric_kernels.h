#ifndef MNIST_NCE_NUMERIC_KERNELS_H
#define MNIST_NCE_NUMERIC_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Adam over n values: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²;
/// p -= step_size · m / (√v + epsilon). Bias correction is folded into
/// step_size and epsilon by the caller. Buffers must not overlap.
void mnist_nce_adam_update_f32(
    float *restrict parameters, const float *restrict gradients,
    float *restrict first_moment, float *restrict second_moment, ptrdiff_t count,
    float beta1, float beta2, float step_size, float epsilon);

/// Heavy-ball SGD over n values: velocity = momentum · velocity + g;
/// p -= rate · velocity. Buffers must not overlap.
void mnist_nce_sgd_update_f32(
    float *restrict parameters, const float *restrict gradients,
    float *restrict velocity, ptrdiff_t count, float momentum, float rate);

/// Output columns the sparse kernels keep in registers at once. Column
/// ranges that start on a multiple of it (and end on one, or at the last
/// column) split the work without extra copying; any range gives the same
/// bits.
#define MNIST_NCE_SPARSE_COLUMN_TILE 128

/// Sparse rows times an input-major weight:
/// out[b, j] = bias[j] + Σ_{k in row_start[b] ..< row_start[b+1]} values[k] · weight[indices[k], j]
/// for b in [row_begin, row_end) and j in [column_begin, column_end),
/// summed in that order starting from the bias (from zero when bias is
/// NULL). weight is (inputs, outputs) row-major, out is (batch, outputs);
/// the values in range are overwritten, others untouched. Within each row,
/// indices must be strictly ascending and lie in [0, inputs); out must not
/// overlap the other buffers.
void mnist_nce_sparse_rows_forward_f32(
    float *restrict out, const int32_t *row_start, const int32_t *indices, const float *values,
    const float *restrict weight, const float *bias, ptrdiff_t row_begin, ptrdiff_t row_end,
    ptrdiff_t column_begin, ptrdiff_t column_end, ptrdiff_t outputs);

/// Weight gradient from sparse columns of the input:
/// dweight[i, j] (+)= Σ_{k in col_start[i] ..< col_start[i+1]} values[k] · dout[rows[k], j]
/// for i in [input_begin, input_end) and j in [column_begin, column_end),
/// summed in that order starting from dweight[i, j] when accumulate is
/// non-zero, or from zero otherwise (so inputs without entries get zero
/// rows). dout is (batch, outputs), dweight is (inputs, outputs), both
/// row-major. Within each column, rows must be strictly ascending and lie
/// in [0, batch); dweight must not overlap the other buffers.
void mnist_nce_sparse_columns_weight_gradient_f32(
    float *restrict dweight, const int32_t *col_start, const int32_t *rows, const float *values,
    const float *restrict dout, ptrdiff_t input_begin, ptrdiff_t input_end, ptrdiff_t column_begin,
    ptrdiff_t column_end, ptrdiff_t outputs, int accumulate);

/// x[i] = max(x[i], 0) for i < count, in place.
void mnist_nce_relu_forward_inplace_f32(float *x, ptrdiff_t count);

/// gradient[i] = 0 where out[i] <= 0 (out is the forward output), in place.
/// The buffers must not overlap.
void mnist_nce_relu_backward_inplace_f32(float *restrict gradient, const float *restrict out, ptrdiff_t count);

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

/// Runs `body(context, part)` for every part in 0..<parts. Not reentrant:
/// one job at a time per pool, from one thread.
void mnist_nce_pool_run(mnist_nce_pool *pool, int parts, void (*body)(void *context, int part), void *context);

#endif
