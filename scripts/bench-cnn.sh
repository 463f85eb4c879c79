#!/usr/bin/env bash
# CNN training speed side by side with the TensorFlow and PyTorch peers
# (../shared/bench, --model cnn): TensorFlow's tutorial network and recipe
# (batch 50, Adam 1e-4 at a constant rate, dropout 0.5), 2 threads, all
# 60,000 training images, in one run on one machine. Prints a Markdown table
# of images/s, the ratio to the faster peer, the fraction of the machine's
# sgemm peak (about 82 MFLOP per training image), peak memory and the test
# accuracy, with the ISA, the OpenBLAS kernel and the convolution kernels.
# On an AVX-512 machine mnist-nce also runs capped to its AVX2 kernels
# (MNIST_NCE_CONV_ISA=avx2), to show how an AVX2-only machine fares.
#
# Usage: scripts/bench-cnn.sh [IMAGES]      (images per run, default 6000)
# Each entry runs REPEATS times (default 3), interleaved across frameworks;
# the table shows the median run by images/s.
# Environment: PEERS_VENV (default /tmp/peers), PEERS_DIR (default
# ../shared/bench), as scripts/bench-train.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
images="${1:-6000}"
repeats="${REPEATS:-3}"
source "$root/scripts/support/peers.sh"
steps=$((images / 50))
epochs=$(python3 -c "print($images / 60000)")

"$bin/nce-bench" sgemm --threads 2 --json > "$out/sgemm.json"

run_ours() { # loss [isa]
    MNIST_NCE_CONV_ISA="${2:-}" "$bin/mnist-nce" train --model cnn --loss "$1" --batch-size 50 --steps "$steps" --learning-rate 1e-4 \
        --schedule constant --dropout 0.5 --threads 2 --seed 0 --validation-size 0 --data-dir "$data" \
        --output "$out/ours-$1.safetensors" --overwrite --json
}
run_peer() { # script loss
    TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" "$peers/$1" --model cnn --loss "$2" --num-sampled 1 \
        --batch 50 --epochs "$epochs" --lr 1e-4 --threads 2 --seed 0 --data "$data" 2>/dev/null | tail -n 1
}

: > "$out/results.jsonl"
for ((r = 1; r <= repeats; r++)); do
    for loss in softmax nce; do
        echo "bench-cnn: $loss, run $r of $repeats ..." >&2
        run_ours "$loss" >> "$out/results.jsonl"
        # The AVX2 kernels too, on a machine that has AVX-512.
        if grep -q avx512f /proc/cpuinfo; then
            run_ours "$loss" avx2 | sed 's/"peer":"mnist-nce"/"peer":"mnist-nce (AVX2 kernels)"/' >> "$out/results.jsonl"
        fi
        run_peer peer_tf.py "$loss" >> "$out/results.jsonl"
        run_peer peer_torch.py "$loss" >> "$out/results.jsonl"
    done
done

python3 - "$out/results.jsonl" "$out/sgemm.json" "$images" "$repeats" <<'PY'
import json, sys, platform, datetime
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
sgemm = json.load(open(sys.argv[2]))
flags = open("/proc/cpuinfo").read()
isa = "AVX-512" if " avx512f" in flags else ("AVX2" if " avx2" in flags else "SSE")
cpu = flags.split("model name")[1].split(":")[1].splitlines()[0].strip()
rows = []
for key in dict.fromkeys((r["loss"], r["peer"]) for r in runs):
    group = sorted((r for r in runs if (r["loss"], r["peer"]) == key), key=lambda r: r["images_per_s"])
    rows.append(group[len(group) // 2])
print(f"CNN training speed: batch 50, Adam 1e-4, dropout 0.5, 2 threads, {sys.argv[3]} images per run, "
      f"median of {sys.argv[4]} runs; {datetime.date.today()}, {cpu}, {isa}, OpenBLAS {sgemm['blas_core']} "
      f"(sgemm {sgemm['sgemm_gflops']:.0f} GFLOP/s with 2 threads)")
ours = next((r for r in runs if r["peer"] == "mnist-nce"), {})
avx2 = next((r for r in runs if r["peer"] == "mnist-nce (AVX2 kernels)"), None)
print(f"mnist-nce kernels: {ours.get('conv_kernels', '?')}; dense layer {ours.get('hidden_kernel', '?')}"
      + (f"; second row: {avx2.get('conv_kernels')} (MNIST_NCE_CONV_ISA=avx2)" if avx2 else ""))
print()
print("| loss | framework | images/s | × faster peer | GFLOP/s (82 MFLOP/image) | of sgemm peak | peak RSS (MB) |")
print("|---|---|---:|---:|---:|---:|---:|")
for loss in ("softmax", "nce"):
    group = [r for r in rows if r["loss"] == loss]
    peers = [r["images_per_s"] for r in group if not r["peer"].startswith("mnist-nce")]
    best = max(peers) if peers else None
    for r in group:
        gflops = r["images_per_s"] * 82e6 / 1e9
        ratio = f"{r['images_per_s'] / best:.2f}" if best else "n/a"
        label = loss if loss == "softmax" else "nce, num_sampled 1"
        print(f"| {label} | {r['peer']} | {r['images_per_s']:,.0f} | {ratio} | {gflops:.0f} | "
              f"{gflops / sgemm['sgemm_gflops']:.0%} | {r['peak_rss_mb']:.0f} |")
PY
