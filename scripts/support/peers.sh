# Shared set-up of the peer benchmarks (sourced by bench-train.sh and
# bench-cnn.sh): the peers' venv, a scratch folder removed on exit, and a
# release build of mnist-nce.
# Reads: root, and PEERS_VENV / PEERS_DIR from the environment.
# Sets: venv, peers, data, out, bin.
venv="${PEERS_VENV:-/tmp/peers}"
peers="${PEERS_DIR:-$root/../shared/bench}"
data="$root/data/mnist"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

if ! "$venv/bin/python" -c 'import tensorflow, torch, numpy' >/dev/null 2>&1; then
    echo "$(basename "$0"): setting up $venv (tensorflow-cpu 2.21.0, torch, numpy)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q tensorflow-cpu==2.21.0 torch numpy
fi

cd "$root"
swift build -c release >&2
bin="$(swift build -c release --show-bin-path)"
