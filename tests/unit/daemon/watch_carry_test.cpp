// SPDX-License-Identifier: MIT
// A live upgrade carries watch state the state files do not hold (Supervisor::watch_carry,
// resume_watch): a pending restart keeps its deadline, a fast-crash streak goes on.
#include <memory>

#include "tests/unit/daemon/supervisor_fixture.hpp"

namespace bgo::daemon {
namespace {

class WatchCarryTest : public SupervisorTest {
 protected:
  // The image before the upgrade, over the same fakes; `sup` is the image after it.
  std::unique_ptr<Supervisor> old = std::make_unique<Supervisor>(
      processes, store, logs, timers, clock, events, SupervisorSettings{});

  pid_t old_start(const std::string& name) {
    StartParams p = params(name);
    p.watch = true;
    p.min_uptime = 2;
    p.on_fast_crash = "backoff";
    std::optional<Result<StartOutcome>> answer;
    old->start(std::move(p), [&](Result<StartOutcome> r) { answer = std::move(r); });
    spawned_at = clock.now();
    EXPECT_TRUE(timers.fire_next());  // the start probe
    return answer && *answer ? (*answer)->pid : 0;
  }

  void old_exit(pid_t pid) {
    processes.live.erase(pid);
    old->on_exit(pid, ExitStatus::exited(1));
    old->on_output_closed(pid);
    old->on_output_closed(pid);
  }

  // The exec, taking `during`: the old image's timers die with it; the new one loads the
  // state files.
  void upgrade(const std::vector<WatchCarry>& carried, milliseconds during) {
    old.reset();
    timers.advance(during);
    std::vector<ProcessRecord> records;
    for (const auto& [name, record] : store.records) records.push_back(record);
    sup.load(std::move(records), {});
    sup.resume_watch(carried);
  }
};

TEST_F(WatchCarryTest, APendingRestartKeepsItsDeadline) {
  const pid_t pid = old_start("api");
  timers.advance(milliseconds{500});
  old_exit(pid);
  const Clock::time_point exited = clock.now();
  const std::vector<WatchCarry> carried = old->watch_carry();
  ASSERT_EQ(carried.size(), 1u);
  EXPECT_EQ(carried[0].name, "api");
  EXPECT_EQ(carried[0].streak, 1);
  ASSERT_TRUE(carried[0].restart_at.has_value());
  EXPECT_EQ(*carried[0].restart_at, exited + seconds{2});
  EXPECT_EQ(old->settling_count(), 0u);  // a backoff does not hold an upgrade back

  upgrade(carried, milliseconds{700});
  const size_t spawns = processes.spawn_count();
  ASSERT_TRUE(timers.fire_next());
  EXPECT_EQ(clock.now(), exited + seconds{2});  // the same deadline, not 2 s after the upgrade
  EXPECT_EQ(processes.spawn_count(), spawns + 1);
  EXPECT_TRUE(snapshot("api").online);
  EXPECT_EQ(logs.lines("api").back(),
            "restart #1 pid=" + std::to_string(processes.last_pid()) + " (prev uptime 0.60s)");

  // The streak went on: the next fast crash is the second step, 4 s.
  spawned_at = clock.now();
  exit_at(processes.last_pid(), milliseconds{300});
  EXPECT_EQ(timers.next_delay(), milliseconds{4000});
  EXPECT_EQ(logs.lines("api").back(), "backoff sleep 4s (step 2/3)");
}

TEST_F(WatchCarryTest, ADeadlinePassedDuringTheUpgradeRestartsAtOnce) {
  const pid_t pid = old_start("b");
  timers.advance(milliseconds{100});
  old_exit(pid);
  const std::vector<WatchCarry> carried = old->watch_carry();
  upgrade(carried, seconds{5});
  EXPECT_FALSE(snapshot("b").online);
  EXPECT_LE(timers.next_delay(), milliseconds{0});  // due already: the next turn of the loop
  ASSERT_TRUE(timers.fire_next());
  EXPECT_TRUE(snapshot("b").online);
}

TEST_F(WatchCarryTest, TheStreakOfARunningChildGoesOn) {
  const pid_t first = old_start("a");
  timers.advance(milliseconds{100});
  old_exit(first);
  ASSERT_TRUE(timers.fire_next());  // restarted after 2 s: streak 1, running
  const pid_t second = processes.last_pid();
  const std::vector<WatchCarry> carried = old->watch_carry();
  ASSERT_EQ(carried.size(), 1u);
  EXPECT_EQ(carried[0].streak, 1);
  EXPECT_FALSE(carried[0].restart_at.has_value());
  upgrade(carried, milliseconds{100});
  EXPECT_TRUE(snapshot("a").online);
  exit_now(second);  // a fast crash again: the second of the streak
  EXPECT_EQ(logs.lines("a").back(), "backoff sleep 4s (step 2/3)");
}

TEST_F(WatchCarryTest, HeldRestartsWaitInBackoffAndRunWhenReleased) {
  StartParams p = params("loop");
  p.watch = true;
  p.min_uptime = 0;  // every exit restarts at once
  const pid_t pid = start(std::move(p));
  sup.hold_restarts(true);
  timers.advance(milliseconds{150});
  exit_now(pid, 3);
  const size_t spawns = processes.spawn_count();
  while (timers.fire_next()) {
  }
  EXPECT_EQ(processes.spawn_count(), spawns);  // held
  EXPECT_EQ(sup.settling_count(), 0u);
  const std::vector<WatchCarry> carried = sup.watch_carry();
  ASSERT_EQ(carried.size(), 1u);
  ASSERT_TRUE(carried[0].restart_at.has_value());
  EXPECT_EQ(*carried[0].restart_at, clock.now());  // due: the next image restarts it at once
  sup.hold_restarts(false);                        // the upgrade failed: this image restarts it now
  ASSERT_TRUE(timers.fire_next());
  EXPECT_EQ(processes.spawn_count(), spawns + 1);
  EXPECT_TRUE(snapshot("loop").online);
}

TEST_F(WatchCarryTest, ACrashLoopIsHeldBackInTheNextImageAsInThisOne) {
  StartParams p = params("loop");
  p.watch = true;
  p.min_uptime = 0;  // every exit restarts at once, but more than 10 a second wait 100 ms
  std::optional<Result<StartOutcome>> answer;
  old->start(std::move(p), [&](Result<StartOutcome> r) { answer = std::move(r); });
  ASSERT_TRUE(timers.fire_next());  // the start probe
  ASSERT_TRUE(answer && *answer);
  for (int i = 0; i < 10; ++i) {
    timers.advance(milliseconds{20});
    const size_t spawns = processes.spawn_count();
    old_exit(processes.last_pid());
    ASSERT_EQ(processes.spawn_count(), spawns + 1) << "restart " << i + 1 << " held back";
  }
  const std::vector<WatchCarry> carried = old->watch_carry();
  ASSERT_EQ(carried.size(), 1u);
  EXPECT_EQ(carried[0].recent_restarts.size(), 10u);

  upgrade(carried, milliseconds{20});
  ASSERT_TRUE(snapshot("loop").online);
  exit_now(processes.last_pid());
  // The eleventh restart within a second: held back 100 ms, as the old image would have.
  EXPECT_EQ(timers.next_delay(), milliseconds{100});
}

}  // namespace
}  // namespace bgo::daemon
