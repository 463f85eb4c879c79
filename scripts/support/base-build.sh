# Sourced by the scripts that time this tree against an older build.
#
# build_both ROOT BASE_COMMIT BASE_DIR PRODUCT
#   checks BASE_COMMIT out in its own git worktree at BASE_DIR (made once,
#   with its own build folder), builds PRODUCT in release mode there and in
#   ROOT, and sets base_bin and this_bin to the two executables. Build
#   output goes to stderr.
build_both() {
    local root="$1" base_commit="$2" base_dir="$3" product="$4"
    if [[ ! -e "$base_dir/.git" ]]; then
        git -C "$root" worktree add --detach "$base_dir" "$base_commit" >&2
    fi
    git -C "$base_dir" checkout -q --detach "$base_commit"
    (cd "$base_dir" && swift build -c release -j 2 --product "$product" >&2)
    base_bin="$(cd "$base_dir" && swift build -c release --show-bin-path)/$product"
    (cd "$root" && swift build -c release -j 2 --product "$product" >&2)
    this_bin="$(cd "$root" && swift build -c release --show-bin-path)/$product"
}
