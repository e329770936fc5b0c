#!/usr/bin/env bash
# Quick start 2: install what is missing, build (Release) and run every test through ctest.
#   scripts/test.sh              all tests, Release build in build/
#   scripts/test.sh --sanitize   core and widget tests under AddressSanitizer + UBSan, in
#                                build-sanitize/ (leak checks for core only: Qt and fontconfig
#                                keep caches until exit that LeakSanitizer would report)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--sanitize" ]; then
  scripts/setup.sh build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATTN_SANITIZE=ON \
    -DATTN_BUILD_APP=OFF -DATTN_BUILD_BENCH=OFF
  # Any report fails the run: UBSan is built with -fno-sanitize-recover, ASan stops on error.
  export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
  ctest --test-dir build-sanitize --output-on-failure -j 2 -L core
  ASAN_OPTIONS="abort_on_error=1:detect_leaks=0:strict_string_checks=1" \
    exec ctest --test-dir build-sanitize --output-on-failure -j 2 -L ui
fi

scripts/setup.sh build
exec ctest --test-dir build --output-on-failure -j 2
