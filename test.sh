#!/usr/bin/env bash
# Everything CI enforces (.ci/run calls this), cheapest first:
#   format  every C++ file under common/ proto/ daemon/ client/ tests/ bench/ is clang-formatted
#   clang   Clang 14 -Werror build of every target (libraries, bgo, bgod, tests, benches)
#   tidy    clang-tidy 14 with .clang-tidy over the project's .cpp files: no finding allowed
#   gcc     GCC Debug + AddressSanitizer + UndefinedBehaviorSanitizer + -Werror build
#   ctest   the suite on the GCC build (unit, integration, check_layers); arguments go to ctest
# Installs missing dependencies first. Compiles through ccache when it is installed. Every step
# runs even when an earlier check failed (a broken build skips what needs it); the summary at
# the end gives each step's result and time, and the exit status is 1 if any step failed.
#
#   ./test.sh --package   instead builds the Debian package and checks it (tools/package.sh:
#                         Release build in build-package/, cpack, content, lintian, dpkg -i and
#                         -r on this machine). Not part of the default run, which stays within
#                         its time budget; it needs root or sudo (dpkg) and installs lintian.
set -uo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = "--package" ]; then
  shift
  exec ./tools/package.sh "$@"
fi
./tools/deps.sh || exit 1

jobs=2
export TIDY_JOBS=$jobs
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Paths relative to the checkout, so that every clone on this machine (CI's included) shares
  # one cache.
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
fi

summary=()
failed=0
# step NAME COMMAND...: runs COMMAND, records its result and time.
step() {
  local name=$1 start=$SECONDS rc=0
  shift
  echo "==> $name"
  "$@" || rc=$?
  local took=$((SECONDS - start))
  if [ "$rc" -eq 0 ]; then
    summary+=("$(printf '%-6s ok      %4ds' "$name" "$took")")
  else
    summary+=("$(printf '%-6s FAILED  %4ds' "$name" "$took")")
    failed=1
  fi
  return "$rc"
}
skip() {
  summary+=("$(printf '%-6s skipped (%s)' "$1" "$2")")
  failed=1
}

clang_build() {
  CC=clang CXX=clang++ cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=Debug -DBGO_WERROR=ON \
    -DBGO_BENCH=ON "${launcher[@]}" >/dev/null &&
    cmake --build build-clang -j"$jobs"
}
gcc_build() {
  cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DBGO_SANITIZE=address,undefined \
    -DBGO_WERROR=ON "${launcher[@]}" >/dev/null &&
    cmake --build build-test -j"$jobs"
}
run_ctest() {
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
  # -LE scale: the 2,000-process test takes minutes under ASan (ctest -L scale runs it).
  (cd build-test && ctest --output-on-failure -j"$jobs" -LE scale "$@")
}

step format ./tools/format.sh --check
# The tidy step reads build-clang's compile database: Clang's own flags, benches included.
if step clang clang_build || [ -f build-clang/compile_commands.json ]; then
  step tidy ./tools/tidy.sh build-clang
else
  skip tidy "no compile database"
fi
if step gcc gcc_build; then
  step ctest run_ctest "$@"
else
  skip ctest "the GCC build failed"
fi

echo "==> summary"
printf '  %s\n' "${summary[@]}"
exit "$failed"
