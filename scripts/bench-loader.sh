#!/usr/bin/env bash
# Compares loading and validating an MNIST-layout folder with `mnist-nce data`
# against merely decompressing the same four files with `zcat`.
# The loader passes if it takes at most MAX_RATIO times as long as zcat.
#
# Usage: scripts/bench-loader.sh [DATA_DIR]   (default: data/mnist)
# Environment: RUNS (default 10), MAX_RATIO (default 1.3), MNIST_NCE (a
# prebuilt mnist-nce binary; skips the release build).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="${1:-$root/data/mnist}"
runs="${RUNS:-10}"
max_ratio="${MAX_RATIO:-1.3}"

if ! command -v hyperfine >/dev/null; then
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    echo "bench-loader: installing hyperfine" >&2
    "${sudo_cmd[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq hyperfine >/dev/null
fi
for tool in hyperfine python3 zcat; do
    command -v "$tool" >/dev/null || { echo "bench-loader: $tool is required" >&2; exit 69; }
done

files=()
for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [[ -f "$data_dir/$name.gz" ]] || { echo "bench-loader: missing $data_dir/$name.gz" >&2; exit 66; }
    files+=("$data_dir/$name.gz")
done

cd "$root"
if [[ -n "${MNIST_NCE:-}" ]]; then
    binary="$MNIST_NCE"
else
    swift build -c release --product mnist-nce >&2
    binary="$(swift build -c release --show-bin-path)/mnist-nce"
fi
# The command must load the data and print the split sizes; a binary
# without the subcommand would otherwise be timed doing nothing.
if ! summary="$("$binary" data --data-dir "$data_dir")" || ! grep -q '[0-9]' <<<"$summary"; then
    echo "bench-loader: '$binary data --data-dir $data_dir' did not load the data set" >&2
    exit 70
fi
echo "$summary" >&2

report="$(mktemp)"
trap 'rm -f "$report"' EXIT
hyperfine --warmup 2 --runs "$runs" --export-json "$report" \
    --command-name zcat "zcat ${files[*]} > /dev/null" \
    --command-name loader "$binary data --data-dir '$data_dir' > /dev/null"

python3 - "$report" "$max_ratio" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
limit = float(sys.argv[2])
zcat, loader = results["zcat"], results["loader"]
for stat in ("min", "median"):
    print(f"{stat}: zcat {zcat[stat]*1e3:.1f} ms, loader {loader[stat]*1e3:.1f} ms, "
          f"ratio {loader[stat] / zcat[stat]:.3f}")
ratio = loader["median"] / zcat["median"]
print(f"median ratio {ratio:.3f} (limit {limit})")
sys.exit(0 if ratio <= limit else 1)
PY
