# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared by bench/scale.sh, list_cost.sh, memory.sh and upgrade_time.sh (sourced, not run): the
# checks and limits before a run, N watched `sleep`s, timing and the daemon's memory.

# Exits 2 with a hint unless DIR holds built bgo and bgod; `script` names the caller.
#   bench_require_bins SCRIPT DIR
bench_require_bins() {
  local tool
  for tool in "$2/bgo" "$2/bgod"; do
    [ -x "$tool" ] || { echo "$1: $tool not built (cmake --build BUILD --target bgo bgod)" >&2; exit 2; }
  done
}

# Thousands of processes need more descriptors (and processes) than the usual soft limits:
# take the hard ones.
bench_raise_limits() {
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  ulimit -u "$(ulimit -Hu)" 2>/dev/null || true
}

# Lines "pI -- SLEEP 100000" for I from FIRST to LAST, into FILE: the input of
# `bgo start -w --from FILE`.
#   sleep_list FIRST LAST FILE
sleep_list() {
  seq "$1" "$2" | sed "s|.*|p& -- $(command -v sleep) 100000|" > "$3"
}

# Median wall time in ms of 5 runs of "$@" (output discarded).
median_ms() {
  local times=() t0
  for _ in 1 2 3 4 5; do
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    times+=($(( ($(date +%s%N) - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | awk '{printf "%.1f", $1 / 1000}'
}

# VmRSS of pid $1 in KiB (0 when it is gone).
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# Kills by pid bgod ($2, when not empty) and every child the state files of home $1 record:
# only what the run started.
bench_kill_recorded() {
  local pids
  pids=$(cat "$1"/procs/*.json 2>/dev/null | grep -o '"pid": *[0-9]*' | grep -o '[0-9]*$' || true)
  [ -n "$2" ] && kill -KILL "$2" 2>/dev/null || true
  for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
}
