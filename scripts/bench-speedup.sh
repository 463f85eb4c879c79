#!/usr/bin/env bash
# Wall time of the default recipe (`mnist-nce train`: MLP, 20 epochs,
# batch 32, Adam 1e-3 cosine, NCE num_sampled 1) against an older build,
# on this machine, in alternating runs with the same seed.
#
# Usage: scripts/bench-speedup.sh [RUNS] [BASE_COMMIT]   (defaults 3, e64e328)
# The base commit is checked out in its own git worktree with its own
# build folder (BASE_DIR, default /tmp/mnist-nce-base) and built once; this
# tree is built with `swift build -c release -j 2`. Each round runs the
# base, then this tree (the order alternates between rounds), with the
# same seed and data, and prints per-run wall seconds, both test
# accuracies, the load average before each run, and the median ratio
# base / this tree. Extra train options go in TRAIN_ARGS (e.g.
# TRAIN_ARGS="--epochs 2" for a quick look).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
base_commit="${2:-e64e328}"
base_dir="${BASE_DIR:-/tmp/mnist-nce-base}"
data="$root/data/mnist"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

source "$root/scripts/support/base-build.sh"
build_both "$root" "$base_commit" "$base_dir" mnist-nce

run() { # label binary round
    local load start end
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    start="$(date +%s.%N)"
    "$2" train --seed 1 --data-dir "$data" --output "$out/$1-$3.safetensors" --json ${TRAIN_ARGS:-} \
        > "$out/$1-$3.json"
    end="$(date +%s.%N)"
    python3 - "$1" "$3" "$start" "$end" "$load" "$out/$1-$3.json" <<'PY' | tee -a "$out/runs.tsv"
import json, sys
label, run, start, end, load, path = sys.argv[1:]
summary = json.loads(open(path).read().strip().splitlines()[-1])
print(f"{label}\t{run}\t{float(end) - float(start):.2f}\t{summary['test_accuracy']:.4f}\t{load}")
PY
}

echo "bench-speedup: base $base_commit ($base_bin) vs $(git -C "$root" rev-parse --short HEAD) ($this_bin)"
echo "bench-speedup: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(date -u +%F)"
printf 'build\trun\twall_s\ttest_accuracy\tload_1m_5m_15m\n'
for ((r = 1; r <= runs; r++)); do
    if ((r % 2 == 1)); then order=(base this); else order=(this base); fi
    for label in "${order[@]}"; do
        if [[ $label == base ]]; then run base "$base_bin" "$r"; else run this "$this_bin" "$r"; fi
    done
done

python3 - "$out/runs.tsv" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
wall = {k: [float(r[2]) for r in rows if r[0] == k] for k in ("base", "this")}
acc = {k: sorted({r[3] for r in rows if r[0] == k}) for k in ("base", "this")}
ratios = sorted(b / t for b, t in zip(wall["base"], wall["this"]))
print(f"median wall: base {statistics.median(wall['base']):.2f} s, this {statistics.median(wall['this']):.2f} s")
print(f"per-round ratios base/this: {', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}x")
print(f"test accuracy: base {', '.join(acc['base'])}; this {', '.join(acc['this'])}")
PY
