#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Memory per process (issue #18): bgod's VmRSS with 0 and then N watched `sleep`s, one bgod
# grown step by step; optionally under heaptrack for where the live heap goes. bench/README.md
# has the method. Every process it starts is stopped by bgod or killed by pid; the home is
# private.
#   bench/memory.sh [--bin DIR] [--ns "100 1000 4000"] [--settle S] [--heaptrack FILE]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${BGO_BIN:-$here/../build-bench/bin}
ns="100 1000 4000"
settle=1
heaptrack_out=""
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift ;;
    --ns) ns=$2; shift ;;
    --settle) settle=$2; shift ;;
    --heaptrack) heaptrack_out=$2; shift ;;
    *) echo "usage: $0 [--bin DIR] [--ns LIST] [--settle S] [--heaptrack FILE]" >&2; exit 2 ;;
  esac
  shift
done
bin=$(cd "$bin" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_require_bins memory.sh "$bin"
if [ -n "$heaptrack_out" ]; then
  command -v heaptrack >/dev/null || { echo "memory.sh: --heaptrack needs heaptrack (apt-get install heaptrack)" >&2; exit 2; }
fi
bench_raise_limits

work=$(mktemp -d /tmp/bgo-memory.XXXXXX)
chmod 700 "$work"
export BGO_HOME=$work/home
mkdir -m 700 "$BGO_HOME"
bgod=""
tracer=""

# Only what this run started, by pid: bgod, then every child it recorded.
cleanup() {
  bench_kill_recorded "$BGO_HOME" "$bgod"
  [ -n "$tracer" ] && wait "$tracer" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() {  # waits up to 30 s for file $1
  local deadline=$(( $(date +%s) + 30 ))
  until [ -s "$1" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "memory.sh: $1 never appeared" >&2; exit 1; }
    sleep 0.05
  done
}

if [ -n "$heaptrack_out" ]; then
  heaptrack -o "$heaptrack_out" "$bin/bgod" --foreground >"$work/heaptrack.log" 2>&1 &
  tracer=$!
else
  "$bin/bgo" daemon start >/dev/null
fi
wait_for "$BGO_HOME/bgod.pid"
bgod=$(cat "$BGO_HOME/bgod.pid")
until BGO_NO_AUTOSTART=1 "$bin/bgo" status >/dev/null 2>&1; do sleep 0.05; done
sleep "$settle"
base=$(rss_kib "$bgod")
printf 'n\trss_kib\tkib_per_process\tstart_s\n'
printf '0\t%s\t-\t-\n' "$base"
done_n=0
for n in $ns; do
  [ "$n" -gt "$done_n" ] || continue
  sleep_list $((done_n + 1)) "$n" "$work/list"
  t0=$(date +%s%N)
  "$bin/bgo" start -w --from "$work/list" >/dev/null
  t1=$(date +%s%N)
  done_n=$n
  sleep "$settle"
  rss=$(rss_kib "$bgod")
  printf '%s\t%s\t%s\t%s\n' "$n" "$rss" \
    "$(awk -v r="$rss" -v b="$base" -v n="$n" 'BEGIN {printf "%.2f", (r - b) / n}')" \
    "$(awk -v d=$((t1 - t0)) 'BEGIN {printf "%.1f", d / 1e9}')"
done

if [ -n "$heaptrack_out" ]; then
  # Killed, so that what heaptrack calls leaked is exactly what was live at the last N.
  kill -KILL "$bgod"
  wait "$tracer" 2>/dev/null || true
  tracer=""
  echo "heaptrack data: $(ls "$heaptrack_out"* | head -1) (heaptrack_print --print-leaks 1 FILE)" >&2
else
  "$bin/bgo" daemon stop >/dev/null 2>&1 || true
fi
