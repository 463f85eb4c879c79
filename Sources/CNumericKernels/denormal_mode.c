// The floating-point mode of the optimizer updates: denormal inputs read
// as zero and denormal results become zero (x86's DAZ and FTZ bits in
// MXCSR, AArch64's FZ bit in FPCR), as TensorFlow's CPU kernels run. Adam's
// first moment decays geometrically for inputs that stay zero (MNIST's
// border pixels), and arithmetic on denormals costs several times the
// normal rate on current processors.
#include "numeric_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>

// MXCSR bit 15 (flush to zero) and bit 6 (denormals are zero).
#define FLUSH_BITS 0x8040u

unsigned long mnist_nce_flush_denormals_begin(void) {
    unsigned int saved = _mm_getcsr();
    _mm_setcsr(saved | FLUSH_BITS);
    return saved;
}

void mnist_nce_flush_denormals_end(unsigned long saved) { _mm_setcsr((unsigned int)saved); }

#elif defined(__aarch64__)

// FPCR bit 24 (FZ) flushes both inputs and results of single and double
// precision arithmetic.
#define FLUSH_BITS (1ul << 24)

unsigned long mnist_nce_flush_denormals_begin(void) {
    unsigned long saved;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(saved));
    __asm__ __volatile__("msr fpcr, %0" : : "r"(saved | FLUSH_BITS));
    return saved;
}

void mnist_nce_flush_denormals_end(unsigned long saved) { __asm__ __volatile__("msr fpcr, %0" : : "r"(saved)); }

#else

unsigned long mnist_nce_flush_denormals_begin(void) { return 0; }
void mnist_nce_flush_denormals_end(unsigned long saved) { (void)saved; }

#endif

int mnist_nce_flushes_denormals(void) {
    volatile float tiny = 1e-30f, scale = 1e-10f;
    return tiny * scale == 0.0f;
}
