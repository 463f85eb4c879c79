#ifndef MNIST_NCE_COPENBLAS_SHIM_H
#define MNIST_NCE_COPENBLAS_SHIM_H
// OpenBLAS's own cblas.h also declares openblas_set_num_threads and
// openblas_get_corename, which the benchmarks report.
#include <cblas.h>
#endif
