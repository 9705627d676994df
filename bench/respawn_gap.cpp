// SPDX-License-Identifier: MIT
// Exit-to-respawn gap of a watched process (issue #4): how long after a watched child exits
// does bgod have the next one running. Method and results: bench/README.md.
//
//   bench_respawn_gap [--restarts N] [--life MS] [--bin-dir DIR] [--no-fsync]
//
// Starts a private bgod (fresh BGO_HOME), subscribes to its events, starts
// `bgo_test_child --print-times --after MS` with `-w --min-uptime 0` (every exit is a normal
// one: restarted at once), lets it be restarted N times, and prints the distribution of
//   event gap:  `exited` event -> `spawned` event, as received by the subscriber;
//   exit->event: the child's last printf before exit() -> the `spawned` event;
//   exit->main:  the child's last printf -> the next child's first printf in main();
//   spawn->main: baseline without bgod, posix_spawn of the same child by the bench -> its
//                first printf (exec + dynamic loading): exit->main minus this is bgod's share.
// All three use CLOCK_MONOTONIC (steady_clock), which is system-wide on Linux.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "bench/bench_support.hpp"
#include "tests/support/event_stream.hpp"

namespace bench = bgo::bench;

extern char** environ;

namespace {

using bench::Clock;
using bench::report;
using bench::to_ms;

std::vector<int64_t> printed(const std::filesystem::path& log, const std::string& key) {
  std::vector<int64_t> out;
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + "=", 0) == 0) out.push_back(std::stoll(line.substr(key.size() + 1)));
  }
  return out;
}

// Baseline without bgod: posix_spawn of the same child by this process until its main() runs.
std::vector<double> spawn_to_main(const std::string& child, int runs) {
  std::vector<double> out;
  for (int i = 0; i < runs; ++i) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) break;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    std::string a0 = child, a1 = "--print-times", a2 = "--after", a3 = "0";
    char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), nullptr};
    pid_t pid = 0;
    const auto before = Clock::now();
    const int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(fds[1]);
    std::string text;
    char buf[256];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
      text.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    if (rc != 0) break;
    ::waitpid(pid, nullptr, 0);
    const size_t at = text.find("started=");
    if (at == std::string::npos) continue;
    const Clock::time_point started{std::chrono::nanoseconds(std::stoll(text.substr(at + 8)))};
    out.push_back(to_ms(started - before));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int restarts = 200;
  int life_ms = 120;  // above 100: ten restarts a second would be held back 100 ms
  std::string bin_dir = BGO_BIN_DIR;
  bool no_fsync = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : "";
    if (a == "--restarts") {
      restarts = int(std::strtol(v, nullptr, 10)), ++i;
    } else if (a == "--life") {
      life_ms = int(std::strtol(v, nullptr, 10)), ++i;
    } else if (a == "--bin-dir") {
      bin_dir = v, ++i;
    } else if (a == "--no-fsync") {
      no_fsync = true;
    } else {
      std::cerr << "usage: " << argv[0]
                << " [--restarts N] [--life MS] [--bin-dir DIR] [--no-fsync]\n";
      return 2;
    }
  }
  char tmpl[] = "/tmp/bgo-bench-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  const std::filesystem::path home = std::filesystem::path(tmpl) / "home";
  const std::string bgo = bin_dir + "/bgo";
  // --no-fsync: bgod runs with BGO_UNSAFE_NO_FSYNC=1, the no-fsync reference (bench only).
  const std::vector<std::string> env =
      bench::bench_env(home.string(), no_fsync ? std::vector<std::string>{"BGO_UNSAFE_NO_FSYNC=1"}
                                               : std::vector<std::string>{});
  auto run = [&env](const std::vector<std::string>& args) { return bench::run_command(args, env); };

  if (run({bgo, "daemon", "start"}) != 0) {
    std::cerr << "cannot start bgod\n";
    return 1;
  }
  int rc = 0;
  {
    bgo::test::EventStream events(home / "bgo.sock");
    if (!events.ok()) {
      std::cerr << "cannot subscribe\n";
      rc = 1;
    } else if (run({bgo, "start", "-w", "--min-uptime", "0", "gap", "--",
                    bin_dir + "/bgo_test_child", "--print-times", "--after",
                    std::to_string(life_ms)}) != 0) {
      std::cerr << "cannot start the child\n";
      rc = 1;
    } else {
      // restarts + 1 spawns: the first start and N watch restarts.
      const bool done = events.wait_for_count(
          "spawned", static_cast<size_t>(restarts) + 1,
          std::chrono::milliseconds(static_cast<int64_t>(restarts) * (life_ms + 500) + 10000));
      if (!done) {
        std::cerr << "timed out waiting for " << restarts << " restarts\n";
        rc = 1;
      }
    }
    run({bgo, "stop", "gap"});
    if (rc == 0) {
      // Pair every `exited` with the `spawned` that follows it.
      std::vector<Clock::time_point> exited_at, spawned_at;
      for (const auto& e : events.events()) {
        if (e.kind() == "exited") exited_at.push_back(e.at);
        if (e.kind() == "spawned") spawned_at.push_back(e.at);
      }
      const auto log = home / "logs" / "gap.out.log";
      const std::vector<int64_t> exits = printed(log, "exiting");
      const std::vector<int64_t> starts = printed(log, "started");
      std::vector<double> event_gap, exit_to_event, exit_to_main;
      for (size_t k = 0; k < static_cast<size_t>(restarts); ++k) {
        if (k + 1 < spawned_at.size() && k < exited_at.size())
          event_gap.push_back(to_ms(spawned_at[k + 1] - exited_at[k]));
        if (k + 1 < spawned_at.size() && k < exits.size()) {
          const Clock::time_point exit_time{std::chrono::nanoseconds(exits[k])};
          exit_to_event.push_back(to_ms(spawned_at[k + 1] - exit_time));
        }
        if (k + 1 < starts.size() && k < exits.size())
          exit_to_main.push_back(static_cast<double>(starts[k + 1] - exits[k]) / 1e6);
      }
      std::printf("respawn gap over %d watch restarts (child lives %d ms, --min-uptime 0%s)\n",
                  restarts, life_ms, no_fsync ? ", no fsync" : "");
      report("event gap", event_gap);
      report("exit->event", exit_to_event);
      report("exit->main", exit_to_main);
      report("spawn->main", spawn_to_main(bin_dir + "/bgo_test_child", 100));
    }
  }
  run({bgo, "daemon", "stop"});
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  return rc;
}
