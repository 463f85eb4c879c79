#ifndef MNIST_NCE_IMAGE_DECODING_H
#define MNIST_NCE_IMAGE_DECODING_H

#include <stddef.h>
#include <stdint.h>

/// What mnist_nce_png_decode reports.
typedef enum {
    /// The image was decoded into `pixels`.
    MNIST_NCE_PNG_OK = 0,
    /// The data does not start with the 8-byte PNG signature.
    MNIST_NCE_PNG_NOT_PNG = 1,
    /// The header declares more than the caller's limits; `width` and
    /// `height` hold the declared size and nothing was allocated for pixels.
    MNIST_NCE_PNG_TOO_LARGE = 2,
    /// libpng rejected the data (damaged, truncated, unsupported); the
    /// message buffer holds its reason.
    MNIST_NCE_PNG_MALFORMED = 3,
    /// An allocation failed.
    MNIST_NCE_PNG_NO_MEMORY = 4,
} mnist_nce_png_status;

/// A decoded PNG as 8-bit samples: grey (channels 1) or grey then alpha
/// (channels 2), row-major without padding, 0 black and 255 white.
typedef struct {
    uint32_t width;
    uint32_t height;
    uint32_t channels;
    /// width × height × channels bytes from malloc, or NULL; release with
    /// mnist_nce_png_free.
    uint8_t *pixels;
} mnist_nce_png_image;

/// Decodes the PNG held in data[0 ..< size] of any colour type and bit
/// depth: palettes and low bit depths are expanded, 16-bit samples scaled
/// to 8 bits, colour converted to grey with libpng's default (sRGB)
/// weights, and transparency (an alpha channel or tRNS) kept as a second
/// channel. Interlaced images are de-interlaced.
///
/// Images wider or taller than max_side, or of more than max_pixels pixels,
/// are refused from their header, before any pixel buffer is allocated.
/// libpng's errors are caught inside this function (its longjmp never
/// leaves it); their text goes to message (always NUL-terminated when
/// message_capacity > 0). On any status but MNIST_NCE_PNG_OK, image->pixels
/// is NULL.
mnist_nce_png_status mnist_nce_png_decode(
    const uint8_t *data, size_t size, uint32_t max_side, uint64_t max_pixels,
    mnist_nce_png_image *image, char *message, size_t message_capacity);

/// Releases the pixels of an image filled by mnist_nce_png_decode and sets
/// them to NULL; safe to call twice.
void mnist_nce_png_free(mnist_nce_png_image *image);

#endif
