// Private to the C kernels: runtime dispatch between instruction sets.
#ifndef MNIST_NCE_KERNEL_CLONES_H
#define MNIST_NCE_KERNEL_CLONES_H

// On x86-64 Linux each kernel is compiled three times (AVX-512, AVX2,
// baseline) and the loader picks the best the processor runs. With
// -ffp-contract=off every variant rounds the same way.
#if defined(__x86_64__) && defined(__linux__)
#define MNIST_NCE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MNIST_NCE_CLONES
#endif

#endif
