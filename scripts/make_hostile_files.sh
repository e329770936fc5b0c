#!/usr/bin/env bash
# Rewrites the committed crafted files: tests/data/hostile/ (the hostile-checkpoint suite,
# test_hostile_checkpoints) and the fuzzers' seed corpora tests/fuzz/corpus/. Deterministic, so
# `git status` afterwards shows only what a change to tests/hostile/make_hostile_files.cpp made.
#   scripts/make_hostile_files.sh [BUILD_DIR]      default BUILD_DIR: build
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build_dir" --target make_hostile_files
"$build_dir/tests/make_hostile_files" "$PWD"
