#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What a `list` costs by shape (issue #18): every row, two fields (no /proc), a 50-row page,
# over the socket and through `bgo status`, next to `ps -e` over the same processes. N watched
# `sleep`s in a private home; everything started is stopped by `bgo daemon stop` and by pid.
#   bench/list_cost.sh [--ns "1000 4000"] [--bin DIR] [--out FILE]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${BGO_BIN:-$here/../build-rel/bin}
ns="1000 4000"
out=/dev/stdout
while [ $# -gt 0 ]; do
  case $1 in
    --ns) ns=$2; shift ;;
    --bin) bin=$2; shift ;;
    --out) out=$2; shift ;;
    *) echo "usage: $0 [--ns LIST] [--bin DIR] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done
bin=$(cd "$bin" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_require_bins list_cost.sh "$bin"
bench_raise_limits

work=$(mktemp -d /tmp/bgo-list-cost.XXXXXX)
chmod 700 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Median round trip in ms of 5 `list` calls per shape, on one connection (no client start-up),
# and the reply's size: "full_ms full_bytes fields_ms fields_bytes page_ms page_bytes".
rpc_times() {
  python3 - "$1" <<'PY'
import json, socket, statistics, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rwb")
def call(params, i=[0]):
    i[0] += 1
    req = {"jsonrpc": "2.0", "id": i[0], "method": "list"}
    if params is not None:
        req["params"] = params
    t0 = time.perf_counter()
    f.write((json.dumps(req) + "\n").encode()); f.flush()
    line = f.readline()
    return (time.perf_counter() - t0) * 1000, len(line)
out = []
for params in (None, {"fields": ["name", "status"]}, {"limit": 50}):
    call(params)  # warm-up
    runs = [call(params) for _ in range(5)]
    out += ["%.1f" % statistics.median(r[0] for r in runs), str(runs[0][1])]
print(" ".join(out))
PY
}

printf 'n\tlist_ms\tlist_bytes\tfields_ms\tfields_bytes\tpage50_ms\tpage50_bytes\tstatus_json_ms\tstatus_fields_ms\tps_ms\n' >> "$out"
for n in $ns; do
  home="$work/home-$n"
  mkdir -m 700 "$home"
  export BGO_HOME=$home
  "$bin/bgo" daemon start >/dev/null
  bgod=$(cat "$home/bgod.pid")
  pids+=("$bgod")
  sleep_list 1 "$n" "$work/list"
  "$bin/bgo" start -w --from "$work/list" >/dev/null
  mapfile -t -O "${#pids[@]}" pids < <("$bin/bgo" status --json --fields pid | jq -r '.[].pid // empty')
  read -r full full_b fields fields_b page page_b < <(rpc_times "$home/bgo.sock")
  status_json=$(median_ms "$bin/bgo" status --json)
  status_fields=$(median_ms "$bin/bgo" status --json --fields name,status)
  ps_ms=$(median_ms ps -e -o pid,stat,rss,etimes,time,args)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$full" "$full_b" "$fields" "$fields_b" \
    "$page" "$page_b" "$status_json" "$status_fields" "$ps_ms" >> "$out"
  "$bin/bgo" daemon stop >/dev/null 2>&1 || true
  unset BGO_HOME
done
