#!/usr/bin/env bash
# Builds and runs one libFuzzer harness: idx (the IDX header parser, the raw
# and gzip readers and data-set assembly) or safetensors (the header JSON
# parser, the validator, typed access and checkpoint loading).
#
# Usage: scripts/fuzz.sh idx|safetensors [SECONDS]      (default 60)
# Environment:
#   FUZZ_RUNS=N      stop after N executions as well (libFuzzer -runs=N)
#   FUZZ_MAX_LEN=B   largest input in bytes (default 8192)
#   FUZZ_ARGS="..."  more libFuzzer flags
#   FUZZ_QUIET=1     keep libFuzzer's output in the log only (printed on a finding)
#
# The working corpus, .build/fuzz/<name>/corpus, starts from the committed
# seeds in Fuzz/corpus/<name> and keeps what earlier runs found. Findings
# (crash-, leak-, oom-, timeout- files) go to .build/fuzz/<name>/findings-<time>/.
# Exits 0 only if the run found nothing; prints executions, exec/s,
# coverage and wall time at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

target="${1:-}"
seconds="${2:-60}"
case "$target" in
    idx) dictionary=() ;;
    safetensors) dictionary=(-dict="$root/Fuzz/safetensors.dict") ;;
    *) echo "usage: $(basename "$0") idx|safetensors [SECONDS]" >&2; exit 64 ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "$(basename "$0"): SECONDS must be a whole number, got $seconds" >&2; exit 64; }

binary="$(bash scripts/fuzz-build.sh "$target")"
work="$root/.build/fuzz/$target"
corpus="$work/corpus"
findings="$work/findings-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$corpus" "$findings"
cp -n "$root/Fuzz/corpus/$target"/* "$corpus"/

runs=()
[ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")
log="$findings/fuzz.log"
# One BLAS thread: the harness never multiplies, and idle BLAS threads
# would compete for the cores.
export OPENBLAS_NUM_THREADS=1
# libFuzzer and AddressSanitizer report crashes themselves; Swift's own
# backtracer would pause the crashing process and race with them.
export SWIFT_BACKTRACE=enable=no
started=$(date +%s)
status=0
show=(tee "$log")
[ -n "${FUZZ_QUIET:-}" ] && show=(dd status=none of="$log")
# shellcheck disable=SC2086
"$binary" "$corpus" "${dictionary[@]}" "${runs[@]}" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -max_len="${FUZZ_MAX_LEN:-8192}" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$findings/" ${FUZZ_ARGS:-} 2>&1 | "${show[@]}" || status=$?
wall=$(( $(date +%s) - started ))

executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
coverage=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 || true)
entries=$(find "$corpus" -type f | wc -l)
artefacts=$(find "$findings" -type f ! -name fuzz.log | sort)
echo "fuzz $target: ${executions:-?} executions, ${speed:-?} exec/s, ${coverage:-cov ?}," \
    "corpus $entries files, wall time ${wall} s, libFuzzer status $status"
if [ -n "$artefacts" ] || [ "$status" -ne 0 ]; then
    [ -n "${FUZZ_QUIET:-}" ] && { grep -v -E '^#[0-9]+ +(NEW|REDUCE|pulse)' "$log" | tail -60 >&2 || true; }
    echo "fuzz $target: FOUND a problem; artefacts:" >&2
    echo "${artefacts:-  (none written; see $log)}" >&2
    exit 1
fi
rm -f "$log"
rmdir "$findings"
echo "fuzz $target: nothing found"
