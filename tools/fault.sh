#!/usr/bin/env bash
# The fault suite (issue #17, docs/reliability.md), scenario by scenario, with its figures.
#   tools/fault.sh [--long] [--scale X] [BUILD_DIR] [SCENARIO...]
#     --long      the issue's full counts (BGO_FAULT_LONG=1); without it, the short mode that
#                 ./test.sh runs through ctest (label `fault`)
#     --scale X   with --long, multiply the counts by X (a medium run: --scale 0.2)
#     BUILD_DIR   default build-test (configured as ./test.sh does; the targets are built)
#     SCENARIO    names from the list below; default all
# Each scenario prints one `FAULT <name> mode=… key=value …` line; they are gathered in
# BUILD_DIR/fault-figures.txt with the date, commit and machine. Exit 1 if any scenario failed.
set -uo pipefail
cd "$(dirname "$0")/.."

# name | gtest filter | what ("pending"/"elsewhere" entries are listed, not run).
scenarios=(
  "kill9|KillNineTest.*|kill -9 of bgod at random moments under churn; adoption, logs, state"
  "spawn_window|SpawnWindowTest.*|kill -9 of bgod amid many starts: no unrecorded spawn runs on"
  "upgrade|UpgradeChurnTest.*|live upgrades (bgo daemon upgrade) under the kill9 churn, list loop"
  "disk_full|DiskFullTest.*|full tmpfs home in a private mount namespace (root)"
  "limits||elsewhere: RLIMIT_NOFILE / RLIMIT_NPROC exhaustion (issue #17, fdlimit tests)"
  "sigstop|SigstopTest.*|bgod SIGSTOPped while children write and exit"
  "crash_storm|CrashStormTest.*|crash-restart cycles: zombies, descriptors, RSS"
  "hostile_home|HostileHomeTest.*|symlinked, huge, truncated, mistyped, non-UTF-8 state files"
  "conflicting_clients|ConflictingClientsTest.*|50 clients, 10 names, start/stop/restart/delete"
)

long=0
scale=""
while [ $# -gt 0 ]; do
  case "$1" in
    --long) long=1 ;;
    --scale) scale=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) break ;;
  esac
  shift
done
build=${1:-build-test}
[ $# -gt 0 ] && shift
wanted=("$@")

export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake --build "$build" -j2 --target bgo_fault_tests bgo bgod bgo_test_child >/dev/null || exit 1
bin="$build/bin/bgo_fault_tests"
[ -x "$bin" ] || bin=$(find "$build" -name bgo_fault_tests -type f -perm -u+x | head -1)
figures="$build/fault-figures.txt"
{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC') commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo '+changes')"
  echo "# machine: nproc $(nproc), kernel $(uname -r), disk $(df -h --output=source,fstype,size "${TMPDIR:-/tmp}" | tail -1 | tr -s ' ')"
  echo "# build: $build, mode: $([ $long = 1 ] && echo "long${scale:+ x$scale}" || echo short)"
} >"$figures"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export BGO_FAULT_FIGURES="$PWD/$figures"
if [ $long = 1 ]; then
  export BGO_FAULT_LONG=1
  [ -n "$scale" ] && export BGO_FAULT_SCALE=$scale
fi

failed=0
for entry in "${scenarios[@]}"; do
  IFS='|' read -r name filter what <<<"$entry"
  if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $name "* ]]; then continue; fi
  if [ -z "$filter" ]; then
    echo "==> $name: $what"
    echo "FAULT $name ${what%%:*}" >>"$figures"
    continue
  fi
  echo "==> $name: $what"
  start=$SECONDS
  if "$bin" --gtest_filter="$filter" >"$build/fault-$name.log" 2>&1; then
    echo "    ok ($((SECONDS - start)) s)"
  else
    echo "    FAILED ($((SECONDS - start)) s): see $build/fault-$name.log"
    echo "FAULT $name FAILED" >>"$figures"
    failed=1
  fi
  grep '^FAULT ' "$build/fault-$name.log" | sed 's/^/    /'
done
echo "figures: $figures"
exit "$failed"
