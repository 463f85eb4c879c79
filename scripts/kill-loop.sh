#!/usr/bin/env bash
# kill -9 at random moments of a training run that writes a checkpoint after
# every step, then checks the checkpoint on disk: it must be a whole
# safetensors file (header and data sizes agree, checked by a parser that
# does not share the tool's code), `train --resume` must finish it, and the
# finished file must equal the uninterrupted run's, byte for byte. Counts
# torn files, failed resumes and differing results; exits 1 if any.
# Usage: scripts/kill-loop.sh [TRIALS] [MODEL]   (100, mlp)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
trials="${1:-100}"
model="${2:-mlp}"
cd "$root"
swift build -c release --product mnist-nce >&2
tool="$root/.build/release/mnist-nce"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ "$model" = cnn ]; then
    options=(--model cnn --hidden 64 --steps 120 --batch-size 32 --threads 2)
else
    options=(--hidden 128 --epochs 2 --batch-size 64 --threads 2)
fi
"$tool" train "${options[@]}" --output "$work/whole.safetensors" >/dev/null
reference="$(sha256sum < "$work/whole.safetensors")"

whole_file() {
    python3 - "$1" <<'PY'
import json, os, struct, sys
path = sys.argv[1]
size = os.path.getsize(path)
with open(path, "rb") as f:
    (n,) = struct.unpack("<Q", f.read(8))
    header = json.loads(f.read(n))
end = max(v["data_offsets"][1] for k, v in header.items() if k != "__metadata__")
sys.exit(0 if size == 8 + n + end else 1)
PY
}

torn=0 failed=0 different=0 killed_in_write=0
for trial in $(seq 1 "$trials"); do
    path="$work/run.safetensors"
    rm -f "$path" "$work"/.run.safetensors.tmp-*
    "$tool" train "${options[@]}" --output "$path" --checkpoint-every 1 >/dev/null 2>&1 &
    child=$!
    while [ ! -s "$path" ] && kill -0 "$child" 2>/dev/null; do sleep 0.01; done
    sleep "$(python3 -c "import random; print(random.uniform(0, 1.5))")"
    kill -9 "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
    if compgen -G "$work/.run.safetensors.tmp-*" >/dev/null; then killed_in_write=$((killed_in_write + 1)); fi
    if ! whole_file "$path"; then
        torn=$((torn + 1)); echo "trial $trial: torn checkpoint" >&2; continue
    fi
    if ! "$tool" train --resume "$path" >/dev/null 2>"$work/resume.err"; then
        failed=$((failed + 1)); echo "trial $trial: resume failed: $(cat "$work/resume.err")" >&2; continue
    fi
    if [ "$(sha256sum < "$path")" != "$reference" ]; then
        different=$((different + 1)); echo "trial $trial: resumed result differs" >&2
    fi
    if compgen -G "$work/.run.safetensors.tmp-*" >/dev/null; then
        echo "trial $trial: a temporary file outlived the resumed run" >&2; failed=$((failed + 1))
    fi
done
echo "kill -9 trials: $trials ($model); killed during a write (temporary file left): $killed_in_write;" \
    "torn: $torn; resume failed: $failed; final checkpoint differs: $different"
[ $((torn + failed + different)) -eq 0 ]
