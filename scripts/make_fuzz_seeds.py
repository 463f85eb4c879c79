#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora, Fuzz/corpus/idx and Fuzz/corpus/safetensors.

IDX seeds: headers and the first few images and labels of the bundled data
(raw and gzip), every element type, a pair of files laid out for the
harness's data-set assembly, and broken cases (bad magic, rank 0, a zero or
huge dimension, truncation, trailing bytes, a bad gzip CRC, two members).
Safetensors seeds: one tensor of every dtype, edge cases (scalar, empty
tensor, metadata only, padded header) and a tiny mnist-nce checkpoint
(hidden 4, trained for one step on 6 x 6 images), for which the script
runs the built tool.

Usage: python3 scripts/make_fuzz_seeds.py [path/to/mnist-nce]
(default .build/debug/mnist-nce; build it first with `swift build`).
Deterministic: equal inputs give equal files.
"""
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDX_DIR = os.path.join(ROOT, "Fuzz", "corpus", "idx")
ST_DIR = os.path.join(ROOT, "Fuzz", "corpus", "safetensors")
MNIST = os.path.join(ROOT, "data", "mnist")


def gz(data):
    """A gzip member with a fixed timestamp, so that output is repeatable."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def idx_header(type_code, dims):
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)


def bundled(name, header_bytes, payload_bytes):
    with gzip.open(os.path.join(MNIST, name + ".gz"), "rb") as f:
        return f.read(header_bytes + payload_bytes)


def write(folder, name, data):
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def idx_seeds():
    seeds = {}
    labels = bundled("t10k-labels-idx1-ubyte", 8, 4)[8:]
    images = bundled("t10k-images-idx3-ubyte", 16, 2 * 784)[16:]
    labels_file = idx_header(0x08, [4]) + labels
    images_file = idx_header(0x08, [2, 28, 28]) + images
    seeds["labels-4.idx"] = labels_file
    seeds["labels-4.idx.gz"] = gz(labels_file)
    seeds["images-2x28x28.idx.gz"] = gz(images_file)
    seeds["images-1x28x28.idx"] = idx_header(0x08, [1, 28, 28]) + images[:784]
    # 7 x 7 crops of the first two images, small enough to mutate quickly.
    crops = b"".join(images[i * 784 + r * 28 + 10: i * 784 + r * 28 + 17] for i in range(2) for r in range(10, 17))
    crop_file = idx_header(0x08, [2, 7, 7]) + crops
    seeds["images-2x7x7.idx"] = crop_file
    # The harness's data-set assembly: 2-byte cut position, validation byte,
    # then an images file and a labels file.
    pair_labels = idx_header(0x08, [2]) + labels[:2]
    seeds["pair-2x7x7.bin"] = struct.pack(">HB", len(crop_file), 128) + crop_file + pair_labels
    seeds["pair-2x7x7-gz.bin"] = (struct.pack(">HB", len(gz(crop_file)), 0)
                                  + gz(crop_file) + gz(pair_labels))
    # Every element type.
    seeds["type-int8.idx"] = idx_header(0x09, [2, 3]) + bytes([0x80, 0xFF, 0, 1, 0x7F, 2])
    seeds["type-int16.idx"] = idx_header(0x0B, [3]) + struct.pack(">3h", -2, 0, 300)
    seeds["type-int32.idx"] = idx_header(0x0C, [2]) + struct.pack(">2i", -70000, 2 ** 31 - 1)
    seeds["type-float32.idx"] = idx_header(0x0D, [1, 3]) + struct.pack(">3f", 1.5, -0.0, float("nan"))
    seeds["type-float64.idx.gz"] = gz(idx_header(0x0E, [2]) + struct.pack(">2d", 3.25, float("inf")))
    seeds["rank-4.idx"] = idx_header(0x08, [1, 1, 2, 2]) + bytes([1, 2, 3, 4])
    # Broken files.
    seeds["bad-magic.idx"] = b"\x00\x01\x08\x01\x00\x00\x00\x01\x05"
    seeds["bad-type.idx"] = b"\x00\x00\x07\x01\x00\x00\x00\x01\x05"
    seeds["rank-0.idx"] = b"\x00\x00\x08\x00"
    seeds["zero-dimension.idx"] = idx_header(0x08, [0])
    seeds["huge-dimensions.idx"] = idx_header(0x0D, [0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF])
    seeds["huge-dimensions.idx.gz"] = gz(idx_header(0x08, [60000, 28, 28]) + images[:64])
    seeds["short-payload.idx"] = idx_header(0x08, [3, 2]) + b"\x01\x02"
    seeds["trailing-bytes.idx"] = idx_header(0x08, [2]) + b"\x01\x02\x03"
    seeds["truncated.idx.gz"] = gz(labels_file)[:-5]
    bad_crc = bytearray(gz(labels_file))
    bad_crc[-8] ^= 0xFF
    seeds["bad-crc.idx.gz"] = bytes(bad_crc)
    seeds["two-members.idx.gz"] = gz(labels_file) + gz(b"\x00")
    seeds["header-only.idx"] = idx_header(0x08, [1, 28])
    seeds["empty"] = b""
    return seeds


