#!/usr/bin/env python3
"""Writes the test images of `mnist-nce predict` (numpy only).

Two sets, both committed; rerunning this script rewrites them identically:

* Tests/MNISTNCECommandTests/Fixtures/digits/: digits drawn from pen strokes
  (polylines and elliptic arcs, anti-aliased by 4x4 supersampling), in the
  formats and looks a user may bring: dark on light and light on dark, sizes
  other than 28x28, digits away from the centre, transparency, grey noisy
  paper, PGM binary and plain.
* Tests/DigitImagesTests/Fixtures/png-kinds/: one small test pattern encoded
  in many PNG colour types and bit depths (and interlaced), for the decoder's
  unit tests, which rebuild the expected pattern from the same formula.

PNG files are written with zlib and struct from the standard library.

    python3 scripts/make_test_digits.py            # both sets
    python3 scripts/make_test_digits.py --own DIR  # also a few differently drawn digits into DIR
"""
import argparse
import math
import os
import struct
import zlib

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DIGITS = os.path.join(ROOT, "Tests", "MNISTNCECommandTests", "Fixtures", "digits")
PNG_KINDS = os.path.join(ROOT, "Tests", "DigitImagesTests", "Fixtures", "png-kinds")


# --- strokes -----------------------------------------------------------------

def arc(cx, cy, rx, ry, start_degrees, end_degrees, steps=48):
    """Points of an elliptic arc; y grows downwards, so growing angles turn clockwise on screen."""
    angles = np.radians(np.linspace(start_degrees, end_degrees, steps))
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


# Each digit: strokes (lists of points) in a unit box, x to the right, y down.
SHAPES = {
    0: [arc(0.5, 0.5, 0.42, 0.48, -90, 275, 72)],
    1: [[(0.62, 0.0), (0.40, 1.0)]],
    2: [arc(0.5, 0.3, 0.4, 0.3, -165, 25) + [(0.05, 1.0), (0.98, 0.97)]],
    3: [arc(0.5, 0.25, 0.38, 0.24, -160, 105), arc(0.5, 0.73, 0.45, 0.26, -105, 160)],
    4: [[(0.18, 0.0), (0.06, 0.6), (0.95, 0.6)], [(0.72, 0.05), (0.70, 1.0)]],
    7: [[(0.05, 0.04), (0.95, 0.02), (0.68, 0.45), (0.42, 1.0)]],
}


def coverage(width, height, strokes, box, radius, supersampling=4):
    """Ink coverage in [0, 1] of round-nibbed strokes.

    box = (left, top, box_width, box_height) in pixels places the unit box;
    radius is half the stroke width in pixels. Each pixel averages
    supersampling^2 point samples of 'inside a stroke'.
    """
    left, top, bw, bh = box
    s = supersampling
    xs = (np.arange(width * s) + 0.5) / s
    ys = (np.arange(height * s) + 0.5) / s
    px, py = np.meshgrid(xs, ys)
    nearest = np.full(px.shape, np.inf)
    for stroke in strokes:
        points = [(left + x * bw, top + y * bh) for x, y in stroke]
        for (ax, ay), (bx, by) in zip(points, points[1:]):
            dx, dy = bx - ax, by - ay
            length2 = dx * dx + dy * dy
            t = np.clip(((px - ax) * dx + (py - ay) * dy) / length2, 0, 1) if length2 > 0 else 0
            nearest = np.minimum(nearest, np.hypot(px - (ax + t * dx), py - (ay + t * dy)))
    inside = (nearest <= radius).astype(np.float64)
    return inside.reshape(height, s, width, s).mean(axis=(1, 3))


# --- writers -----------------------------------------------------------------

