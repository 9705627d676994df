#!/usr/bin/env bash
# Installs the Debian 12 packages bgo builds with, when any is missing (apt-get update first).
#   tools/deps.sh [PACKAGE...]    extra packages a mode needs (tools/package.sh: lintian...)
set -euo pipefail
# clang-format and clang-tidy (14) and the Clang build are checks test.sh runs; ccache keeps its
# two builds fast when CI reuses this machine; tmux drives the terminal-width tests; yaml-cpp
# (0.7) reads bgo.yaml. bash-completion, zsh and fish are the shells the completion tests drive.
# docker-compose (1.29, no Docker daemon needed) checks the compose.yaml `bgo export compose`
# writes (`docker-compose config`, tests/integration/export_test.cpp). mandoc lints the man
# pages (docs/man) in the tests. ncurses (ncursesw, 6.4) draws `bgo monit`.
packages=(cmake make g++ clang clang-format clang-tidy ccache libboost1.81-dev libboost-json1.81-dev
          libboost-program-options1.81-dev libspdlog-dev libgtest-dev libyaml-cpp-dev
          libncurses-dev python3 tmux bash-completion zsh fish docker-compose mandoc "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "==> build dependencies present"
  exit 0
fi
echo "==> installing missing packages: ${missing[*]}"
sudo_cmd=""
if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
$sudo_cmd apt-get update
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
