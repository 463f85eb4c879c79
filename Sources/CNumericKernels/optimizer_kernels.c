// Elementwise optimiser updates, kept in C because the compiler vectorises
// the square root and division here (Swift's Float.squareRoot() keeps a
// scalar errno-setting path that blocks it). Built with -fno-math-errno and
// -ffp-contract=off, so every variant rounds exactly as the plain Swift loop
// in NCENetwork does, on any processor. The updates run with denormals
// flushed to zero (see mnist_nce_flush_denormals_begin); the Swift loop
// runs in the same mode.
#include "numeric_kernels.h"
#include <math.h>

#include "kernel_clones.h"

MNIST_NCE_INLINE void adam_update_body(
    float *restrict parameters, const float *restrict gradients,
    float *restrict first_moment, float *restrict second_moment, ptrdiff_t count,
    float beta1, float beta2, float step_size, float epsilon) {
    for (ptrdiff_t i = 0; i < count; i++) {
        float g = gradients[i];
        float m = beta1 * first_moment[i] + (1.0f - beta1) * g;
        float v = beta2 * second_moment[i] + (1.0f - beta2) * g * g;
        first_moment[i] = m;
        second_moment[i] = v;
        parameters[i] -= step_size * m / (sqrtf(v) + epsilon);
    }
}

MNIST_NCE_VERSIONS(
    static, adam_update, adam_update_body, mnist_nce_sparse_instruction_set(),
    (float *restrict parameters, const float *restrict gradients, float *restrict first_moment,
     float *restrict second_moment, ptrdiff_t count, float beta1, float beta2, float step_size, float epsilon),
    (parameters, gradients, first_moment, second_moment, count, beta1, beta2, step_size, epsilon))

void mnist_nce_adam_update_f32(
    float *restrict parameters, const float *restrict gradients,
    float *restrict first_moment, float *restrict second_moment, ptrdiff_t count,
    float beta1, float beta2, float step_size, float epsilon) {
    unsigned long mode = mnist_nce_flush_denormals_begin();
    adam_update(parameters, gradients, first_moment, second_moment, count, beta1, beta2, step_size, epsilon);
    mnist_nce_flush_denormals_end(mode);
}

MNIST_NCE_INLINE void sgd_update_body(
    float *restrict parameters, const float *restrict gradients,
    float *restrict velocity, ptrdiff_t count, float momentum, float rate) {
    for (ptrdiff_t i = 0; i < count; i++) {
        float u = momentum * velocity[i] + gradients[i];
        velocity[i] = u;
        parameters[i] -= rate * u;
    }
}

MNIST_NCE_VERSIONS(
    static, sgd_update, sgd_update_body, mnist_nce_sparse_instruction_set(),
    (float *restrict parameters, const float *restrict gradients, float *restrict velocity, ptrdiff_t count,
     float momentum, float rate),
    (parameters, gradients, velocity, count, momentum, rate))

void mnist_nce_sgd_update_f32(
    float *restrict parameters, const float *restrict gradients,
    float *restrict velocity, ptrdiff_t count, float momentum, float rate) {
    unsigned long mode = mnist_nce_flush_denormals_begin();
    sgd_update(parameters, gradients, velocity, count, momentum, rate);
    mnist_nce_flush_denormals_end(mode);
}
