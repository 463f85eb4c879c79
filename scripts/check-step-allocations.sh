#!/usr/bin/env bash
# Checks that a training step allocates nothing: counts heap allocations
# (malloc, calloc, realloc, posix_memalign) of `nce-bench step` runs of N and
# 2N steps, for each model and loss; the counts must be equal.
# Usage: scripts/check-step-allocations.sh [STEPS] [THREADS]   (200, 2)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps="${1:-200}"
threads="${2:-2}"
cd "$root"
swift build -c release --product nce-bench >&2
shim="$(mktemp -d)/count_allocations.so"
cc -O2 -shared -fPIC scripts/support/count_allocations.c -o "$shim" -ldl
status=0
for model in mlp cnn; do
    # The CNN's steps are slower: fewer of them show the same thing.
    n0=$steps
    [ "$model" = cnn ] && n0=$(( (steps + 9) / 10 ))
    for loss in nce softmax sampled-softmax; do
        counts=()
        for n in "$n0" "$((2 * n0))"; do
            counts+=("$(LD_PRELOAD="$shim" .build/release/nce-bench step --model "$model" --loss "$loss" \
                --num-sampled 5 --steps "$n" --batch 32 --threads "$threads" 2>&1 >/dev/null | grep ALLOCS)")
        done
        echo "$model $loss, $n0 steps: ${counts[0]}"
        echo "$model $loss, $((2 * n0)) steps: ${counts[1]}"
        [[ "${counts[0]}" == "${counts[1]}" ]] || { echo "$model $loss: allocations grow with the steps" >&2; status=1; }
    done
done
exit $status
