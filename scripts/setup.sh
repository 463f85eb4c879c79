#!/usr/bin/env bash
# Installs what building and testing mnist-nce needs on a Debian machine:
# zlib, OpenBLAS and libpng headers, pkg-config, and a Python venv with safetensors
# and numpy (for the checkpoint interoperability test). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

missing=()
for pkg in zlib1g-dev libopenblas-dev libpng-dev pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    missing+=(python3 python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: no 'swift' on PATH; install a Swift 6 toolchain (swift.org) first" >&2
    exit 69
fi

venv=.build/python
if ! "$venv/bin/python" -c 'import safetensors, numpy' >/dev/null 2>&1; then
    echo "setup: creating $venv with safetensors and numpy" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q safetensors numpy
fi
