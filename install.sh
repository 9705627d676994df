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
unitdir="$prefix/lib/systemd/user"
if [ "$uninstall" = 1 ]; then
  for f in "$bindir/bgo" "$bindir/bgod" "$unitdir/bgod.service" "$unitdir/bgod.socket"; do
    if [ -e "$f" ]; then echo "removing $f"; rm -f "$f"; fi
  done
  exit 0
fi
./tools/deps.sh
echo "==> building Release in build-release/"
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-release -j2 --target bgo bgod
echo "==> installing into $bindir"
mkdir -p "$bindir"
install -m 0755 build-release/bin/bgo build-release/bin/bgod "$bindir/"
if [ -f systemd/bgod.service ]; then
  mkdir -p "$unitdir"
  sed "s#@BGOD@#$bindir/bgod#g" systemd/bgod.service > "$unitdir/bgod.service"
  [ -f systemd/bgod.socket ] && install -m 0644 systemd/bgod.socket "$unitdir/bgod.socket"
  echo "installed the systemd user units into $unitdir (not enabled)"
fi
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo "note: $bindir is not on your PATH" ;;
esac
echo "done: $("$bindir/bgo" --version)"
