#!/bin/sh
# SPDX-License-Identifier: MIT
# Descriptors bgod holds per supervised process: starts N `sleep` processes under a private bgod
# (8 `bgo start` at a time), counts /proc/<bgod>/fd by kind, then stops everything.
# Usage: bench/fd_budget.sh BIN_DIR [N]   (BIN_DIR holds bgo and bgod; N defaults to 1000)
set -eu
bin=${1:?usage: fd_budget.sh BIN_DIR [N]}
n=${2:-1000}
home=$(mktemp -d /tmp/bgo_fd_budget.XXXXXX)
export BGO_HOME="$home/home"
bgod_pid=
cleanup() {
  if [ -n "$bgod_pid" ] && kill -0 "$bgod_pid" 2>/dev/null; then
    "$bin/bgo" daemon stop >/dev/null 2>&1 || kill -9 "$bgod_pid" 2>/dev/null || true
  fi
  rm -rf "$home"
}
trap cleanup EXIT INT TERM

count() {  # kind of each descriptor of bgod: pipe, log (a file under logs/), other
  pipes=0 logs=0 other=0
  for fd in /proc/"$bgod_pid"/fd/*; do
    target=$(readlink "$fd" 2>/dev/null) || continue
    case $target in
      pipe:*) pipes=$((pipes + 1)) ;;
      "$BGO_HOME"/logs/*) logs=$((logs + 1)) ;;
      *) other=$((other + 1)) ;;
    esac
  done
  echo "$pipes $logs $other"
}

"$bin/bgo" status >/dev/null  # starts bgod
bgod_pid=$(cat "$BGO_HOME/bgod.pid")
set -- $(count)
base=$(($1 + $2 + $3))
echo "empty bgod (pid $bgod_pid): $base descriptors ($1 pipes, $2 log files, $3 other)"
start=$(date +%s.%N)
seq 1 "$n" | xargs -P 8 -I{} "$bin/bgo" start -w p{} -- sleep 100000 >/dev/null
end=$(date +%s.%N)
set -- $(count)
total=$(($1 + $2 + $3))
online=$("$bin/bgo" status --json | grep -o '"status": *"online"' | wc -l)
echo "$online of $n online after $(echo "$end - $start" | bc) s"
echo "with $n processes: $total descriptors ($1 pipes, $2 log files, $3 other)"
echo "per process: $(echo "scale=2; ($total - $base) / $n" | bc)"
echo "bgod limit: $(grep 'Max open files' /proc/"$bgod_pid"/limits | tr -s ' ')"
