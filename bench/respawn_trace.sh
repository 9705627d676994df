#!/bin/sh
# SPDX-License-Identifier: MIT
# bgod's own share of a respawn (issue #18): the time from the wait4() that reaps a watched
# child to the clone3() of its restart, taken with `perf trace` on bgod's main thread (only
# those two syscalls traced, so the tracing adds little). One bgod per BIN_DIR (a build's bin/),
# all side by side in private homes, each restarting `bgo_test_child --after 120`, so builds
# compare under the same load. Method: bench/README.md, "Against a bare loop".
#   bench/respawn_trace.sh SECONDS BIN_DIR [BIN_DIR...]      (needs perf and cgroup/ptrace rights)
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 SECONDS BIN_DIR [BIN_DIR...]" >&2
  exit 2
fi
secs=$1
shift
work=$(mktemp -d /tmp/bgo-respawn-trace-XXXXXX)
i=0
for bin in "$@"; do
  i=$((i + 1))
  mkdir -m 700 "$work/home$i"
  BGO_HOME="$work/home$i" "$bin/bgo" start -w --min-uptime 0 gap -- \
    "$bin/bgo_test_child" --print-times --after 120 >/dev/null
done
sleep 1
i=0
for bin in "$@"; do
  i=$((i + 1))
  perf trace -e wait4,clone3 -t "$(cat "$work/home$i/bgod.pid")" -o "$work/trace$i.txt" \
    -- sleep "$secs" 2>/dev/null &
done
wait
i=0
for bin in "$@"; do
  i=$((i + 1))
  BGO_HOME="$work/home$i" "$bin/bgo" daemon stop >/dev/null 2>&1 || true
  # A wait4 that returned a pid, then the next clone3: from the end of one to the start of the
  # other, in microseconds.
  awk '
    /wait4\(/ { if (match($0, /= [1-9][0-9]*/)) { gsub(/[()]/, "", $2); w = $1 + $2; have = 1 } }
    /clone3\(/ { if (have) { print ($1 - w) * 1000; have = 0 } }' "$work/trace$i.txt" |
    sort -n |
    awk -v name="$bin" '{ d[NR] = $1 }
      END { if (NR == 0) { print name ": no restart traced"; exit }
            printf "%s: reap->clone3 n=%d min %.0f median %.0f p90 %.0f p99 %.0f us\n", name, NR,
                   d[1], d[int(NR / 2) + 1], d[int(NR * 0.9) + 1], d[int(NR * 0.99) + 1] }'
done
rm -rf "$work"
