#ifndef MNIST_NCE_CZLIB_SHIM_H
#define MNIST_NCE_CZLIB_SHIM_H
#include <zlib.h>
#endif
