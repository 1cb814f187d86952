#!/bin/sh
# Runs a libFuzzer binary for a bounded time on a copy of its seed corpus,
# so that what it discovers does not grow the corpus in the repository.
# Usage: run_fuzzer.sh FUZZER CORPUS_DIR ARTIFACT_DIR [libFuzzer options...]
set -eu
fuzzer=$1 corpus=$2 artifacts=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$corpus/." "$work/"
mkdir -p "$artifacts"
# Crash inputs land in ARTIFACT_DIR (the build tree) to be looked at later.
# libFuzzer's own exit code for a crash is 77, which meson counts as a
# skipped test: a crash or a timeout must fail it.
"$fuzzer" -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$artifacts/" "$@" "$work"
