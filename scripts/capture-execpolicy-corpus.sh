#!/usr/bin/env bash
# Capture the reference's `execpolicy check` output for every case of the execpolicy
# corpus (crates/execpolicy/tests/corpus/cases.tsv): stdout, stderr and exit code, into
# crates/execpolicy/tests/corpus/expected/<name>.{stdout,stderr,code}.
#
#   scripts/capture-execpolicy-corpus.sh "$(shared/parity/install-reference.sh)"
#
# The reference runs with a throwaway CODEX_HOME, without RUST_BACKTRACE (which would add
# a backtrace to error reports), from the crate directory so rules paths read
# `tests/corpus/rules/<file>` exactly as the integration test passes them.
set -euo pipefail

REF="${1:?usage: capture-execpolicy-corpus.sh <reference codex binary>}"
REF="$(cd "$(dirname "$REF")" && pwd)/$(basename "$REF")"
CRATE="$(cd "$(dirname "$0")/../crates/execpolicy" && pwd)"
CORPUS="tests/corpus"
mkdir -p "$HOME/.cache"
HOME_DIR="$(mktemp -d "$HOME/.cache/recodex-execpolicy-capture.XXXXXX")"
trap 'rm -rf "$HOME_DIR"' EXIT
unset RUST_BACKTRACE RUST_LIB_BACKTRACE

cd "$CRATE"
rm -rf "$CORPUS/expected"
mkdir -p "$CORPUS/expected"
count=0
while IFS=$'\t' read -r -a fields; do
  [ "${#fields[@]}" -eq 0 ] && continue
  case "${fields[0]}" in '#'*) continue ;; esac
  name="${fields[0]}"
  args=()
  IFS=',' read -r -a rules <<<"${fields[1]}"
  for r in "${rules[@]}"; do args+=(--rules "$CORPUS/rules/$r"); done
  IFS=',' read -r -a flags <<<"${fields[2]}"
  for f in "${flags[@]}"; do
    case "$f" in
      pretty) args+=(--pretty) ;;
      resolve) args+=(--resolve-host-executables) ;;
      -) ;;
      *) echo "unknown flag $f in case $name" >&2; exit 1 ;;
    esac
  done
  args+=(--)
  for a in "${fields[@]:3}"; do
    if [ "$a" = "<empty>" ]; then args+=(""); else args+=("$a"); fi
  done
  set +e
  CODEX_HOME="$HOME_DIR" "$REF" execpolicy check "${args[@]}" \
    >"$CORPUS/expected/$name.stdout" 2>"$CORPUS/expected/$name.stderr"
  echo $? >"$CORPUS/expected/$name.code"
  set -e
  count=$((count + 1))
done <"$CORPUS/cases.tsv"
echo "captured $count cases into $CRATE/$CORPUS/expected" >&2
