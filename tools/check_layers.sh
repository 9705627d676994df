#!/usr/bin/env bash
# Checks every #include of the layers against an allow-list (docs/architecture.md, "Layers"):
# a project header ("…") must start with a prefix the including file's layer may use, and a
# few third-party headers (<…>) are banned per layer. A file in no known layer fails too, so a
# new folder has to be given its rules here first. Exit 1 on any violation.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

# The layer of a source file, from its path; empty when it is in none.
layer_of() {
  case "$1" in
    common/*) echo common ;;
    proto/*) echo proto ;;
    daemon/core/*) echo core ;;
    daemon/os/*) echo os ;;
    daemon/rpc/*) echo rpc ;;
    daemon/*/*) echo "" ;;
    daemon/*) echo root ;;  # daemon.cpp, main.cpp: the composition root
    client/*) echo client ;;
    *) echo "" ;;
  esac
}

# Project headers each layer may include: a prefix ending in "/" or one exact header.
declare -A allowed=(
  [common]="common/"
  [proto]="common/ proto/"
  [core]="common/ daemon/core/"
  [os]="common/ proto/ daemon/core/ daemon/os/"
  [rpc]="common/ proto/ daemon/core/ daemon/rpc/ daemon/os/daemon_lock.hpp"
  [root]="common/ proto/ daemon/"
  [client]="common/ proto/ client/"
)
# Project headers a layer must not include although a prefix above allows them.
declare -A denied=(
  [core]="common/proc_stat.hpp"  # /proc is read by the adapters, never by the policy
)
# Third-party headers (<…> prefixes) a layer must not include.
declare -A denied_system=(
  [common]="boost/asio boost/json boost/beast boost/program_options"
  [proto]="boost/asio boost/beast boost/program_options"
  [core]="boost/asio boost/json boost/beast"
)

status=0
fail() {
  echo "$1"
  status=1
}

matches() {  # matches HEADER LIST: is HEADER one of LIST's exact names or under one of its prefixes?
  local entry
  for entry in $2; do
    if [[ "$entry" == */ ]]; then
      [[ "$1" == "$entry"* ]] && return 0
    else
      [[ "$1" == "$entry" ]] && return 0
    fi
  done
  return 1
}

while IFS= read -r file; do
  layer=$(layer_of "$file")
  if [ -z "$layer" ]; then
    fail "$file: in no layer; give its folder rules in tools/check_layers.sh and docs/architecture.md"
    continue
  fi
  while IFS= read -r hit; do
    line=${hit%%:*}
    text=${hit#*:}
    if [[ "$text" =~ \#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
      header=${BASH_REMATCH[1]}
      if ! matches "$header" "${allowed[$layer]}"; then
        fail "$file:$line: \"$header\" is not allowed in $layer (may include: ${allowed[$layer]})"
      elif matches "$header" "${denied[$layer]:-}"; then
        fail "$file:$line: \"$header\" is forbidden in $layer"
      fi
    elif [[ "$text" =~ \#[[:space:]]*include[[:space:]]*\<([^\>]+)\> ]]; then
      header=${BASH_REMATCH[1]}
      if [ "$header" = "boost/asio.hpp" ]; then
        fail "$file:$line: <boost/asio.hpp>: include the specific Asio headers"
      fi
      # yaml-cpp is the client's, for application files: only client/app/ includes it.
      if [[ "$header" == yaml-cpp* && "$file" != client/app/* ]]; then
        fail "$file:$line: <$header> outside client/app/ (bgo.yaml is read there)"
      fi
      # ncurses draws `bgo monit` in one file; its macros must not reach anything else.
      if [[ ( "$header" == curses.h || "$header" == ncurses* || "$header" == term.h ) &&
            "$file" != client/monit/curses_screen.cpp ]]; then
        fail "$file:$line: <$header> outside client/monit/curses_screen.cpp (the monit view)"
      fi
      # Beast is heavy and only two .cpp files of daemon/os need it (probe_runner, metrics_http):
      # never in a header.
      if [[ "$header" == boost/beast* && "$file" == *.hpp ]]; then
        fail "$file:$line: <$header> in a header: keep Beast in the .cpp (pimpl)"
      fi
      for banned in ${denied_system[$layer]:-}; do
        if [[ "$header" == "$banned"* ]]; then
          fail "$file:$line: <$header> is forbidden in $layer (no ${banned#boost/} there)"
        fi
      done
    fi
  done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$file")
done < <(find common proto daemon client -type f \( -name '*.cpp' -o -name '*.hpp' \) | sort)

if [ "$status" -eq 0 ]; then echo "layers ok"; fi
exit "$status"