def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_rows(samples, bit_depth):
    """Rows of samples (height x width*channels ints) as PNG scanline bytes, without filter bytes."""
    rows = []
    for row in samples:
        if bit_depth == 16:
            rows.append(b"".join(struct.pack(">H", int(v)) for v in row))
        elif bit_depth == 8:
            rows.append(bytes(int(v) for v in row))
        else:
            per_byte = 8 // bit_depth
            packed = bytearray()
            for start in range(0, len(row), per_byte):
                byte = 0
                for i in range(per_byte):
                    value = int(row[start + i]) if start + i < len(row) else 0
                    byte |= value << (8 - bit_depth * (i + 1))
                packed.append(byte)
            rows.append(bytes(packed))
    return rows


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(path, samples, color_type, bit_depth=8, palette=None, transparency=None, interlaced=False):
    """samples: height x width x channels (or height x width) array of ints."""
    samples = np.asarray(samples)
    if samples.ndim == 2:
        samples = samples[:, :, None]
    height, width, _ = samples.shape
    raw = bytearray()
    passes = ADAM7 if interlaced else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        sub = samples[y0::dy, x0::dx]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue
        for row in pack_rows(sub.reshape(sub.shape[0], -1), bit_depth):
            raw += b"\x00" + row  # filter type None
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlaced else 0)
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
    if palette is not None:
        data += png_chunk(b"PLTE", bytes(int(v) for entry in palette for v in entry))
    if transparency is not None:
        data += png_chunk(b"tRNS", transparency)
    data += png_chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + png_chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def write_pgm(path, grey, maxval=255, plain=False):
    height, width = grey.shape
    if plain:
        lines = ["P2", "# drawn by scripts/make_test_digits.py", f"{width} {height}", str(maxval)]
        lines += [" ".join(str(int(v)) for v in row) for row in grey]
        data = ("\n".join(lines) + "\n").encode()
    else:
        data = f"P5\n# drawn by scripts/make_test_digits.py\n{width} {height}\n{maxval}\n".encode()
        data += grey.astype(">u2" if maxval > 255 else np.uint8).tobytes()
    with open(path, "wb") as f:
        f.write(data)


def grey_levels(ink, dark_on_light):
    """Coverage in [0, 1] to 8-bit grey: ink black on white or white on black."""
    level = np.rint(ink * 255).astype(np.int64)
    return 255 - level if dark_on_light else level


# --- the digit fixtures --------------------------------------------------------

def make_digits(folder):
    os.makedirs(folder, exist_ok=True)
    # A 0 in the lower left of a 60x90 picture, black on white, 8-bit grey PNG.
    ink = coverage(60, 90, SHAPES[0], (6, 38, 30, 44), 3.4)
    write_png(os.path.join(folder, "zero-black-on-white-60x90.png"), grey_levels(ink, True), 0)

    # A 1 already at MNIST's size, white on black, 8-bit grey PNG.
    ink = coverage(28, 28, SHAPES[1], (9, 4, 10, 20), 1.4)
    write_png(os.path.join(folder, "one-white-on-black-28x28.png"), grey_levels(ink, False), 0)

    # A 3 right of centre in a binary PGM, black on white.
    ink = coverage(100, 120, SHAPES[3], (45, 20, 44, 80), 5.5)
    write_pgm(os.path.join(folder, "three-black-on-white.pgm"), grey_levels(ink, True))

    # A 4 in dark blue on a transparent canvas (transparent pixels are black),
    # RGBA PNG: the alpha channel carries the anti-aliasing.
    ink = coverage(80, 80, SHAPES[4], (12, 6, 52, 68), 4.5)
    rgba = np.zeros((80, 80, 4), dtype=np.int64)
    rgba[:, :, 0], rgba[:, :, 1], rgba[:, :, 2] = 20, 40, 120
    rgba[:, :, 3] = np.rint(ink * 255)
    rgba[ink == 0, :3] = 0
    write_png(os.path.join(folder, "four-blue-on-transparent.png"), rgba, 6)

    # A 7 in pencil on off-white paper lit unevenly, with grain: RGB PNG.
    height, width = 100, 120
    ink = coverage(width, height, SHAPES[7], (30, 12, 50, 76), 4.0)
    rng = np.random.default_rng(7)
    light = 232 - 14 * np.linspace(0, 1, width)[None, :] - 8 * np.linspace(0, 1, height)[:, None]
    paper = np.stack([light, light - 4, light - 12], axis=2) + rng.normal(0, 3, (height, width, 1))
    pencil = np.array([70.0, 68.0, 80.0])
    rgb = paper * (1 - 0.9 * ink[:, :, None]) + pencil * (0.9 * ink[:, :, None])
    write_png(os.path.join(folder, "seven-pencil-on-paper.png"), np.clip(np.rint(rgb), 0, 255), 2)

    # A 2 as a plain (ASCII) PGM with 16-bit samples, white on black.
    ink = coverage(40, 50, SHAPES[2], (8, 8, 24, 34), 2.6)
    write_pgm(os.path.join(folder, "two-white-on-black-16bit.pgm"), np.rint(ink * 65535).astype(np.int64),
              maxval=65535, plain=True)


