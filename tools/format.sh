#!/usr/bin/env bash
# Formats every C++ file of common/ proto/ daemon/ client/ tests/ bench/ with the repo's
# .clang-format (clang-format 14); --check only reports (exit 1 if any file would change).
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=(common proto daemon client tests bench)
mapfile -t files < <(git ls-files -- "${dirs[@]/%//*.cpp}" "${dirs[@]/%//*.hpp}")
if [ "${1:-}" = "--check" ]; then
  # One clang-format for all files (fast); the per-file pass only runs to name the culprits.
  if clang-format --dry-run -Werror "${files[@]}" >/dev/null 2>&1; then
    echo "format ok (${#files[@]} files)"
    exit 0
  fi
  for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "not formatted: $f"
  done
  echo "run tools/format.sh to fix"
  exit 1
fi
clang-format -i "${files[@]}"
