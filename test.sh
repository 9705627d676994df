#!/usr/bin/env bash
# Runs every test: installs missing dependencies, builds Debug with AddressSanitizer,
# UndefinedBehaviorSanitizer and -Werror, runs the suite through ctest.
set -euo pipefail
cd "$(dirname "$0")"
./tools/deps.sh
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DBGO_SANITIZE=address,undefined -DBGO_WERROR=ON >/dev/null
cmake --build build-test -j2
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
cd build-test
ctest --output-on-failure -j2 "$@"
