#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What a live upgrade costs with N children (issue #18): `bgo daemon upgrade` to the same bgod,
# ROUNDS times, with N watched `sleep`s in a private home. Prints the client's wall time, the
# time until the new image answers, and the time from `upgrade: checking` to `upgrade: exec` in
# bgod's log (the check, settling, the answer and the hand-over), and what bgod says building
# the hand-over took. Everything it starts is stopped by `bgo daemon stop` and killed by pid.
#   bench/upgrade_time.sh [--bin DIR] [--n N] [--rounds R]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${BGO_BIN:-$here/../build-bench/bin}
n=4000
rounds=3
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift ;;
    --n) n=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    *) echo "usage: $0 [--bin DIR] [--n N] [--rounds R]" >&2; exit 2 ;;
  esac
  shift
done
bin=$(cd "$bin" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_require_bins upgrade_time.sh "$bin"
bench_raise_limits

work=$(mktemp -d /tmp/bgo-upgrade.XXXXXX)
chmod 700 "$work"
export BGO_HOME=$work/home
mkdir -m 700 "$BGO_HOME"
bgod=""
# Only what this run started, by pid: bgod, then every child it recorded.
cleanup() {
  bench_kill_recorded "$BGO_HOME" "$bgod"
  rm -rf "$work"
}
trap cleanup EXIT

"$bin/bgo" daemon start >/dev/null
bgod=$(cat "$BGO_HOME/bgod.pid")
sleep_list 1 "$n" "$work/list"
"$bin/bgo" start -w --from "$work/list" >/dev/null
printf 'n\tround\tupgrade_ms\tanswering_ms\tcheck_to_exec_ms\thandover_us\tonline\n'
ms_of() {  # milliseconds of the day of a log line's "[YYYY-MM-DDTHH:MM:SS.mmm" stamp
  sed -E 's/^\[[0-9-]+T([0-9]+):([0-9]+):([0-9]+)\.([0-9]+).*/\1 \2 \3 \4/' |
    awk '{print (($1 * 60 + $2) * 60 + $3) * 1000 + $4}'
}
for r in $(seq 1 "$rounds"); do
  t0=$(date +%s%N)
  "$bin/bgo" daemon upgrade --bgod "$bin/bgod" >/dev/null
  t1=$(date +%s%N)
  until BGO_NO_AUTOSTART=1 "$bin/bgo" status --json --fields name >/dev/null 2>&1; do sleep 0.01; done
  t2=$(date +%s%N)
  [ "$(cat "$BGO_HOME/bgod.pid")" = "$bgod" ] || { echo "upgrade_time.sh: bgod's pid changed" >&2; exit 1; }
  online=$(BGO_NO_AUTOSTART=1 "$bin/bgo" status --json --fields status | grep -o '"online"' | wc -l)
  check=$(grep -h 'upgrade: checking' "$BGO_HOME"/*.log | tail -1 | ms_of)
  exec_line=$(grep -h 'upgrade: exec' "$BGO_HOME"/*.log | tail -1)
  exec=$(echo "$exec_line" | ms_of)
  handover=$(echo "$exec_line" | sed -nE 's/.*handed over in ([0-9]+) us.*/\1/p')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$r" $(( (t1 - t0) / 1000000 )) \
    $(( (t2 - t0) / 1000000 )) $(( exec - check )) "${handover:--}" "$online"
done
"$bin/bgo" daemon stop >/dev/null 2>&1 || true
