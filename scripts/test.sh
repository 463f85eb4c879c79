#!/usr/bin/env bash
# Sets up a fresh machine and runs every test: unit tests, the TensorFlow
# golden vectors, end-to-end runs on the bundled data and the CLI's exit
# statuses. Extra arguments go to `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export MNIST_NCE_PYTHON="$PWD/.build/python/bin/python"
# The CLI tests run the built executable, so build it before the tests.
swift build --product mnist-nce
# The suites are XCTest; skipping the empty Swift Testing pass keeps the
# closing line the XCTest summary.
swift test --disable-swift-testing "$@"
