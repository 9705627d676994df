#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Where bgod spends a start at scale: N watched `sleep`s started, then `perf record -F 999 -g`
# of bgod (and the children it forks) while `bgo start -w --from` adds M more. Prints the time
# per start and writes perf.data, summary.txt and report.txt (`perf report --no-children
# --sort symbol`) to OUTDIR. Every process it starts is stopped by bgod or killed by pid.
#   bench/start_profile.sh [--bin DIR] [--n N] [--m M] [--out OUTDIR]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${BGO_BIN:-$here/../build-rel/bin}
n=4000
m=600
outdir=./start-profile
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift ;;
    --n) n=$2; shift ;;
    --m) m=$2; shift ;;
    --out) outdir=$2; shift ;;
    *) echo "usage: $0 [--bin DIR] [--n N] [--m M] [--out OUTDIR]" >&2; exit 2 ;;
  esac
  shift
done
command -v perf >/dev/null || { echo "start_profile.sh: needs perf (apt-get install linux-perf)" >&2; exit 2; }
command -v jq >/dev/null || { echo "start_profile.sh: needs jq" >&2; exit 2; }
bin=$(cd "$bin" && pwd)
mkdir -p "$outdir"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
ulimit -u "$(ulimit -Hu)" 2>/dev/null || true

home=$(mktemp -d /tmp/bgo-start-profile.XXXXXX)
chmod 700 "$home"
export BGO_HOME=$home
sleep_bin=$(command -v sleep)
pids=()
cleanup() {
  timeout 120 "$bin/bgo" daemon stop >/dev/null 2>&1 || true
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$home"
}
trap cleanup EXIT

"$bin/bgo" daemon start >/dev/null
bgod=$(cat "$home/bgod.pid")
pids+=("$bgod")
seq 1 "$n" | sed "s|.*|p& -- $sleep_bin 100000|" > "$home/first"
seq 1 "$m" | sed "s|.*|q& -- $sleep_bin 100000|" > "$home/more"
t0=$(date +%s%N)
"$bin/bgo" start -w --from "$home/first" >/dev/null
t1=$(date +%s%N)
perf record -F 999 -g -p "$bgod" -o "$outdir/perf.data" >/dev/null 2>"$outdir/perf-record.err" &
perf_pid=$!
sleep 1
t2=$(date +%s%N)
"$bin/bgo" start -w --from "$home/more" >/dev/null
t3=$(date +%s%N)
kill -INT "$perf_pid"
wait "$perf_pid" || true
"$bin/bgo" status --json > "$home/status.json"
mapfile -t running < <(jq -r '.[] | select(.pid != null) | .pid' "$home/status.json")
pids+=("${running[@]}")
samples=$(perf report -i "$outdir/perf.data" --no-children --sort comm --stdio -g none -n 2>/dev/null |
  awk '/%/ {s += $2} END {print s + 0}')
echo "first $n: $(( (t1 - t0) / 1000000 )) ms; next $m: $(( (t3 - t2) / 1000000 )) ms" \
  "($(( (t3 - t2) / 1000 / m )) us a start); $samples samples at 999 Hz" \
  "($(( samples * 1000000 / 999 / m )) us of CPU a start); bgod fds $(ls "/proc/$bgod/fd" | wc -l)" |
  tee "$outdir/summary.txt"
perf report -i "$outdir/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null |
  grep '%' | head -40 | awk '{$1 = $1; print}' | sed 's/ - -$//' > "$outdir/report.txt"
