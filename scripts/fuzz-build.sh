#!/usr/bin/env bash
# Builds one libFuzzer harness (Fuzz/IDXFuzz or Fuzz/SafeTensorsFuzz) into
# .build/fuzz/<name>/, compiling each module of its dependency closure with
# swiftc -sanitize=fuzzer,address so that the readers are instrumented.
# SwiftPM cannot link libFuzzer into an executable, hence this script.
# Usage: scripts/fuzz-build.sh idx|safetensors   (prints the binary's path)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

target="${1:-}"
case "$target" in
    idx) harness=IDXFuzz; modules=(MNISTData) ;;
    safetensors) harness=SafeTensorsFuzz; modules=(MNISTData SafeTensors RealModule SampledLosses NCENetwork) ;;
    *) echo "usage: $(basename "$0") idx|safetensors" >&2; exit 64 ;;
esac

bash scripts/setup.sh >&2
numerics=.build/checkouts/swift-numerics
if [ "$target" = safetensors ] && [ ! -d "$numerics/Sources/RealModule" ]; then
    swift package resolve >&2
fi

out="$root/.build/fuzz/$target"
mkdir -p "$out/modules" "$out/objects" "$out/include/CNumericKernels"
# -O keeps bounds and overflow checks (unlike the release build's -Ounchecked).
swift_flags=(-O -g -wmo -parse-as-library -enable-testing -sanitize=fuzzer,address -use-ld=lld
    -I "$out/modules" -I Sources/CZlib -I Sources/COpenBLAS -I "$out/include/CNumericKernels"
    -I "$numerics/Sources/_NumericsShims/include")
cat > "$out/include/CNumericKernels/module.modulemap" <<MAP
module CNumericKernels {
    header "$root/Sources/CNumericKernels/include/numeric_kernels.h"
    export *
}
MAP

objects=()
for module in "${modules[@]}"; do
    case "$module" in
        RealModule) sources=("$numerics"/Sources/RealModule/*.swift) ;;
        *) mapfile -t sources < <(find "Sources/$module" -name '*.swift' | sort) ;;
    esac
    echo "fuzz-build: $module (${#sources[@]} files)" >&2
    swiftc "${swift_flags[@]}" -module-name "$module" -c "${sources[@]}" \
        -emit-module -emit-module-path "$out/modules/$module.swiftmodule" -o "$out/objects/$module.o"
    objects+=("$out/objects/$module.o")
done

c_libraries=(-lz)
if [ "$target" = safetensors ]; then
    for file in Sources/CNumericKernels/*.c "$numerics"/Sources/_NumericsShims/_NumericsShims.c; do
        object="$out/objects/$(basename "$file" .c).c.o"
        clang -O3 -fno-math-errno -ffp-contract=off -fPIC -I Sources/CNumericKernels/include \
            -I "$numerics/Sources/_NumericsShims/include" -c "$file" -o "$object"
        objects+=("$object")
    done
    c_libraries+=(-lopenblas -lpthread -lm)
fi

echo "fuzz-build: linking $harness" >&2
swiftc "${swift_flags[@]}" -module-name "$harness" "Fuzz/$harness/main.swift" "${objects[@]}" \
    "${c_libraries[@]}" -o "$out/$harness"
echo "$out/$harness"
