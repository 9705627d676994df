#!/usr/bin/env bash
# Installs bgo: missing build dependencies (Debian 12 packages), a Release build, and the
# binaries (default /usr/local/bin) plus the systemd user units. Idempotent.
#   ./install.sh [--prefix DIR] [--local] [--uninstall]
set -euo pipefail
cd "$(dirname "$0")"
prefix=/usr/local
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#*=}"; shift ;;
    --local) prefix="$HOME/.local"; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option: $1" >&2; exit 2 ;;
  esac
done
bindir="$prefix/bin"
# Where the systemd user manager looks for packaged units: <prefix>/lib/systemd/user for
# /usr and /usr/local, ~/.local/share/systemd/user for a --local install.
if [ "$prefix" = "$HOME/.local" ]; then
  unitdir="${XDG_DATA_HOME:-$HOME/.local/share}/systemd/user"
else
  unitdir="$prefix/lib/systemd/user"
fi
# Shell completions where each shell looks: bash-completion and fish read the XDG data dirs
# (so ~/.local/share works for --local); zsh reads $fpath (vendor-completions on Debian).
datadir="$prefix/share"
if [ "$prefix" = "$HOME/.local" ]; then datadir="${XDG_DATA_HOME:-$HOME/.local/share}"; fi
bashdir="$datadir/bash-completion/completions"
fishdir="$datadir/fish/vendor_completions.d"
if [ "$prefix" = /usr ]; then zshdir=/usr/share/zsh/vendor-completions; else zshdir="$datadir/zsh/site-functions"; fi
if [ "$uninstall" = 1 ]; then
  for f in "$bindir/bgo" "$bindir/bgod" "$unitdir/bgod.service" "$unitdir/bgod.socket" \
           "$bashdir/bgo" "$zshdir/_bgo" "$fishdir/bgo.fish"; do
    if [ -e "$f" ]; then echo "removing $f"; rm -f "$f"; fi
  done
  exit 0
fi
./tools/deps.sh
echo "==> building Release in build-release/"
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DBGO_WERROR=OFF >/dev/null
cmake --build build-release -j2 --target bgo bgod
echo "==> installing into $bindir"
mkdir -p "$bindir"
install -m 0755 build-release/bin/bgo build-release/bin/bgod "$bindir/"
# The units, not enabled, for bgod's real path. bgo writes them itself (`bgo --write-units`),
# so the unit-file quoting of ExecStart has one source: client/systemd_units.cpp.
mkdir -p "$unitdir"
"$bindir/bgo" --write-units "$unitdir" "$(realpath "$bindir/bgod")"
echo "installed the systemd user units bgod.service and bgod.socket into $unitdir (not enabled)"
echo "to start bgod at login: $bindir/bgo startup   (see docs/startup.md)"
# Completions, made by bgo from its own command table (`bgo completion SHELL`).
mkdir -p "$bashdir" "$zshdir" "$fishdir"
"$bindir/bgo" completion bash > "$bashdir/bgo"
"$bindir/bgo" completion zsh > "$zshdir/_bgo"
"$bindir/bgo" completion fish > "$fishdir/bgo.fish"
echo "installed completions for bash ($bashdir), zsh ($zshdir) and fish ($fishdir)"
case "$zshdir" in
  /usr/share/zsh/*|/usr/local/share/zsh/site-functions) ;;
  *) echo "note: for zsh, add $zshdir to fpath before compinit in ~/.zshrc" ;;
esac
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo "note: $bindir is not on your PATH" ;;
esac
echo "done: $("$bindir/bgo" --version)"
