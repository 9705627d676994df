#!/bin/sh
# SPDX-License-Identifier: MIT
# Plots a bench/scale.sh TSV with gnuplot (Debian gnuplot-nox; bench/install-peers.sh installs
# it): start time, status latency and daemon memory against N, log scales, as PNGs.
#   bench/scale-plot.sh scale.tsv docs/img
set -eu
[ $# -eq 2 ] || { echo "usage: $0 TSV OUTDIR" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "$0: needs gnuplot (bench/install-peers.sh)" >&2; exit 2; }
tsv=$1
dir=$2
mkdir -p "$dir"
# One file per tool, rows with N > 0 only (log scales), "-" read as missing; "-all" keeps the
# rows where all N were running (start time), the others are plotted against how many ran.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for tool in bgo pm2 supervisord floor; do
  awk -F'\t' -v t="$tool" '$1 == t && $2 > 0 && $4 > 0' "$tsv" > "$tmp/$tool.tsv"
  awk -F'\t' '$4 == $2' "$tmp/$tool.tsv" > "$tmp/$tool-all.tsv"
done
common='set terminal pngcairo size 800,520 font "sans,10" noenhanced
set datafile separator "\t"
set datafile missing "-"
set logscale xy
set grid
set key top left
set xlabel "processes running (N)"
set format x "%.0f"'
gnuplot <<GP
$common
set output "$dir/scale-start.png"
set title "Time to start N sleep processes (all running)"
set ylabel "ms"
plot "$tmp/bgo-all.tsv" using 2:3 with linespoints lw 2 title "bgo start --from", \
     "$tmp/pm2-all.tsv" using 2:3 with linespoints title "pm2 start ecosystem", \
     "$tmp/supervisord-all.tsv" using 2:3 with linespoints title "supervisord (to all RUNNING)", \
     "$tmp/floor-all.tsv" using 2:3 with linespoints dt 2 title "floor: posix_spawn loop"
set output "$dir/scale-status.png"
set title "Status of N processes"
set ylabel "ms (median of 5)"
plot "$tmp/bgo.tsv" using 4:5 with linespoints lw 2 title "bgo status --json", \
     "$tmp/bgo.tsv" using 4:6 with linespoints dt 2 title "ps -e -o pid,stat,rss,etimes,time,args", \
     "$tmp/bgo.tsv" using 4:7 with linespoints title "bgo status NAME", \
     "$tmp/pm2.tsv" using 4:5 with linespoints title "pm2 jlist", \
     "$tmp/supervisord.tsv" using 4:5 with linespoints title "supervisorctl status"
set output "$dir/scale-memory.png"
set title "Supervisor's own resident memory with N processes"
set ylabel "RSS (MiB)"
plot "$tmp/bgo.tsv" using 4:(\$8/1024) with linespoints lw 2 title "bgod", \
     "$tmp/pm2.tsv" using 4:(\$8/1024) with linespoints title "pm2 God daemon", \
     "$tmp/supervisord.tsv" using 4:(\$8/1024) with linespoints title "supervisord"
GP
echo "$dir/scale-start.png $dir/scale-status.png $dir/scale-memory.png"
