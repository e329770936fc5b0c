#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz, clang, ASan + UBSan) and runs each one for a fixed
# time on a scratch copy of its seed corpus (the committed corpus never grows). Fails on any
# crash, sanitizer report, leak, timeout or out-of-memory; prints executions per harness.
#
#   scripts/fuzz.sh [SECONDS_PER_HARNESS [HARNESS...]]     default: 20 seconds, every harness
#
# A crashing input is kept in build-fuzz/artifacts/ and printed; reproduce it with
#   build-fuzz/tests/fuzz/fuzz_<name> build-fuzz/artifacts/<file>
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
shift || true

# clang and libFuzzer's runtime, as scripts/setup.sh installs everything else.
scripts/install_packages.sh clang libclang-rt-14-dev

build_dir=build-fuzz
start=$(date +%s)
if [ ! -f "$build_dir/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DATTN_FUZZ=ON -DATTN_BUILD_TESTS=OFF -DATTN_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build_dir" --target fuzz_all
echo "fuzz: built in $(($(date +%s) - start)) s"

harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
  for binary in "$build_dir"/tests/fuzz/fuzz_*; do
    [ -x "$binary" ] && harnesses+=("${binary##*/fuzz_}")
  done
fi

scratch=$(mktemp -d /tmp/attnviz-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
artifacts="$build_dir/artifacts"
mkdir -p "$artifacts"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export QT_QPA_PLATFORM=offscreen
failed=()
total=0
printf '%-20s %10s %12s\n' harness "execs/s" executions
for name in "${harnesses[@]}"; do
  cp -r "tests/fuzz/corpus/$name" "$scratch/$name"
  log="$scratch/$name.log"
  # -rss_limit_mb: an input that makes a parser take 2 GB is a bug; -timeout: so is one that
  # takes 10 s. Inputs up to 16 KB: every seed fits, and bigger gains nothing but slowness.
  if ! "$build_dir/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -max_len=16384 \
      -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
      "$scratch/$name" >"$log" 2>&1; then
    failed+=("$name")
    echo "fuzz_$name FAILED:"
    grep -E "ERROR|SUMMARY|invariant broken|Test unit written|runtime error" "$log" | head -20 || tail -30 "$log"
    continue
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  total=$((total + runs))
  printf '%-20s %10s %12s\n' "$name" "$rate" "$runs"
done
echo "fuzz: ${#harnesses[@]} harnesses, ${seconds} s each, $total executions," \
  "$(($(date +%s) - start)) s in all"
if ((${#failed[@]} > 0)); then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $artifacts/)"
  exit 1
fi
