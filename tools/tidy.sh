#!/usr/bin/env bash
# Runs clang-tidy with the repo's .clang-tidy over the project's own .cpp files, as compiled in
# BUILD_DIR (its compile_commands.json), and fails if anything is reported.
#   tools/tidy.sh [BUILD_DIR] [PATH_REGEX]     default BUILD_DIR: build; TIDY_JOBS (default 2)
# A header's findings are reported once, however many files include it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build}
filter=${2:-.}
db="$build/compile_commands.json"
if [ ! -f "$db" ]; then
  echo "tidy: no $db (configure $build with cmake first)" >&2
  exit 2
fi
tidy=$(command -v clang-tidy-14 || command -v clang-tidy)

# Every source of the project's layers, tests and benches in the database, once each.
mapfile -t files < <(sed -nE 's|^[[:space:]]*"file": "(.*)",?$|\1|p' "$db" |
  sed "s|^$root/||" | grep -E '^(common|proto|daemon|client|tests|bench)/.*\.cpp$' |
  grep -E -- "$filter" | sort -u)
if [ ${#files[@]} -eq 0 ]; then
  echo "tidy: no file of $db matches '$filter'" >&2
  exit 2
fi

# Files whose clean verdict is already known (same tidy, config and preprocessed source) are
# skipped: tools/tidy_cache.py. BGO_TIDY_CACHE= (empty) checks everything.
cache=${BGO_TIDY_CACHE-${XDG_CACHE_HOME:-$HOME/.cache}/bgo-tidy}
all=${#files[@]}
if [ -n "$cache" ]; then
  mapfile -t files < <(TIDY="$tidy" python3 tools/tidy_cache.py pending "$build" "$cache" \
    "${files[@]}")
  echo "clang-tidy: $((all - ${#files[@]})) of $all files known clean (cache $cache)"
  if [ ${#files[@]} -eq 0 ]; then
    echo "clang-tidy: $all files clean"
    exit 0
  fi
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# One output file per source, so that parallel runs do not interleave their lines.
printf '%s\n' "${files[@]}" |
  xargs -P "${TIDY_JOBS:-2}" -I{} sh -c \
    '"$1" -p "$2" --quiet "$3" > "$4/$(echo "$3" | tr / _).log" 2>&1 || true' \
    _ "$tidy" "$build" {} "$out"

# Findings (and compile errors) in the project's files, each once.
# "Error while processing" marks a file clang-tidy could not compile, wherever the error was.
findings=$(cat "$out"/*.log |
  grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error):|^Error while processing' |
  sed "s|$root/||" | grep -vE '^/' | sort -u | sort -t: -k1,1 -k2,2n -k3,3n || true)
# Record the files whose own run reported nothing in the project's files.
if [ -n "$cache" ]; then
  clean=()
  for f in "${files[@]}"; do
    log="$out/$(echo "$f" | tr / _).log"
    if ! grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error):|^Error while processing' "$log" |
      sed "s|$root/||" | grep -qvE '^/'; then
      clean+=("$f")
    fi
  done
  if [ ${#clean[@]} -gt 0 ]; then
    TIDY="$tidy" python3 tools/tidy_cache.py clean "$build" "$cache" "${clean[@]}"
  fi
fi
if [ -n "$findings" ]; then
  echo "$findings"
  echo "clang-tidy: $(echo "$findings" | wc -l) finding(s) in ${#files[@]} files" \
    "(details: $tidy -p $build FILE)"
  exit 1
fi
echo "clang-tidy: $all files clean"
