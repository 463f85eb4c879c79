#!/usr/bin/env bash
# Sets up a fresh machine, builds mnist-nce in release mode and trains the
# default model (NCE, num_sampled 1) on the bundled MNIST, then evaluates the
# checkpoint on the test set. Extra arguments go to `mnist-nce train`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product mnist-nce
.build/release/mnist-nce train "$@"
.build/release/mnist-nce eval
