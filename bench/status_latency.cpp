// SPDX-License-Identifier: MIT
// Wall time of `bgo status --json` (and the table) with N registered processes (issue #5:
// median <= 5 ms at N = 100). Method and results: bench/README.md.
//
//   bench_status_latency [--procs N] [--runs R] [--bin-dir DIR]
//
// Starts a private bgod (fresh BGO_HOME), registers N `bgo_test_child` processes that sleep
// forever (started in parallel), then runs each measured command R times after 20 warm-up
// runs, one at a time, stdout into a pipe that is read to the end (as a shell or the
// completion scripts would), and prints min / median / p90 / p99 / max of the wall time from
// posix_spawn to waitpid. It also times the `list` RPC alone over the socket, to separate
// bgod's share (the /proc reads for CPU, memory and uptime) from the client's start-up.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

struct Env {
  std::vector<std::string> strings;
  std::vector<char*> pointers;
  explicit Env(const std::string& home) {
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string_view kv(*e);
      if (kv.starts_with("BGO_") || kv.starts_with("COLUMNS=")) continue;
      strings.emplace_back(kv);
    }
    strings.push_back("BGO_HOME=" + home);
    for (auto& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
  }
};

// Spawns argv with stdout on a pipe; returns the pid and the read end.
pid_t spawn(const std::vector<std::string>& args, Env& env, int& out_fd) {
  std::vector<std::string> argv_s = args;
  std::vector<char*> argv;
  argv.reserve(argv_s.size() + 1);
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipe_fds[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), env.pointers.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    return -1;
  }
  out_fd = pipe_fds[0];
  return pid;
}

// Reads everything, reaps; returns the exit code (-1 on failure) and the output.
int finish(pid_t pid, int fd, std::string* output) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    if (output != nullptr) output->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run(const std::vector<std::string>& args, Env& env, std::string* output = nullptr) {
  int fd = -1;
  const pid_t pid = spawn(args, env, fd);
  if (pid < 0) return -1;
  return finish(pid, fd, output);
}

struct Stats {
  double min, median, p90, p99, max;
};

Stats stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))];
  };
  return {ms.front(), pct(0.5), pct(0.9), pct(0.99), ms.back()};
}

void print(const char* what, const Stats& s) {
  std::printf("%-28s min %6.2f  median %6.2f  p90 %6.2f  p99 %6.2f  max %6.2f  (ms)\n", what, s.min,
              s.median, s.p90, s.p99, s.max);
}

Stats time_command(const std::vector<std::string>& args, Env& env, int runs) {
  for (int i = 0; i < 20; ++i) run(args, env);
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    const int code = run(args, env);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (code != 0) std::cerr << "warning: exit code " << code << "\n";
  }
  return stats(ms);
}

// One `list` request on a fresh connection, as the client makes it; the reply read to its end.
bool list_rpc(const std::string& socket_path, size_t& reply_bytes) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return false;
  }
  const std::string request = R"({"jsonrpc":"2.0","id":1,"method":"list"})"
                              "\n";
  (void)!::write(fd, request.data(), request.size());
  std::string reply;
  char buf[65536];
  while (reply.empty() || reply.back() != '\n') {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  reply_bytes = reply.size();
  return !reply.empty() && reply.back() == '\n';
}

}  // namespace

int main(int argc, char** argv) {
  int procs = 100;
  int runs = 200;
  std::string bin_dir = BGO_BIN_DIR;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--procs" && i + 1 < argc) {
      procs = int(std::strtol(argv[++i], nullptr, 10));
    } else if (a == "--runs" && i + 1 < argc) {
      runs = int(std::strtol(argv[++i], nullptr, 10));
    } else if (a == "--bin-dir" && i + 1 < argc) {
      bin_dir = argv[++i];
    } else {
      std::cerr << "usage: " << argv[0] << " [--procs N] [--runs R] [--bin-dir DIR]\n";
      return 2;
    }
  }
  char tmpl[] = "/tmp/bgo-bench-status-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  const std::string home = std::string(tmpl) + "/home";
  Env env(home);
  const std::string bgo = bin_dir + "/bgo";
  const std::string child = bin_dir + "/bgo_test_child";

  if (run({bgo, "daemon", "start"}, env) != 0) {
    std::cerr << "cannot start bgod\n";
    return 1;
  }
  // Register the processes, many starts in flight at once (each waits for its 100 ms probe).
  const auto t0 = Clock::now();
  for (int base = 0; base < procs; base += 50) {
    std::vector<std::pair<pid_t, int>> pending;
    for (int i = base; i < std::min(procs, base + 50); ++i) {
      int fd = -1;
      const pid_t pid = spawn({bgo, "start", "p" + std::to_string(1000 + i), "--", child}, env, fd);
      if (pid > 0) pending.emplace_back(pid, fd);
    }
    for (auto [pid, fd] : pending) {
      if (finish(pid, fd, nullptr) != 0) std::cerr << "warning: a start failed\n";
    }
  }
  std::string listing;
  run({bgo, "status", "--json"}, env, &listing);
  size_t online = 0;
  for (size_t at = listing.find("\"online\""); at != std::string::npos;
       at = listing.find("\"online\"", at + 1)) {
    ++online;
  }
  std::printf("bgo status latency: %d processes registered (%zu online) in %.1f s, %d runs each\n",
              procs, online, std::chrono::duration<double>(Clock::now() - t0).count(), runs);
  std::printf("`bgo status --json` output: %zu bytes\n", listing.size());

  print("bgo status --json", time_command({bgo, "status", "--json"}, env, runs));
  print("bgo status (plain table)", time_command({bgo, "status"}, env, runs));
  const std::string middle = "p" + std::to_string(1000 + procs / 2);
  print("bgo status NAME (detail)", time_command({bgo, "status", middle}, env, runs));
  print("bgo --version (no daemon)", time_command({bgo, "--version"}, env, runs));
  {
    std::vector<double> ms;
    size_t bytes = 0;
    for (int i = 0; i < 20; ++i) list_rpc(home + "/bgo.sock", bytes);
    for (int i = 0; i < runs; ++i) {
      const auto t = Clock::now();
      if (!list_rpc(home + "/bgo.sock", bytes)) std::cerr << "warning: list failed\n";
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
    }
    print("list RPC alone (connect+reply)", stats(ms));
  }

  run({bgo, "daemon", "stop"}, env);
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  return 0;
}
