#!/usr/bin/env python3
"""Load a safetensors checkpoint with the reference implementation and print
its tensor names, dtypes, shapes and metadata as one JSON object.

Usage: check_checkpoint.py PATH

Output: {"tensors": [{"name": ..., "dtype": "F32", "numpy_dtype": "float32",
                      "shape": [...]}, ...],
         "metadata": {...}}  (tensors sorted by name, metadata {} if absent)

Exit status: 0 on success, 64 on bad usage, 66 if PATH does not exist,
65 if the reference loader rejects the file, 69 if safetensors or numpy is
not installed (install them with `pip install safetensors numpy`).
"""
import json
import os
import sys


def main(argv):
    if len(argv) != 2:
        print("usage: check_checkpoint.py PATH", file=sys.stderr)
        return 64
    path = argv[1]
    try:
        from safetensors import safe_open
        from safetensors.numpy import load_file
    except ImportError as error:
        print(f"cannot import safetensors/numpy ({error}); "
              "install them with: pip install safetensors numpy", file=sys.stderr)
        return 69
    if not os.path.isfile(path):
        print(f"{path}: no such file", file=sys.stderr)
        return 66
    try:
        tensors = load_file(path)
        with safe_open(path, framework="numpy") as handle:
            metadata = handle.metadata() or {}
            dtypes = {name: handle.get_slice(name).get_dtype() for name in handle.keys()}
    except Exception as error:  # the loader raises several exception types
        print(f"{path}: rejected by safetensors: {error}", file=sys.stderr)
        return 65
    report = {
        "tensors": [
            {"name": name, "dtype": dtypes[name], "numpy_dtype": str(array.dtype),
             "shape": list(array.shape)}
            for name, array in sorted(tensors.items())
        ],
        "metadata": metadata,
    }
    print(json.dumps(report, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
