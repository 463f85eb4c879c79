// PNG to 8-bit grey (and alpha) through libpng.
//
// libpng reports errors by calling a handler that must not return; the
// handler here longjmps back to the setjmp in mnist_nce_png_decode, so the
// jump never crosses a frame that is not C (Swift calls this function and
// only ever sees its return value).

#include "image_decoding.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Largest ancillary chunk (text, ICC profile) libpng may allocate for.
enum { chunk_allocation_limit = 8 * 1024 * 1024 };

/// The input and where libpng's messages go.
typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    char *message;
    size_t message_capacity;
} decode_state;

static void set_message(decode_state *state, const char *text) {
    if (state->message_capacity == 0) return;
    snprintf(state->message, state->message_capacity, "%s", text);
}

/// libpng's error handler: keeps the first reason and jumps back to
/// mnist_nce_png_decode.
static void on_error(png_structp png, png_const_charp text) {
    decode_state *state = png_get_error_ptr(png);
    if (state->message_capacity > 0 && state->message[0] == '\0') set_message(state, text);
    png_longjmp(png, 1);
}

/// Warnings (unknown chunks, bad ancillary CRCs, …) are not failures.
static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

/// Hands libpng the next `count` bytes of the in-memory file.
static void read_bytes(png_structp png, png_bytep out, size_t count) {
    decode_state *state = png_get_io_ptr(png);
    if (count > state->size - state->offset) {
        png_error(png, "the file ends early (truncated)");
    }
    memcpy(out, state->data + state->offset, count);
    state->offset += count;
}

mnist_nce_png_status mnist_nce_png_decode(
    const uint8_t *data, size_t size, uint32_t max_side, uint64_t max_pixels,
    mnist_nce_png_image *image, char *message, size_t message_capacity
) {
    memset(image, 0, sizeof *image);
    if (message_capacity > 0) message[0] = '\0';
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) return MNIST_NCE_PNG_NOT_PNG;

    decode_state state = {data, size, 0, message, message_capacity};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, on_error, on_warning);
    if (png == NULL) return MNIST_NCE_PNG_NO_MEMORY;
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        return MNIST_NCE_PNG_NO_MEMORY;
    }

    // Assigned after setjmp and read after a longjmp, hence volatile.
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;

    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(pixels);
        png_destroy_read_struct(&png, &info, NULL);
        if (message_capacity > 0 && message[0] == '\0') set_message(&state, "libpng failed");
        return MNIST_NCE_PNG_MALFORMED;
    }

    png_set_read_fn(png, &state, read_bytes);
    png_set_chunk_malloc_max(png, chunk_allocation_limit);
    png_read_info(png, info);

    const png_uint_32 width = png_get_image_width(png, info);
    const png_uint_32 height = png_get_image_height(png, info);
    image->width = width;
    image->height = height;
    if (width > max_side || height > max_side || (uint64_t)width * height > max_pixels) {
        png_destroy_read_struct(&png, &info, NULL);
        return MNIST_NCE_PNG_TOO_LARGE;
    }

    const int color_type = png_get_color_type(png, info);
    png_set_expand(png);
    if (png_get_bit_depth(png, info) == 16) png_set_scale_16(png);
    if (color_type & PNG_COLOR_MASK_COLOR) {
        png_set_rgb_to_gray_fixed(png, PNG_ERROR_ACTION_NONE, -1, -1);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    const png_byte channels = png_get_channels(png, info);
    if (png_get_bit_depth(png, info) != 8 || (channels != 1 && channels != 2)
        || png_get_rowbytes(png, info) != (size_t)width * channels) {
        png_error(png, "a sample layout the grey conversion does not produce");
    }

    const size_t row_bytes = (size_t)width * channels;
    pixels = malloc(row_bytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (pixels == NULL || rows == NULL) {
        free(rows);
        free(pixels);
        png_destroy_read_struct(&png, &info, NULL);
        return MNIST_NCE_PNG_NO_MEMORY;
    }
    for (png_uint_32 row = 0; row < height; row++) rows[row] = pixels + row * row_bytes;
    png_read_image(png, rows);
    // Reads up to IEND, so that a file cut after its pixel data is refused too.
    png_read_end(png, NULL);

    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    image->channels = channels;
    image->pixels = pixels;
    return MNIST_NCE_PNG_OK;
}

void mnist_nce_png_free(mnist_nce_png_image *image) {
    free(image->pixels);
    image->pixels = NULL;
}
