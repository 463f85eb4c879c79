#!/usr/bin/env bash
# Training speed side by side with the TensorFlow and PyTorch peers
# (../shared/bench), same model (784-1024-10 MLP) and recipe (Adam 1e-3,
# constant rate, batch 128, 2 threads, all 60,000 training images), in one
# run on one machine. Prints a Markdown table of images/s, the ratio to
# TensorFlow, peak memory and test accuracy.
#
# Usage: scripts/bench-train.sh [EPOCHS]        (default 2)
# Each entry runs REPEATS times (default 3), interleaved across frameworks;
# the table shows the median run by images/s, and a list after it every
# run's rate.
# Environment:
#   PEERS_VENV   venv with tensorflow-cpu, torch, numpy (default /tmp/peers;
#                created outside the repository when missing)
#   PEERS_DIR    folder of peer_tf.py / peer_torch.py (default ../shared/bench)
#   BLAS_CORE    if set, exported as OPENBLAS_CORETYPE for mnist-nce only
#                (e.g. Haswell); the kernel that ran is reported either way,
#                and checked against the reference loops first.
#   PEER_SCRIPTS peers to run (default "peer_tf.py peer_torch.py")
#   ISA=avx2     caps every framework at AVX2, to show an AVX2-only machine
#                on an AVX-512 one: MNIST_NCE_SPARSE_ISA and MNIST_NCE_CONV_ISA
#                for mnist-nce, ONEDNN_MAX_CPU_ISA=AVX2 for TensorFlow and
#                PyTorch (oneDNN), ATEN_CPU_CAPABILITY=avx2 for PyTorch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
epochs="${1:-2}"
repeats="${REPEATS:-3}"
source "$root/scripts/support/peers.sh"

ours_env=()
peer_env=()
[[ -n "${BLAS_CORE:-}" ]] && ours_env=(OPENBLAS_CORETYPE="$BLAS_CORE")
if [[ "${ISA:-}" == avx2 ]]; then
    ours_env+=(MNIST_NCE_SPARSE_ISA=avx2 MNIST_NCE_CONV_ISA=avx2)
    peer_env=(ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2)
fi
echo "bench-train: BLAS kernel check (mnist-nce's environment):" >&2
env "${ours_env[@]}" "$bin/nce-bench" blas --threads 2 >&2

run_ours() { # loss num_sampled
    env "${ours_env[@]}" "$bin/mnist-nce" train --loss "$1" $([[ $1 == nce ]] && echo --num-sampled "$2") \
        --batch-size 128 --epochs "$epochs" --learning-rate 1e-3 --schedule constant --threads 2 \
        --seed 0 --validation-size 0 --data-dir "$data" --output "$out/ours-$1.safetensors" --overwrite --json
}
run_peer() { # script loss num_sampled
    env "${peer_env[@]}" TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" "$peers/$1" --model mlp --loss "$2" --num-sampled "$3" \
        --batch 128 --epochs "$epochs" --lr 1e-3 --threads 2 --seed 0 --data "$data" 2>/dev/null | tail -n 1
}

: > "$out/results.jsonl"
for ((r = 1; r <= repeats; r++)); do
    for loss in softmax nce; do
        echo "bench-train: $loss, run $r of $repeats ..." >&2
        run_ours "$loss" 1 >> "$out/results.jsonl"
        for script in ${PEER_SCRIPTS:-peer_tf.py peer_torch.py}; do
            run_peer "$script" "$loss" 1 >> "$out/results.jsonl"
        done
    done
done

python3 - "$out/results.jsonl" "$epochs" "$repeats" <<'PY'
import json, sys, platform, datetime
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = []
for key in dict.fromkeys((r["loss"], r["peer"]) for r in runs):
    group = sorted((r for r in runs if (r["loss"], r["peer"]) == key), key=lambda r: r["images_per_s"])
    rows.append(group[len(group) // 2])
import os
isa = " (all frameworks capped at AVX2)" if os.environ.get("ISA") == "avx2" else ""
print(f"Training speed{isa}, MLP 784-1024-10, batch 128, 2 threads, {sys.argv[2]} epochs, median of {sys.argv[3]} runs, "
      f"{datetime.date.today()}, {platform.machine()}, {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}")
print()
print("| loss | framework | images/s | × TensorFlow | peak RSS (MB) | test accuracy |")
print("|---|---|---:|---:|---:|---:|")
for loss in ("softmax", "nce"):
    group = [r for r in rows if r["loss"] == loss]
    tf = next((r["images_per_s"] for r in group if r["peer"].startswith("tensorflow")), None)
    for r in group:
        name = r["peer"] + (f" ({r['blas_core']} kernel)" if "blas_core" in r else "")
        ratio = f"{r['images_per_s'] / tf:.2f}" if tf else "n/a"
        label = loss if loss == "softmax" else f"nce, num_sampled {r['num_sampled']}"
        print(f"| {label} | {name} | {r['images_per_s']:,.0f} | {ratio} | {r['peak_rss_mb']:.0f} | {r['test_accuracy']*100:.2f}% |")
print()
print("Every run's images/s, in the order they ran (the machine's condition moves between runs):")
for key in dict.fromkeys((r["loss"], r["peer"]) for r in runs):
    rates = ", ".join(f"{r['images_per_s']:,.0f}" for r in runs if (r["loss"], r["peer"]) == key)
    print(f"- {key[0]}, {key[1]}: {rates}")
PY
