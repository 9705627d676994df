// SPDX-License-Identifier: MIT
// /proc probes for the lifecycle and fault tests: open fds, zombie children, the processes a
// test's bgod started (found by a marker), the bgods of one home, and running several bgo
// clients at once.
#pragma once

#include <algorithm>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/types.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {

// Numeric entries of /proc/<pid>/<sub> (fd, task, ...). Empty when the process is gone.
inline std::vector<int> proc_numbers(pid_t pid, const std::string& sub) {
  std::vector<int> out;
  std::error_code ec;
  const auto dir = "/proc/" + std::to_string(pid) + "/" + sub;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if (!n.empty() && n.find_first_not_of("0123456789") == std::string::npos) {
      out.push_back(std::stoi(n));
    }
  }
  return out;
}

inline std::vector<int> open_fds(pid_t pid) {
  auto fds = proc_numbers(pid, "fd");
  std::sort(fds.begin(), fds.end());
  return fds;
}

inline std::string fd_target(pid_t pid, int fd) {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd),
                                       ec)
      .string();
}

// "fd -> target" lines, for failure messages.
inline std::string describe_fds(pid_t pid) {
  std::string out;
  for (int fd : open_fds(pid)) out += std::to_string(fd) + " -> " + fd_target(pid, fd) + "\n";
  return out;
}

// "State:", "SigIgn:", ... line of /proc/<pid>/status, value only.
inline std::string status_field(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      const size_t v = line.find_first_not_of(" \t", key.size() + 1);
      return v == std::string::npos ? "" : line.substr(v);
    }
  }
  return {};
}

struct ProcEntry {
  pid_t pid = 0;
  pid_t ppid = 0;
  char state = '?';
};

inline std::vector<ProcEntry> all_processes() {
  std::vector<ProcEntry> out;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string text = read_file("/proc/" + n + "/stat");
    const size_t close = text.rfind(')');
    if (close == std::string::npos || close + 4 >= text.size()) continue;
    ProcEntry p;
    p.pid = std::stoi(n);
    p.state = text[close + 2];
    p.ppid = std::atoi(text.c_str() + close + 4);
    out.push_back(p);
  }
  ::closedir(d);
  return out;
}

// Children of `parent` that have exited and were not reaped.
inline std::vector<pid_t> zombie_children(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& p : all_processes()) {
    if (p.ppid == parent && p.state == 'Z') out.push_back(p.pid);
  }
  return out;
}

inline std::string cmdline_of(pid_t pid) {
  std::string text = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return text;
}

// Field 6 of /proc/PID/stat; 0 when the process is gone.
inline pid_t session_of(pid_t pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/stat");
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string state;
  pid_t ppid = 0;
  pid_t pgrp = 0;
  pid_t session = 0;
  rest >> state >> ppid >> pgrp >> session;
  return session;
}

// Live (not zombie) processes whose command line or working directory contains `marker`; with
// `leaders_only`, only session leaders: what bgod spawned (it starts every child in a new
// session), not the bgo clients a test runs nor a script's short-lived forks.
inline std::set<pid_t> marked(const std::string& marker, bool leaders_only) {
  std::set<pid_t> out;
  for (const auto& p : all_processes()) {
    if (p.state == 'Z' || p.state == 'X' || p.pid == ::getpid()) continue;
    std::error_code ec;
    const std::string cwd =
        std::filesystem::read_symlink("/proc/" + std::to_string(p.pid) + "/cwd", ec).string();
    if (!contains(cmdline_of(p.pid), marker) && !contains(cwd, marker)) continue;
    if (leaders_only && session_of(p.pid) != p.pid) continue;
    out.insert(p.pid);
  }
  return out;
}

inline std::string describe(const std::set<pid_t>& pids) {
  std::string out;
  for (pid_t p : pids) out += "\n  " + std::to_string(p) + ": " + cmdline_of(p);
  return out;
}

// Kills, at scope exit, every session bgod started with `marker` that is still alive, even one
// no state file names any more (the harness kills only what procs/ records).
class KillMarkedOnExit {
 public:
  explicit KillMarkedOnExit(std::string marker) : marker_(std::move(marker)) {}
  ~KillMarkedOnExit() {
    for (pid_t p : marked(marker_, true)) {
      ::kill(-p, SIGKILL);
      ::kill(p, SIGKILL);
    }
  }
  KillMarkedOnExit(const KillMarkedOnExit&) = delete;
  KillMarkedOnExit& operator=(const KillMarkedOnExit&) = delete;

 private:
  std::string marker_;
};

// The pipe keeper (`bgod --keep-pipes`) that `daemon` started, 0 if none.
inline pid_t keeper_of(pid_t daemon) {
  for (const auto& p : all_processes()) {
    if (p.ppid == daemon && p.state != 'Z' &&
        cmdline_of(p.pid).find("--keep-pipes") != std::string::npos) {
      return p.pid;
    }
  }
  return 0;
}

// bgod's descriptors once it is idle, for a bgod with no child running: no client connection
// (its sockets are the listening one and the one to its pipe keeper, if any) and no pipe.
inline std::vector<int> settled_daemon_fds(pid_t daemon) {
  std::vector<int> fds;
  wait_until(
      [&] {
        fds = open_fds(daemon);
        const auto sockets = std::count_if(fds.begin(), fds.end(), [&](int fd) {
          return fd_target(daemon, fd).rfind("socket:", 0) == 0;
        });
        const bool pipes = std::any_of(fds.begin(), fds.end(), [&](int fd) {
          return fd_target(daemon, fd).rfind("pipe:", 0) == 0;
        });
        return !pipes && sockets <= (keeper_of(daemon) != 0 ? 2 : 1);
      },
      std::chrono::seconds(2));
  return fds;
}

// Live bgod processes serving `home` (their environment names it; the binary is ours),
// pipe keepers excepted.
inline std::vector<pid_t> daemons_for(const std::filesystem::path& home) {
  std::vector<pid_t> out;
  const std::string want_env = "BGO_HOME=" + home.string();
  const std::string want_exe = std::filesystem::weakly_canonical(bin("bgod")).string();
  for (const auto& p : all_processes()) {
    if (p.state == 'Z' || p.state == 'X') continue;
    std::error_code ec;
    std::string exe =
        std::filesystem::read_symlink("/proc/" + std::to_string(p.pid) + "/exe", ec).string();
    if (ec || exe.rfind(want_exe, 0) != 0) continue;
    if (cmdline_of(p.pid).find("--keep-pipes") != std::string::npos) continue;
    const std::string env = read_file("/proc/" + std::to_string(p.pid) + "/environ");
    size_t pos = 0;
    while (pos < env.size()) {
      const size_t end = env.find('\0', pos);
      const std::string kv = env.substr(pos, end == std::string::npos ? end : end - pos);
      if (kv == want_env) {
        out.push_back(p.pid);
        break;
      }
      if (end == std::string::npos) break;
      pos = end + 1;
    }
  }
  return out;
}

// Runs `fn(i)` for i in [0, n) on n threads at once and waits for all.
inline void in_parallel(size_t n, const std::function<void(size_t)>& fn) {
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (size_t i = 0; i < n; ++i) threads.emplace_back([&fn, i] { fn(i); });
  for (auto& t : threads) t.join();
}

}  // namespace bgo::test
