#!/usr/bin/env bash
# Formats every C++ file with the repo's .clang-format; --check only reports (exit 1 if any
# file would change).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = "--check" ]; then
  bad=0
  for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || { echo "not formatted: $f"; bad=1; }
  done
  [ "$bad" = 0 ] && echo "format ok"
  exit "$bad"
fi
clang-format -i "${files[@]}"