def safetensors(tensors, metadata=None, pad=0):
    """A safetensors file: tensors is a list of (name, dtype, shape, data)."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8 + pad)
    return struct.pack("<Q", len(text)) + text + b"".join(t[3] for t in tensors)


DTYPES = {
    "BOOL": struct.pack("<2B", 0, 1), "U8": bytes([0, 255]), "I8": struct.pack("<2b", -128, 127),
    "F8_E5M2": bytes([0x3C, 0xFC]), "F8_E4M3": bytes([0x38, 0x7F]),
    "I16": struct.pack("<2h", -1, 2), "U16": struct.pack("<2H", 1, 65535),
    "F16": struct.pack("<2e", 1.0, -2.5), "BF16": bytes([0x80, 0x3F, 0xC0, 0x7F]),
    "I32": struct.pack("<2i", -5, 7), "U32": struct.pack("<2I", 5, 2 ** 32 - 1),
    "F32": struct.pack("<2f", 0.5, float("nan")), "F64": struct.pack("<2d", -1e300, 2.0),
    "I64": struct.pack("<2q", -(2 ** 63), 3), "U64": struct.pack("<2Q", 0, 2 ** 64 - 1),
}


def safetensors_seeds(tool):
    seeds = {}
    for dtype, data in DTYPES.items():
        seeds["dtype-%s.safetensors" % dtype.lower()] = safetensors([("t", dtype, [2], data)])
    seeds["every-dtype.safetensors"] = safetensors(
        [("t_%s" % d.lower(), d, [1, 2], data) for d, data in DTYPES.items()], metadata={"format": "pt"})
    seeds["scalar.safetensors"] = safetensors([("s", "F32", [], struct.pack("<f", 2.0))])
    seeds["empty-tensor.safetensors"] = safetensors(
        [("e", "F32", [0, 3], b""), ("x", "I64", [1], struct.pack("<q", 9))])
    seeds["metadata-only.safetensors"] = safetensors([], metadata={"a": "b", "\u00e9": "\\\"\n"})
    seeds["empty-header.safetensors"] = safetensors([])
    seeds["padded-header.safetensors"] = safetensors([("w", "F64", [1], struct.pack("<d", 1.0))], pad=16)
    seeds["hole.safetensors"] = struct.pack("<Q", 64) + json.dumps(
        {"a": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}}).encode().ljust(64) + b"\x00\x01"
    seeds["short.safetensors"] = b"\x08\x00\x00\x00"
    seeds["checkpoint-mlp-h4.safetensors"] = tiny_checkpoint(tool)
    seeds["checkpoint-mlp-h4-training-state.safetensors"] = with_training_state(
        seeds["checkpoint-mlp-h4.safetensors"])
    return seeds


def with_training_state(checkpoint):
    """The checkpoint as a run writes it before it ends: Adam's two moments
    for every parameter tensor and the training state in the metadata (the
    fields of a run stopped after its first step)."""
    (length,) = struct.unpack("<Q", checkpoint[:8])
    header = json.loads(checkpoint[8:8 + length])
    data = checkpoint[8 + length:]
    metadata = header.pop("__metadata__")
    tensors = [(name, info["dtype"], info["shape"], data[info["data_offsets"][0]:info["data_offsets"][1]])
               for name, info in header.items()]
    tensors.sort(key=lambda t: t[0])
    moments = []
    for buffer, value in (("adam_m", 0.001), ("adam_v", 1e-6)):
        for name, _, shape, raw in tensors:
            moments.append(("training_state.%s.%s" % (buffer, name), "F32", shape,
                            struct.pack("<f", value) * (len(raw) // 4)))
    metadata = dict(metadata)
    metadata.pop("test_accuracy", None)
    metadata["training_state_tensors"] = ",".join(m[0] for m in moments)
    metadata["training_state"] = json.dumps({
        "divergence_initial": "4002666660000000", "divergence_smoothed": "4002666660000000",
        "dropout_state": "0000000000000001 0000000000000002 0000000000000003 0000000000000004",
        "epoch_loss_sum": "4002666660000000", "epochs_done": "0", "images_trained": "2",
        "negatives_state": "0000000000000005 0000000000000006 0000000000000007 0000000000000008",
        "optimizer_steps": "1", "step_in_epoch": "1", "steps_taken": "1"}, sort_keys=True, separators=(",", ":"))
    return safetensors(tensors + moments, metadata=metadata)


def tiny_checkpoint(tool):
    """A checkpoint of an MLP with 4 hidden units, trained for one step on a
    generated data set of eight 6 x 6 images."""
    # A fixed folder: the checkpoint records it, and the seeds should not
    # change from one regeneration to the next.
    folder = os.path.join(tempfile.gettempdir(), "mnist-nce-fuzz-seed-data")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    try:
        images = bytes((i * 37 + p * 11) % 256 if p % 3 else 0 for i in range(8) for p in range(36))
        labels = bytes(i % 10 for i in range(8))
        for prefix in ("train", "t10k"):
            write(folder, "%s-images-idx3-ubyte" % prefix, idx_header(0x08, [8, 6, 6]) + images)
            write(folder, "%s-labels-idx1-ubyte" % prefix, idx_header(0x08, [8]) + labels)
        output = os.path.join(folder, "tiny.safetensors")
        subprocess.run(
            [tool, "train", "--hidden", "4", "--steps", "1", "--batch-size", "2", "--validation-size", "2",
             "--threads", "1", "--data-dir", folder, "--output", output],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(output, "rb") as f:
            return f.read()
    finally:
        shutil.rmtree(folder)


def main():
    tool = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "mnist-nce")
    for folder, seeds in ((IDX_DIR, idx_seeds()), (ST_DIR, safetensors_seeds(tool))):
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.makedirs(folder)
        for name, data in sorted(seeds.items()):
            write(folder, name, data)
        print("%s: %d files, %d bytes" % (os.path.relpath(folder, ROOT), len(seeds),
                                          sum(len(d) for d in seeds.values())))


if __name__ == "__main__":
    main()
