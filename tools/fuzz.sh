#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets (clang, ASan+UBSan) in build-fuzz/ and runs them.
#
#   tools/fuzz.sh                      # both targets, 10M runs for dispatch, 1M for session
#   tools/fuzz.sh dispatch 2000000     # one target, N runs
#   RUNS_SESSION=200000 tools/fuzz.sh  # shorter session run
#   FUZZ_JOBS=2 tools/fuzz.sh          # parallel fuzzing processes (runs are per process)
#
# A crash, leak or sanitizer report stops the run with a non-zero status and leaves the input
# as build-fuzz/crash-* (replay: build-fuzz/bin/fuzz_rpc_<target> build-fuzz/crash-...).
# The corpus grows in build-fuzz/corpus/<target>/, seeded from tests/fuzz/seeds/<dispatch|session>/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${BUILD_DIR:-$root/build-fuzz}"
jobs="${FUZZ_JOBS:-1}"

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is required (apt-get install clang)" >&2; exit 2; }

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBGO_FUZZ=ON -DBGO_SANITIZE=address,undefined -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_rpc_dispatch fuzz_rpc_session

run() {  # run <target> <runs> <max_len>
  local target=$1 runs=$2 max_len=$3
  local corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  echo "==> $target: $runs runs (max_len $max_len, jobs $jobs)"
  local args=(-runs="$runs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048
              -dict="$root/tests/fuzz/jsonrpc.dict" -print_final_stats=1
              -artifact_prefix="$build/")
  if [ "$jobs" -gt 1 ]; then args+=(-jobs="$jobs" -workers="$jobs"); fi
  (cd "$build" && UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     "$build/bin/$target" "${args[@]}" "$corpus" "$root/tests/fuzz/seeds/${target#fuzz_rpc_}")
}

case "${1:-all}" in
  dispatch) run fuzz_rpc_dispatch "${2:-10000000}" 128 ;;
  session) run fuzz_rpc_session "${2:-1000000}" 4096 ;;
  all)
    run fuzz_rpc_dispatch "${RUNS_DISPATCH:-10000000}" 128
    run fuzz_rpc_session "${RUNS_SESSION:-1000000}" 4096
    ;;
  *) echo "usage: tools/fuzz.sh [dispatch|session|all] [runs]" >&2; exit 2 ;;
esac
