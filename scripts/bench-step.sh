#!/usr/bin/env bash
# The training step's phases, this tree against an older build, in
# alternating runs of `nce-bench step` on this machine.
#
# Usage: scripts/bench-step.sh [ROUNDS] [BASE_COMMIT] [-- STEP_OPTIONS]
#   defaults: 5 rounds, base e64e328, options "--batch 32 --threads 2".
# STEP_OPTIONS must be ones both builds know (--batch, --threads, --steps,
# --loss, --num-sampled); both then time synthetic MNIST-shaped images.
# The base commit is checked out in its own git worktree (BASE_DIR, default
# /tmp/mnist-nce-<commit>) and built once. Each round runs the base, then
# this tree (the order alternates between rounds). Prints, per phase, the
# median ms per step of each build and the ratio base / this tree, with the
# load average before the first and the last round. Two shared cores make
# single runs vary by up to 2×; the medians of alternating rounds are what
# compare.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=5
base_commit=e64e328
if [[ $# -gt 0 && $1 != -- ]]; then rounds="$1"; shift; fi
if [[ $# -gt 0 && $1 != -- ]]; then base_commit="$1"; shift; fi
[[ $# -gt 0 && $1 == -- ]] && shift
options=("$@")
[[ ${#options[@]} -eq 0 ]] && options=(--batch 32 --threads 2)
base_dir="${BASE_DIR:-/tmp/mnist-nce-$base_commit}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

source "$root/scripts/support/base-build.sh"
build_both "$root" "$base_commit" "$base_dir" nce-bench

echo "bench-step: base $base_commit vs $(git -C "$root" rev-parse --short HEAD), nce-bench step ${options[*]}, $rounds rounds"
echo "bench-step: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(date -u '+%F %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= rounds; r++)); do
    if ((r % 2 == 1)); then order=(base this); else order=(this base); fi
    for label in "${order[@]}"; do
        bin="$base_bin"
        [[ $label == this ]] && bin="$this_bin"
        "$bin" step "${options[@]}" > "$out/$label-$r.txt" 2>&1
    done
done
echo "bench-step: load after the last round $(cut -d' ' -f1-3 /proc/loadavg)"
grep -h -m1 '^sparse kernels' "$out"/this-1.txt || true

python3 - "$out" "$rounds" <<'PY'
import re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
line = re.compile(r"^(\S.*?)\s+([0-9.]+) ms/step")
phases, times = [], {"base": {}, "this": {}}
for label in ("base", "this"):
    for r in range(1, rounds + 1):
        for text in open(f"{out}/{label}-{r}.txt"):
            m = line.match(text)
            if not m:
                continue
            name = m.group(1).strip()
            if name not in phases:
                phases.append(name)
            times[label].setdefault(name, []).append(float(m.group(2)))
print(f"| ms per step (median of {rounds}) | base | this tree | base / this |")
print("|---|---:|---:|---:|")
for name in phases:
    b, t = times["base"].get(name), times["this"].get(name)
    if not b and not t:
        continue
    mb = statistics.median(b) if b else None
    mt = statistics.median(t) if t else None
    if (mb or 0) < 0.0005 and (mt or 0) < 0.0005:
        continue
    ratio = f"{mb / mt:.2f}×" if mb and mt else ""
    print(f"| {name} | {mb if mb is not None else '—':} | {mt if mt is not None else '—'} | {ratio} |"
          .replace("None", "—"))
totals = [b / t for b, t in zip(times["base"]["total"], times["this"]["total"])]
print(f"per-round total ratios base/this: {', '.join(f'{x:.2f}' for x in sorted(totals))}")
PY
