#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Scale benchmark (issue #18): N `sleep` processes under bgo, pm2, supervisord and a bare
# posix_spawn loop (the floor), side by side. Prints a TSV of figures; bench/README.md has the
# method. Every process it starts is stopped by its own tool or by pid; homes are private.
#   bench/scale.sh [--long] [--ns "1 10 100"] [--bin DIR] [--idle S] [--no-peers] [--out FILE]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${BGO_BIN:-$here/../build-rel/bin}
ns="1 10 100 1000"
idle=10
limit=180  # seconds a tool may take to start all N before it is skipped at that N
peers=1
out=/dev/stdout
while [ $# -gt 0 ]; do
  case $1 in
    --long) ns="1 10 100 1000 10000"; idle=60; limit=900 ;;
    --ns) ns=$2; shift ;;
    --bin) bin=$2; shift ;;
    --idle) idle=$2; shift ;;
    --limit) limit=$2; shift ;;
    --no-peers) peers=0 ;;
    --out) out=$2; shift ;;
    *) echo "usage: $0 [--long] [--ns LIST] [--bin DIR] [--idle S] [--limit S] [--no-peers] [--out FILE]" >&2
       exit 2 ;;
  esac
  shift
done
bin=$(cd "$bin" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_require_bins scale.sh "$bin"
command -v cc >/dev/null || { echo "scale.sh: needs cc (bench/install-peers.sh)" >&2; exit 2; }

bench_raise_limits

work=$(mktemp -d /tmp/bgo-scale.XXXXXX)
chmod 700 "$work"
cc -O2 -o "$work/spawn_floor" "$here/spawn_floor.c"
sleep_bin=$(command -v sleep)
pm2=${BGO_PEERS:-$HOME/.cache/bgo-bench-peers}/bin/pm2
leftover_pids=()

cleanup() {
  # Only what this run started, by pid.
  for pid in "${leftover_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
idle_ticks() {
  local before
  before=$(ticks "$1")
  sleep "$idle"
  echo $(( $(ticks "$1") - before ))
}
# Alive and not a zombie (a daemon that lost its parent may wait a while to be reaped).
alive() { [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; }
# Waits up to $2 seconds for pid $1 to be gone.
wait_gone() {
  local deadline=$(( $(date +%s) + $2 ))
  while alive "$1" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.02; done
  ! alive "$1"
}
# Kills (by pid) whichever of the given pids still run; prints how many there were.
reap_left() {
  local n=0 pid
  for pid in "$@"; do
    if alive "$pid"; then n=$((n + 1)); kill -KILL "$pid" 2>/dev/null || true; fi
  done
  echo "$n"
}
row() { printf '%s\t' "$@" | sed 's/\t$//' >> "$out"; printf '\n' >> "$out"; }

row tool n start_ms running status_ms ps_ms name_ms rss_kib fds idle_ticks idle_s stop_ms left note

# ---- the floor ---------------------------------------------------------------------------
for n in $ns; do
  ms=$("$work/spawn_floor" "$n" "$sleep_bin" 100000 | head -1)
  row floor "$n" "$ms" "$n" - - - - - - - - 0 "posix_spawn loop, waits for none"
done

# ---- bgo ---------------------------------------------------------------------------------
bgo_run() {
  local n=$1 home="$work/bgo-$1"
  mkdir -m 700 "$home"
  export BGO_HOME=$home
  "$bin/bgo" daemon start >/dev/null
  local bgod
  bgod=$(cat "$home/bgod.pid")
  leftover_pids+=("$bgod")
  if [ "$n" = "$(set -- $ns; echo "$1")" ]; then
    row bgo 0 - 0 "$(median_ms "$bin/bgo" status --json)" - - "$(rss_kib "$bgod")" "$(fds "$bgod")" - - - 0 "empty daemon"
  fi
  sleep_list 1 "$n" "$work/list"
  local t0 start running note=""
  t0=$(now_ms)
  timeout "$limit" "$bin/bgo" start -w --from "$work/list" >/dev/null 2>"$work/bgo.err" || note="start: $(tail -1 "$work/bgo.err")"
  start=$(( $(now_ms) - t0 ))
  "$bin/bgo" status --json > "$work/status.json" 2>/dev/null || echo '[]' > "$work/status.json"
  running=$(jq '[.[] | select(.status == "online")] | length' "$work/status.json")
  mapfile -t pids < <(jq -r '.[] | select(.pid != null) | .pid' "$work/status.json")
  leftover_pids+=("${pids[@]}")
  local status_ms ps_ms name_ms rss nfd it stop left
  status_ms=$(median_ms "$bin/bgo" status --json)
  ps_ms=$(median_ms ps -e -o pid,stat,rss,etimes,time,args)
  name_ms=$(median_ms "$bin/bgo" status p1)
  rss=$(rss_kib "$bgod"); nfd=$(fds "$bgod")
  it=$(idle_ticks "$bgod")
  t0=$(now_ms)
  timeout 120 "$bin/bgo" daemon stop >/dev/null 2>&1 || note="$note stop failed"
  wait_gone "$bgod" 30 || true
  stop=$(( $(now_ms) - t0 ))
  left=$(reap_left "$bgod" "${pids[@]}")
  row bgo "$n" "$start" "$running" "$status_ms" "$ps_ms" "$name_ms" "$rss" "$nfd" "$it" "$idle" "$stop" "$left" "${note:-ok}"
  unset BGO_HOME
}
for n in $ns; do bgo_run "$n"; done

# ---- pm2 ---------------------------------------------------------------------------------
pm2_run() {
  local n=$1
  export PM2_HOME="$work/pm2-$n"
  mkdir -p "$PM2_HOME"
  {
    echo '{"apps":['
    seq 1 "$n" | sed "s|.*|{\"name\":\"p&\",\"script\":\"$sleep_bin\",\"args\":\"100000\",\"interpreter\":\"none\",\"autorestart\":true},|" | sed '$ s/,$//'
    echo ']}'
  } > "$work/ecosystem.json"
  "$pm2" ping >/dev/null 2>&1
  local god
  god=$(cat "$PM2_HOME/pm2.pid")
  leftover_pids+=("$god")
  local t0 start running note="ok"
  t0=$(now_ms)
  if ! timeout "$limit" "$pm2" start "$work/ecosystem.json" >/dev/null 2>&1; then
    note="skipped: not all started within ${limit}s"
  fi
  start=$(( $(now_ms) - t0 ))
  timeout 120 "$pm2" jlist > "$work/pm2.json" 2>/dev/null || echo '[]' > "$work/pm2.json"
  running=$(jq '[.[] | select(.pm2_env.status == "online")] | length' "$work/pm2.json" 2>/dev/null || echo 0)
  mapfile -t pids < <(jq -r '.[] | select(.pid > 0) | .pid' "$work/pm2.json" 2>/dev/null)
  leftover_pids+=("${pids[@]}")
  local status_ms="-" ps_ms rss nfd it stop left
  [ "$note" = ok ] && status_ms=$(median_ms "$pm2" jlist)
  ps_ms=$(median_ms ps -e -o pid,stat,rss,etimes,time,args)
  rss=$(rss_kib "$god"); nfd=$(fds "$god")
  it=$(idle_ticks "$god")
  t0=$(now_ms)
  timeout 300 "$pm2" kill >/dev/null 2>&1 || true
  wait_gone "$god" 30 || true
  stop=$(( $(now_ms) - t0 ))
  left=$(reap_left "$god" "${pids[@]}")
  [ "$note" = ok ] || start="-"
  row pm2 "$n" "$start" "$running" "$status_ms" "$ps_ms" - "$rss" "$nfd" "$it" "$idle" "$stop" "$left" "$note"
  unset PM2_HOME
}

# ---- supervisord -------------------------------------------------------------------------
sup_run() {
  local n=$1 dir="$work/sup-$1"
  mkdir -p "$dir/logs"
  {
    printf '[unix_http_server]\nfile=%s/sock\n' "$dir"
    printf '[supervisord]\nlogfile=%s/supervisord.log\npidfile=%s/pid\nchildlogdir=%s/logs\n' "$dir" "$dir" "$dir"
    printf 'minfds=%s\nminprocs=%s\n' "$(ulimit -n)" 1024
    printf '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n'
    printf '[supervisorctl]\nserverurl=unix://%s/sock\n' "$dir"
    for i in $(seq 1 "$n"); do
      # startsecs=0: RUNNING at spawn, no wait (bgo answers after a 100 ms probe).
      printf '[program:p%s]\ncommand=%s 100000\nautorestart=true\nstartsecs=0\n' "$i" "$sleep_bin"
    done
  } > "$dir/supervisord.conf"
  local ctl=(supervisorctl -c "$dir/supervisord.conf")
  local t0 start running=0 note="ok" sup
  t0=$(now_ms)
  supervisord -c "$dir/supervisord.conf"
  local deadline=$(( $(date +%s) + limit ))
  while [ ! -s "$dir/pid" ]; do sleep 0.05; done
  sup=$(cat "$dir/pid")
  leftover_pids+=("$sup")
  while :; do
    running=$("${ctl[@]}" status 2>/dev/null | grep -c ' RUNNING ' || true)
    [ "$running" -ge "$n" ] && break
    if [ "$(date +%s)" -ge "$deadline" ]; then note="skipped: not all started within ${limit}s"; break; fi
    sleep 0.2
  done
  start=$(( $(now_ms) - t0 ))
  mapfile -t pids < <("${ctl[@]}" pid all 2>/dev/null | grep -E '^[0-9]+$')
  leftover_pids+=("${pids[@]}")
  local status_ms="-" ps_ms rss nfd it stop left
  [ "$note" = ok ] && status_ms=$(median_ms "${ctl[@]}" status)
  ps_ms=$(median_ms ps -e -o pid,stat,rss,etimes,time,args)
  rss=$(rss_kib "$sup"); nfd=$(fds "$sup")
  it=$(idle_ticks "$sup")
  t0=$(now_ms)
  "${ctl[@]}" shutdown >/dev/null 2>&1 || kill -TERM "$sup" 2>/dev/null || true
  wait_gone "$sup" 300 || true
  stop=$(( $(now_ms) - t0 ))
  left=$(reap_left "$sup" "${pids[@]}")
  [ "$note" = ok ] || start="-"
  row supervisord "$n" "$start" "$running" "$status_ms" "$ps_ms" - "$rss" "$nfd" "$it" "$idle" "$stop" "$left" "$note"
}

if [ "$peers" = 1 ]; then
  if [ -x "$pm2" ]; then
    for n in $ns; do pm2_run "$n"; done
  else
    echo "scale.sh: pm2 not installed (bench/install-peers.sh); skipped" >&2
  fi
  if command -v supervisord >/dev/null; then
    for n in $ns; do sup_run "$n"; done
  else
    echo "scale.sh: supervisord not installed (bench/install-peers.sh); skipped" >&2
  fi
fi