def make_own(folder):
    """Digits drawn differently from the fixtures (strokes, sizes, slant), for a manual check."""
    os.makedirs(folder, exist_ok=True)
    slanted_seven = [[(0.15, 0.08), (0.9, 0.0), (0.55, 0.5), (0.25, 1.0)], [(0.35, 0.52), (0.75, 0.5)]]
    ink = coverage(300, 220, slanted_seven, (120, 30, 90, 170), 9.0)
    write_png(os.path.join(folder, "own-seven-crossed-300x220.png"), grey_levels(ink, True), 0)
    ink = coverage(50, 50, SHAPES[0], (14, 12, 18, 30), 1.2)
    write_pgm(os.path.join(folder, "own-zero-thin-50x50.pgm"), grey_levels(ink, False))
    ink = coverage(64, 200, SHAPES[1], (10, 10, 44, 180), 6.0)
    write_png(os.path.join(folder, "own-one-tall-64x200.png"), grey_levels(ink, True), 0)


# --- PNG kinds for the decoder's unit tests ------------------------------------

def pattern(width=9, height=7):
    """The 8-bit test pattern: (37x + 71y + 5) mod 256."""
    y, x = np.mgrid[0:height, 0:width]
    return (37 * x + 71 * y + 5) % 256


def opacity(width=9, height=7):
    """The 8-bit opacity pattern: (53x + 29y) mod 256."""
    y, x = np.mgrid[0:height, 0:width]
    return (53 * x + 29 * y) % 256


def make_png_kinds(folder):
    os.makedirs(folder, exist_ok=True)
    grey, alpha = pattern(), opacity()
    # Samples that scale to the pattern: 16-bit v*257 plus a little (rounds back to v).
    grey16, alpha16 = np.minimum(grey * 257 + 100, 65535), np.minimum(alpha * 257 + 100, 65535)
    write_png(os.path.join(folder, "grey8.png"), grey, 0)
    write_png(os.path.join(folder, "grey8-interlaced.png"), grey, 0, interlaced=True)
    write_png(os.path.join(folder, "grey16.png"), grey16, 0, bit_depth=16)
    # Low bit depths hold the pattern's top bits; the decoder scales them back up.
    write_png(os.path.join(folder, "grey1.png"), grey >> 7, 0, bit_depth=1)
    write_png(os.path.join(folder, "grey4.png"), grey >> 4, 0, bit_depth=4)
    # tRNS on grey: level 5 (the pattern at 0,0) is transparent.
    write_png(os.path.join(folder, "grey8-trns.png"), grey, 0, transparency=struct.pack(">H", 5))
    write_png(os.path.join(folder, "grey-alpha8.png"), np.stack([grey, alpha], axis=2), 4)
    write_png(os.path.join(folder, "grey-alpha16.png"), np.stack([grey16, alpha16], axis=2), 4, bit_depth=16)
    # Equal red, green and blue convert to exactly that grey.
    write_png(os.path.join(folder, "rgb8.png"), np.stack([grey] * 3, axis=2), 2)
    write_png(os.path.join(folder, "rgba16.png"), np.stack([grey16] * 3 + [alpha16], axis=2), 6, bit_depth=16)
    # A palette of all 256 greys, the pattern as indices; 8-bit and, with its top 4 bits, 4-bit.
    palette = [(v, v, v) for v in range(256)]
    write_png(os.path.join(folder, "palette8.png"), grey, 3, palette=palette)
    write_png(os.path.join(folder, "palette4-trns.png"), grey >> 4, 3,
              bit_depth=4, palette=[(v * 17,) * 3 for v in range(16)], transparency=bytes([0] + [255] * 15))
    # Pure colours, for the grey weights: red, green, blue, white in a 2x2 image.
    colours = np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 255]]])
    write_png(os.path.join(folder, "rgb8-primaries.png"), colours, 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--own", metavar="DIR", help="also write differently drawn digits into DIR")
    args = parser.parse_args()
    make_digits(DIGITS)
    make_png_kinds(PNG_KINDS)
    if args.own:
        make_own(args.own)


if __name__ == "__main__":
    main()
