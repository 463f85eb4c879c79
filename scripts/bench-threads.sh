#!/usr/bin/env bash
# Training speed by thread count, on an idle machine and beside one
# CPU-bound neighbour process (a shell busy loop, killed on exit).
#
# For each condition it runs `mnist-nce train --epochs 2` with the default
# thread count (the cores this process may use), --threads 1, --threads
# 2×cores and --threads 8, in turn, REPEATS times, and prints the median
# images/s of each with its ratio to --threads 1. It also prints how much
# CPU other processes took during each condition's runs: on a shared
# machine that is load this script does not control.
#
# Usage: scripts/bench-threads.sh [REPEATS] [-- EXTRA TRAIN OPTIONS]   (REPEATS: 5)
# Environment: MNIST_NCE (a prebuilt mnist-nce binary; skips the release
# build), EPOCHS (2: long enough for the worker pool to settle on using its
# workers or not, which takes a fraction of a second).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeats="${1:-5}"
epochs="${EPOCHS:-2}"
[[ $# -gt 0 ]] && shift
[[ "${1:-}" == "--" ]] && shift
extra=("$@")
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || { echo "bench-threads: REPEATS must be a positive whole number, got $repeats" >&2; exit 64; }

cd "$root"
if [[ -n "${MNIST_NCE:-}" ]]; then
    binary="$MNIST_NCE"
else
    swift build -c release --product mnist-nce >&2
    binary="$(swift build -c release --show-bin-path)/mnist-nce"
fi

scratch="$(mktemp -d)"
neighbour=""
stop_neighbour() {
    if [[ -n "$neighbour" ]]; then
        kill -KILL "$neighbour" 2>/dev/null || true
        wait "$neighbour" 2>/dev/null || true
        neighbour=""
    fi
}
trap 'stop_neighbour; rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM

cores="$(nproc)"
ticks_per_second="$(getconf CLK_TCK)"
model="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
isa="$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'avx2|avx512f' | paste -sd' ' -)"
echo "CPU: ${model:-unknown}, $cores cores available, ISA: ${isa:-neither avx2 nor avx512f}"
echo "binary: $binary"
echo "runs: train --epochs $epochs ${extra[*]}; median of $repeats, run in turn"

# Busy and total ticks of all CPUs, from /proc/stat.
cpu_ticks() {
    awk '/^cpu /{ busy = $2 + $3 + $4 + $7 + $8 + $9; total = busy + $5 + $6; print busy, total }' /proc/stat
}
# CPU ticks used so far by process $1 (0 when there is none).
process_ticks() {
    [[ -n "$1" && -r "/proc/$1/stat" ]] || { echo 0; return; }
    sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

labels=("default" "1" "$((2 * cores))" "8")
options=("" "--threads 1" "--threads $((2 * cores))" "--threads 8")
[[ "$((2 * cores))" == 8 ]] && { labels=("default" "1" "8"); options=("" "--threads 1" "--threads 8"); }

declare -A speeds other
blas_core="" default_threads=""
for condition in idle neighbour; do
    if [[ $condition == neighbour ]]; then
        sh -c 'while :; do :; done' &
        neighbour=$!
        sleep 0.5
    fi
    foreign=0 capacity=0
    for ((round = 1; round <= repeats; round++)); do
        for i in "${!labels[@]}"; do
            read -r busy0 total0 < <(cpu_ticks)
            neighbour0="$(process_ticks "$neighbour")"
            TIMEFORMAT='%U %S'
            # train refuses to replace a checkpoint without --overwrite, which
            # older builds (compared here too) do not know.
            rm -f "$scratch/run.safetensors"
            # shellcheck disable=SC2086
            { time "$binary" train --epochs "$epochs" ${options[$i]} "${extra[@]}" \
                --output "$scratch/run.safetensors" --json >"$scratch/out.json"; } 2>"$scratch/time"
            read -r busy1 total1 < <(cpu_ticks)
            neighbour1="$(process_ticks "$neighbour")"
            read -r user system < <(tail -1 "$scratch/time")
            ours="$(awk -v u="$user" -v s="$system" -v t="$ticks_per_second" 'BEGIN { printf "%d", (u + s) * t }')"
            foreign=$((foreign + (busy1 - busy0) - ours - (neighbour1 - neighbour0)))
            capacity=$((capacity + total1 - total0))
            speed="$(grep -o '"images_per_s":[0-9.]*' "$scratch/out.json" | cut -d: -f2)"
            [[ -n "$speed" ]] || { echo "bench-threads: no images_per_s in: $(cat "$scratch/out.json")" >&2; exit 70; }
            speeds[$condition,$i]+="$speed "
            blas_core="$(grep -o '"blas_core":"[^"]*"' "$scratch/out.json" | cut -d'"' -f4)"
            if [[ -z "${options[$i]}" ]]; then
                default_threads="$(grep -o '"threads":[0-9]*' "$scratch/out.json" | cut -d: -f2)"
            fi
        done
    done
    stop_neighbour
    other[$condition]="$(awk -v f="$foreign" -v c="$capacity" 'BEGIN { if (f < 0) f = 0; printf "%.0f%%", (c > 0) ? 100 * f / c : 0 }')"
done

median() {
    tr ' ' '\n' | grep . | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "OpenBLAS core: ${blas_core:-unknown}; default threads: ${default_threads:-unknown}"
echo
printf '| condition | other processes |'
for label in "${labels[@]}"; do
    [[ $label == default ]] && label="default ($default_threads)" || label="--threads $label"
    printf ' %s |' "$label"
done
printf '\n|---|---:|'
for _ in "${labels[@]}"; do printf -- '---:|'; done
printf '\n'
for condition in idle neighbour; do
    name="no neighbour"
    [[ $condition == neighbour ]] && name="one CPU-bound neighbour"
    one="$(echo "${speeds[$condition,1]}" | median)"
    printf '| %s | %s |' "$name" "${other[$condition]}"
    for i in "${!labels[@]}"; do
        value="$(echo "${speeds[$condition,$i]}" | median)"
        awk -v v="$value" -v o="$one" 'BEGIN { printf " %.0f (%.2f×) |", v, (o > 0) ? v / o : 0 }'
    done
    printf '\n'
done
echo
echo "images/s over the training steps (median), and the ratio to --threads 1."
echo "'other processes': CPU time of processes other than these runs and the neighbour, in % of all cores, during the condition's runs."
