#!/usr/bin/env bash
# Regenerates the expected results of the apply_patch corpus from the reference binary.
#
# For every crates/apply-patch/tests/corpus/<case>/ it copies before/ into a scratch
# directory, runs the reference's `apply_patch` personality there (the patch as the one
# argument, or on stdin when mode.txt says `stdin`, plus the lines of extra-args.txt as
# further arguments), and rewrites expected/ (the tree afterwards) and expected-output.txt
# (exit status, stdout, stderr; the scratch path shown as <CWD>). `<CWD>` in patch.txt
# stands for the scratch directory too. Review the diff before committing.
#
# Usage: scripts/capture-apply-patch-corpus.sh [CASE...]
# The reference binary is $CODEX_REF, by default the unpacked 0.136.0 npm package.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

ref=${CODEX_REF:-/root/.cache/recodex-ref/0.136.0/package/vendor/x86_64-unknown-linux-musl/bin/codex}
corpus=crates/apply-patch/tests/corpus
if [ ! -x "$ref" ]; then
    echo "reference binary not found: $ref (set CODEX_REF)" >&2
    exit 1
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
ln -s "$ref" "$scratch/apply_patch"
work="$scratch/work"

if [ $# -gt 0 ]; then
    cases=()
    for name in "$@"; do cases+=("$corpus/$name"); done
else
    cases=("$corpus"/*/)
fi

count=0
for dir in "${cases[@]}"; do
    dir=${dir%/}
    [ -f "$dir/patch.txt" ] || continue
    rm -rf "$work"
    mkdir "$work"
    if [ -d "$dir/before" ]; then
        cp -a "$dir/before/." "$work/"
    fi
    # The patch, byte for byte (command substitution would drop trailing newlines).
    patch=$(cat "$dir/patch.txt"; printf x)
    patch=${patch%x}
    patch=${patch//<CWD>/$work}
    extra=()
    if [ -f "$dir/extra-args.txt" ]; then
        mapfile -t extra <"$dir/extra-args.txt"
    fi
    mode=arg
    if [ -f "$dir/mode.txt" ]; then
        mode=$(cat "$dir/mode.txt")
    fi
    set +e
    if [ "$mode" = stdin ]; then
        (cd "$work" && printf '%s' "$patch" | "$scratch/apply_patch" "${extra[@]}") \
            >"$scratch/stdout" 2>"$scratch/stderr"
    else
        (cd "$work" && "$scratch/apply_patch" "$patch" "${extra[@]}" </dev/null) \
            >"$scratch/stdout" 2>"$scratch/stderr"
    fi
    status=$?
    set -e
    {
        printf 'exit: %d\n--- stdout\n' "$status"
        sed "s|$work|<CWD>|g" "$scratch/stdout"
        printf -- '--- stderr\n'
        sed "s|$work|<CWD>|g" "$scratch/stderr"
    } >"$dir/expected-output.txt"
    rm -rf "$dir/expected"
    mkdir "$dir/expected"
    cp -a "$work/." "$dir/expected/"
    count=$((count + 1))
done
echo "captured $count cases" >&2
