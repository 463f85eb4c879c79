#!/usr/bin/env python3
"""Evaluate a mnist-nce checkpoint with numpy alone: read its tensors with
Python's safetensors, run the network as TensorFlow defines each layer, and
print the test accuracy as one JSON object.

Usage: numpy_eval.py CHECKPOINT DATA_DIR

The MLP is relu(x · hidden.weight + hidden.bias); the CNN is TensorFlow's
tutorial network: conv 5x5 SAME (filters HWIO) + bias, ReLU, max-pool 2x2
SAME, the same again with 64 filters, flatten in NHWC order, dense (input-
major weight) + bias, ReLU. Prediction is argmax(embed · output.weightᵀ +
output.bias). Pixels are bytes / 255, as in training.

Output: {"count": N, "correct": K, "accuracy": K / N, "model": "mlp"|"cnn"}
Exit status: 0 on success, 64 on bad usage, 65 if the files are unusable,
69 if safetensors or numpy is not installed.
"""
import gzip
import json
import os
import struct
import sys


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    _, _, code, rank = struct.unpack(">BBBB", data[:4])
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    import numpy as np
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def locate(folder, name):
    for candidate in (name + ".gz", name):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"{folder}: no {name}[.gz]")


def conv_same(x, filters, bias):
    """x (B, H, W, C), filters (k, k, C, O) -> (B, H, W, O), stride 1, SAME."""
    import numpy as np
    k = filters.shape[0]
    pad = (k - 1) // 2
    b, h, w, c = x.shape
    padded = np.zeros((b, h + k - 1, w + k - 1, c), dtype=np.float64)
    padded[:, pad:pad + h, pad:pad + w, :] = x
    out = np.zeros((b, h, w, filters.shape[3]), dtype=np.float64)
    for i in range(k):
        for j in range(k):
            out += np.einsum("bhwc,co->bhwo", padded[:, i:i + h, j:j + w, :], filters[i, j])
    return out + bias


def max_pool_same(x):
    """2x2 windows, stride 2, SAME: odd edges padded with -inf."""
    import numpy as np
    b, h, w, c = x.shape
    oh, ow = (h + 1) // 2, (w + 1) // 2
    padded = np.full((b, 2 * oh, 2 * ow, c), -np.inf)
    padded[:, :h, :w, :] = x
    return padded.reshape(b, oh, 2, ow, 2, c).max(axis=(2, 4))


def main(argv):
    if len(argv) != 3:
        print("usage: numpy_eval.py CHECKPOINT DATA_DIR", file=sys.stderr)
        return 64
    try:
        import numpy as np
        from safetensors import safe_open
    except ImportError as error:
        print(f"cannot import safetensors/numpy ({error})", file=sys.stderr)
        return 69
    path, folder = argv[1], argv[2]
    try:
        with safe_open(path, framework="numpy") as handle:
            meta = handle.metadata() or {}
            t = {name: handle.get_tensor(name).astype(np.float64) for name in handle.keys()}
        images = read_idx(locate(folder, "t10k-images-idx3-ubyte"))
        labels = read_idx(locate(folder, "t10k-labels-idx1-ubyte"))
    except Exception as error:
        print(f"cannot read the checkpoint or data: {error}", file=sys.stderr)
        return 65
    model = meta.get("model", "mlp")
    correct = 0
    for start in range(0, len(labels), 250):
        x = images[start:start + 250].astype(np.float64) / 255
        if model == "cnn":
            a = np.maximum(conv_same(x[..., None], t["conv1.filter"], t["conv1.bias"]), 0)
            a = max_pool_same(a)
            a = np.maximum(conv_same(a, t["conv2.filter"], t["conv2.bias"]), 0)
            features = max_pool_same(a).reshape(len(x), -1)
        else:
            features = x.reshape(len(x), -1)
        embed = np.maximum(features @ t["hidden.weight"] + t["hidden.bias"], 0)
        logits = embed @ t["output.weight"].T + t["output.bias"]
        correct += int((logits.argmax(axis=1) == labels[start:start + 250]).sum())
    print(json.dumps({"model": model, "count": int(len(labels)), "correct": correct,
                      "accuracy": correct / len(labels)}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
