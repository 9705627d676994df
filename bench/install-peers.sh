#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what bench/scale.sh compares bgo with: supervisord and gnuplot from Debian, pm2
# from npm into a private prefix (nothing global). Idempotent; needs root for apt-get.
#   bench/install-peers.sh            # prefix: ${BGO_PEERS:-$HOME/.cache/bgo-bench-peers}
set -eu
prefix=${BGO_PEERS:-$HOME/.cache/bgo-bench-peers}
need=""
command -v supervisord >/dev/null 2>&1 || need="$need supervisor"
command -v gnuplot >/dev/null 2>&1 || need="$need gnuplot-nox"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v npm >/dev/null 2>&1 || need="$need npm"
if [ -n "$need" ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -q
  # supervisor's postinst starts a system-wide supervisord; the bench never uses it.
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $need
fi
if [ ! -x "$prefix/bin/pm2" ]; then
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --global --no-audit --no-fund pm2 >/dev/null
fi
echo "pm2: $prefix/bin/pm2 ($("$prefix/bin/pm2" --version 2>/dev/null | tail -1))"
echo "supervisord: $(command -v supervisord) ($(supervisord --version))"
echo "gnuplot: $(gnuplot --version)"
