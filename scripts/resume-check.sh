#!/usr/bin/env bash
# Trains one run without stopping, and the same run stopped by Ctrl-C
# (SIGINT) at a chosen step and resumed with `train --resume`; prints the
# sha256 of both final checkpoints, which must be equal.
# Usage: scripts/resume-check.sh mlp|cnn [STOP_AFTER_SECONDS] [-- TRAIN OPTIONS]
#   mlp: the default recipe (20 epochs), stopped after 6 s;
#   cnn: the CNN recipe cut to 1,500 steps, stopped after 12 s.
# Extra options after `--` replace those.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-mlp}"
shift || true
delay=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then delay="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
if [ $# -gt 0 ]; then
    options=("$@")
elif [ "$model" = cnn ]; then
    options=(--model cnn --steps 1500 --checkpoint-every 200)
else
    options=(--checkpoint-every 500)
fi
[ -n "$delay" ] || delay=$([ "$model" = cnn ] && echo 12 || echo 6)
cd "$root"
swift build -c release --product mnist-nce >&2
tool="$root/.build/release/mnist-nce"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "uninterrupted: mnist-nce train ${options[*]}"
"$tool" train "${options[@]}" --output "$work/whole.safetensors" | grep "^done"
"$tool" train "${options[@]}" --output "$work/stopped.safetensors" > "$work/stopped.out" 2> "$work/stopped.err" &
child=$!
sleep "$delay"
kill -INT "$child"
status=0
wait "$child" || status=$?
echo "stopped after ${delay} s with status $status: $(tail -1 "$work/stopped.err")"
"$tool" train --resume "$work/stopped.safetensors" | grep "^done"
whole=$(sha256sum < "$work/whole.safetensors" | cut -d' ' -f1)
resumed=$(sha256sum < "$work/stopped.safetensors" | cut -d' ' -f1)
echo "sha256 uninterrupted: $whole"
echo "sha256 resumed:       $resumed"
[ "$whole" = "$resumed" ] && echo "identical" || { echo "DIFFERENT"; exit 1; }
