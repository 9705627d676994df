// SPDX-License-Identifier: MIT
// Crash storm (issue #18): N watched processes that each exit every LIFE ms, under one bgod.
// How long until each is running again (median and p99), bgod's CPU share, and whether any
// event or log line was lost. Method and results: bench/README.md.
//
//   bench_crash_storm [--processes N] [--life MS] [--seconds S] [--bin-dir DIR]
//
// Starts a private bgod (fresh BGO_HOME), subscribes to its events, starts N
// `bgo_test_child --print-times --after LIFE` with `bgo start -w --min-uptime 0 --from LIST`
// (every exit is a normal one: restarted at once), lets the storm run S seconds, stops bgod
// (which stops every child and drains its output), then counts the events and log lines.
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
#include <thread>
#include <unistd.h>
#include <vector>

#include "bench/bench_support.hpp"
#include "tests/support/event_stream.hpp"

namespace bench = bgo::bench;

extern char** environ;

namespace {

using bench::Clock;
using bench::cpu_ticks;
using bench::read_text;
using bench::report;
using bench::rss_kib;
using bench::to_ms;
namespace fs = std::filesystem;

struct Tally {
  long spawned = 0, exited = 0, stopped = 0, out_of_order = 0;
  long cancelled = 0;  // the stop came between an exit and its restart: no `stopped` then
  std::vector<double> event_gap;  // exited -> spawned of the same name, as received
  std::map<std::string, std::vector<Clock::time_point>> respawned;  // name -> restarts' spawned
};

// Per name, the events must go spawned, (exited, restart_scheduled, spawned)*, stopped.
Tally tally(const std::vector<bgo::test::EventStream::Event>& events) {
  Tally t;
  std::map<std::string, std::pair<std::string, Clock::time_point>> last;  // name -> kind, at
  for (const auto& e : events) {
    const std::string kind = e.kind();
    const std::string name(e.params.at("name").as_string());
    auto& [prev, at] = last[name];
    if (kind == "spawned") {
      ++t.spawned;
      if (prev == "restart_scheduled") {
        t.event_gap.push_back(to_ms(e.at - at));
        t.respawned[name].push_back(e.at);
      } else if (!prev.empty()) {
        ++t.out_of_order;
      }
    } else if (kind == "exited") {
      ++t.exited;
      if (prev != "spawned") ++t.out_of_order;
    } else if (kind == "restart_scheduled") {
      if (prev != "exited") ++t.out_of_order;
      prev = kind;  // keeps the exit's time: the gap runs from the exit
      continue;
    } else if (kind == "stopped") {
      ++t.stopped;
      if (prev != "spawned") ++t.out_of_order;
    } else {
      ++t.out_of_order;  // errored, backoff...: not expected in this storm
    }
    prev = kind;
    at = e.at;
  }
  for (const auto& [name, kind_at] : last)
    t.cancelled += kind_at.first == "restart_scheduled" ? 1 : 0;
  return t;
}

// The children's own lines: one `started=` per run and one `exiting=` per exit of its own;
// the gap from an `exiting=` to the next `started=` is the respawn gap as the children see it.
struct Lines {
  long started = 0, exiting = 0;
  std::vector<double> exit_to_main;
  std::map<std::string, std::vector<long long>> exits;  // name -> `exiting=` times (ns)
};

Lines read_logs(const fs::path& logs, int processes) {
  Lines l;
  for (int i = 1; i <= processes; ++i) {
    const std::string name = "s" + std::to_string(i);
    std::istringstream in(read_text(logs / (name + ".out.log")));
    long long exiting_at = -1;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("started=", 0) == 0) {
        ++l.started;
        const long long t = std::stoll(line.substr(8));
        if (exiting_at >= 0) l.exit_to_main.push_back(static_cast<double>(t - exiting_at) / 1e6);
        exiting_at = -1;
      } else if (line.rfind("exiting=", 0) == 0) {
        ++l.exiting;
        exiting_at = std::stoll(line.substr(8));
        l.exits[name].push_back(exiting_at);
      }
    }
  }
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  int processes = 1000;
  int life_ms = 3000;
  int seconds = 30;
  std::string bin_dir = BGO_BIN_DIR;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : "";
    if (a == "--processes") {
      processes = int(std::strtol(v, nullptr, 10)), ++i;
    } else if (a == "--life") {
      life_ms = int(std::strtol(v, nullptr, 10)), ++i;
    } else if (a == "--seconds") {
      seconds = int(std::strtol(v, nullptr, 10)), ++i;
    } else if (a == "--bin-dir") {
      bin_dir = v, ++i;
    } else {
      std::cerr << "usage: " << argv[0]
                << " [--processes N] [--life MS] [--seconds S] [--bin-dir DIR]\n";
      return 2;
    }
  }
  char tmpl[] = "/tmp/bgo-bench-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  const fs::path home = fs::path(tmpl) / "home";
  const std::string bgo = bin_dir + "/bgo";
  const std::vector<std::string> env = bench::bench_env(home.string());
  auto run = [&env](const std::vector<std::string>& args) { return bench::run_command(args, env); };
  if (run({bgo, "daemon", "start"}) != 0) {
    std::cerr << "cannot start bgod\n";
    return 1;
  }
  const pid_t daemon = static_cast<pid_t>(std::stol(read_text(home / "bgod.pid")));
  int rc = 0;
  std::vector<bgo::test::EventStream::Event> events;
  long ticks = 0, rss_before = 0, rss_after = 0;
  double wall_s = 0;
  {
    bgo::test::EventStream stream(home / "bgo.sock");
    const fs::path list = fs::path(tmpl) / "list";
    {
      std::ofstream out(list);
      for (int i = 1; i <= processes; ++i) {
        out << "s" << i << " -- " << bin_dir << "/bgo_test_child --print-times --after " << life_ms
            << "\n";
      }
    }
    if (!stream.ok()) {
      std::cerr << "cannot subscribe\n";
      rc = 1;
    } else if (run({bgo, "start", "-w", "--min-uptime", "0", "--from", list.string()}) != 0) {
      std::cerr << "cannot start the children\n";
      rc = 1;
    } else {
      rss_before = rss_kib(daemon);
      const long ticks_before = cpu_ticks(daemon);
      const auto began = Clock::now();
      std::this_thread::sleep_for(std::chrono::seconds(seconds));
      ticks = cpu_ticks(daemon) - ticks_before;
      wall_s = std::chrono::duration<double>(Clock::now() - began).count();
      rss_after = rss_kib(daemon);
    }
    // Stops every child and drains its output into the logs before bgod exits. (`unwatch` of
    // each first would avoid a stop racing an exit, but 1,000 of them under the storm take
    // minutes: each answers once its state is on disk, behind the storm's own writes.)
    if (run({bgo, "daemon", "stop"}) != 0) {
      std::cerr << "daemon stop failed\n";
      rc = 1;
    }
    events = stream.events();
  }
  if (rc == 0) {
    const Tally t = tally(events);
    const Lines l = read_logs(home / "logs", processes);
    std::printf("crash storm: %d processes, each exits every %d ms, %d s (bgod pid %d)\n",
                processes, life_ms, seconds, static_cast<int>(daemon));
    report("event gap", t.event_gap);
    report("exit->main", l.exit_to_main);
    // The k-th exit of a name is the one its k-th restart follows (runs ended by the stop
    // come last, without a restart).
    std::vector<double> exit_to_event;
    for (const auto& [name, spawns] : t.respawned) {
      const auto it = l.exits.find(name);
      if (it == l.exits.end()) continue;
      for (size_t k = 0; k < spawns.size() && k < it->second.size(); ++k) {
        const Clock::time_point exit_time{std::chrono::nanoseconds(it->second[k])};
        exit_to_event.push_back(to_ms(spawns[k] - exit_time));
      }
    }
    report("exit->event", exit_to_event);
    const double share =
        static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK)) / wall_s;
    std::printf("bgod CPU     %ld ticks over %.1f s: %.1f %% of one core\n", ticks, wall_s,
                100 * share);
    std::printf("bgod RSS     %ld KiB after the start, %ld KiB after the storm\n", rss_before,
                rss_after);
    std::printf(
        "events       spawned %ld, exited %ld, stopped %ld, restart cancelled by the stop %ld, "
        "out of order %ld\n",
        t.spawned, t.exited, t.stopped, t.cancelled, t.out_of_order);
    std::printf("log lines    started= %ld, exiting= %ld\n", l.started, l.exiting);
    // A child that exits on its own while bgod stops it is reported `stopped`, not `exited`:
    // its `exiting=` line is then one of the stopped runs'.
    const bool lost = l.started != t.spawned || l.exiting < t.exited ||
                      l.exiting > t.exited + t.stopped || t.out_of_order != 0 ||
                      t.stopped + t.exited != t.spawned + t.cancelled;
    std::printf("lost         %s\n", lost ? "YES: the counts above disagree" : "none");
    if (lost) rc = 1;
  }
  std::error_code ec;
  fs::remove_all(tmpl, ec);
  return rc;
}
