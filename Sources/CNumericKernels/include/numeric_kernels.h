#ifndef MNIST_NCE_NUMERIC_KERNELS_H
#define MNIST_NCE_NUMERIC_KERNELS_H

#include <stddef.h>

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

#endif
