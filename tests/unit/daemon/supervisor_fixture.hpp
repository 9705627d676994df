// SPDX-License-Identifier: MIT
// The Supervisor over fake ports, a fake clock and fake timers, for the daemon's unit tests.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/core/supervisor.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/fake_ports.hpp"
#include "tests/support/fake_timers.hpp"

namespace bgo::daemon {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Lines = std::vector<std::string>;

class SupervisorTest : public ::testing::Test {
 protected:
  // Starts `name` watched and answers the start probe. Returns its pid.
  pid_t start_watched(const std::string& name, std::string mode = "backoff",
                      int64_t min_uptime = 2) {
    StartParams p = params(name);
    p.watch = true;
    p.min_uptime = min_uptime;
    p.on_fast_crash = std::move(mode);
    return start(std::move(p));
  }

  pid_t start_plain(const std::string& name) { return start(params(name)); }

  pid_t start(StartParams p) {
    std::optional<Result<StartOutcome>> answer;
    sup.start(std::move(p), [&](Result<StartOutcome> r) { answer = std::move(r); });
    spawned_at = clock.now();
    EXPECT_FALSE(answer.has_value()) << "answered before the start probe";
    EXPECT_TRUE(timers.fire_next());  // the 100 ms start probe
    EXPECT_TRUE(answer.has_value() && answer->has_value());
    return answer && *answer ? (*answer)->pid : 0;
  }

  static StartParams params(const std::string& name) {
    StartParams p;
    p.name = name;
    p.command = {"/bin/app", "--serve"};
    p.cwd = "/srv";
    p.env = make_env({"PATH=/bin"});
    return p;
  }

  // Lets the process run until `uptime` after its spawn (firing any timer due before), then
  // reports its exit and the end of its output, as the reaper and the log sink would.
  void exit_at(pid_t pid, milliseconds uptime, int code = 1) {
    timers.advance(spawned_at + uptime - clock.now());
    exit_now(pid, code);
  }

  void exit_now(pid_t pid, int code = 1) {
    processes.live.erase(pid);
    sup.on_exit(pid, ExitStatus::exited(code));
    sup.on_output_closed(pid);
    sup.on_output_closed(pid);
  }

  // Fires the pending watch restart; returns the new pid and how long the wait was.
  std::pair<pid_t, milliseconds> fire_restart() {
    const Clock::time_point before = clock.now();
    const size_t spawns = processes.spawn_count();
    EXPECT_TRUE(timers.fire_next());
    EXPECT_EQ(processes.spawn_count(), spawns + 1);
    spawned_at = clock.now();
    return {processes.last_pid(), std::chrono::duration_cast<milliseconds>(clock.now() - before)};
  }

  const ProcessRecord& record(const std::string& name) { return store.at(name); }
  const WatchBlock& block(const std::string& name) { return *store.at(name).watch; }
  Snapshot snapshot(const std::string& name) { return sup.get(name).value(); }

  test::FakeClock clock;
  test::FakeTimers timers{clock};
  test::FakeProcessPort processes;
  test::FakeStore store;
  test::FakeLogs logs;
  test::FakeEvents events;
  test::FakeProbes probes;  // handed to `sup` by the health tests only
  test::FakeNotify notify;
  Supervisor sup{processes, store, logs, timers, clock, events, SupervisorSettings{}};
  Clock::time_point spawned_at{};
};

}  // namespace bgo::daemon
