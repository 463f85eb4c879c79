#ifndef MNIST_NCE_CLIBPNG_SHIM_H
#define MNIST_NCE_CLIBPNG_SHIM_H
#include <png.h>
#endif
