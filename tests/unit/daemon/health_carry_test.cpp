// SPDX-License-Identifier: MIT
// A live upgrade carries a running child's health checks (Supervisor::watch_carry,
// resume_watch, HealthMonitor::carry and resume): a child not ready yet stays `starting` to
// the same deadline, an armed watchdog keeps its deadline, liveness failures keep counting.
// Without its notify socket (an older image) the child is taken as adopted, as before.
#include <csignal>
#include <memory>

#include "daemon/upgrade.hpp"
#include "tests/unit/daemon/supervisor_fixture.hpp"

namespace bgo::daemon {
namespace {

class HealthCarryTest : public SupervisorTest {
 protected:
  HealthCarryTest() {
    old->set_health_ports(&probes, &old_notify);
    sup.set_health_ports(&probes, &notify);
  }

  static HealthCheck check(CheckKind kind, int64_t timeout_ms = 10000) {
    HealthCheck c;
    c.kind = kind;
    c.timeout_ms = timeout_ms;
    if (kind == CheckKind::exec) c.command = {"/bin/check"};
    return c;
  }

  // Starts `p` in the image before the upgrade and answers its start probe.
  pid_t old_start(StartParams p) {
    std::optional<Result<StartOutcome>> answer;
    old->start(std::move(p), [&](Result<StartOutcome> r) { answer = std::move(r); });
    spawned_at = clock.now();
    EXPECT_TRUE(timers.fire_next());  // the start probe
    return answer && *answer ? (*answer)->pid : 0;
  }

  // The exec, taking `during`: running children are handed over (still bgod's own) with the
  // notify sockets when `sockets`; the old image's timers and probes die with it; the new one
  // loads the state files, then takes the carried state through the hand-over's format.
  void upgrade(milliseconds during, bool sockets = true) {
    Handover h;
    for (const auto& w : old->watch_carry()) h.watch.push_back(handover_watch(w));
    for (const auto& c : old->own_running()) processes.handed.insert(c.pid);
    if (sockets) notify.open_now = old_notify.open_now;
    old.reset();
    timers.advance(during);
    std::vector<ProcessRecord> records;
    for (const auto& [name, record] : store.records) records.push_back(record);
    sup.load(std::move(records), {});
    sup.resume_watch(carried_watch(h));
  }

  std::optional<std::string> health(const std::string& name) {
    return snapshot(name).health.health;
  }

  test::FakeNotify old_notify;
  std::unique_ptr<Supervisor> old = std::make_unique<Supervisor>(
      processes, store, logs, timers, clock, events, SupervisorSettings{});
};

TEST_F(HealthCarryTest, NotReadyStaysStartingAndTimesOutAtTheCarriedDeadline) {
  StartParams p = params("pg");
  p.policy.ready = check(CheckKind::notify, 10000);
  const pid_t pid = old_start(std::move(p));
  const Clock::time_point deadline = spawned_at + seconds{10};
  timers.advance(seconds{3});
  old->on_notify("pg", {{"STATUS", "replaying WAL"}});
  upgrade(milliseconds{800});

  EXPECT_EQ(health("pg"), std::optional<std::string>("starting"));
  EXPECT_EQ(snapshot("pg").health.ready, std::optional<bool>(false));
  EXPECT_EQ(snapshot("pg").health.detail, std::optional<std::string>("replaying WAL"));
  EXPECT_EQ(snapshot("pg").record->pid.value_or(0), pid);
  timers.advance(deadline - clock.now() - milliseconds{1});
  EXPECT_EQ(events.count("unready"), 0U);
  EXPECT_EQ(health("pg"), std::optional<std::string>("starting"));
  timers.advance(milliseconds{1});
  EXPECT_EQ(events.count("unready"), 1U);
  EXPECT_TRUE(logs.has_line("pg", "unready: not ready after 10s (replaying WAL)"));
  ASSERT_FALSE(processes.signals.empty());
  EXPECT_EQ(processes.signals.back(), std::make_pair(pid, SIGTERM));
}

TEST_F(HealthCarryTest, NotReadyBecomesReadyOnReadyOneAfterTheUpgrade) {
  StartParams p = params("pg");
  p.policy.ready = check(CheckKind::notify);
  const pid_t pid = old_start(std::move(p));
  timers.advance(seconds{1});
  upgrade(milliseconds{500});
  EXPECT_EQ(health("pg"), std::optional<std::string>("starting"));
  EXPECT_TRUE(notify.opened.empty()) << "the handed socket is used, no new one";
  sup.on_notify("pg", {{"READY", "1"}, {"STATUS", "accepting connections"}});
  EXPECT_EQ(health("pg"), std::optional<std::string>("ready"));
  EXPECT_EQ(snapshot("pg").health.detail, std::optional<std::string>("accepting connections"));
  EXPECT_EQ(events.count("ready"), 1U);
  EXPECT_EQ(processes.spawn_count(), 1U);
  EXPECT_EQ(snapshot("pg").record->pid.value_or(0), pid);
  timers.advance(seconds{60});  // the old deadline is gone with its check
  EXPECT_EQ(events.count("unready"), 0U);
}

TEST_F(HealthCarryTest, AReadinessProbeIsTriedOnInTheNextImage) {
  StartParams p = params("web");
  HealthCheck ready = check(CheckKind::exec);
  ready.interval_ms = 1000;
  p.policy.ready = ready;
  old_start(std::move(p));
  ASSERT_TRUE(probes.answer(false, "exit 1"));  // the first attempt, at the spawn
  timers.advance(milliseconds{200});
  upgrade(milliseconds{100});
  EXPECT_EQ(health("web"), std::optional<std::string>("starting"));
  // The next attempt at its time: 1 s after the failed one, not at the upgrade.
  const size_t attempts = probes.attempts.size();
  timers.advance(milliseconds{600});
  EXPECT_EQ(probes.attempts.size(), attempts);
  timers.advance(milliseconds{100});
  ASSERT_EQ(probes.pending(), 1U);
  ASSERT_TRUE(probes.answer(true, "exit 0"));
  EXPECT_EQ(health("web"), std::optional<std::string>("ready"));
}

TEST_F(HealthCarryTest, AnArmedWatchdogKeepsItsDeadline) {
  StartParams p = params("wd");
  p.policy.ready = check(CheckKind::notify);
  p.policy.watchdog_ms = 1000;
  const pid_t pid = old_start(std::move(p));
  old->on_notify("wd", {{"READY", "1"}});
  timers.advance(milliseconds{600});
  old->on_notify("wd", {{"WATCHDOG", "1"}});
  const Clock::time_point expires = clock.now() + milliseconds{1000};
  timers.advance(milliseconds{200});
  upgrade(milliseconds{100});
  EXPECT_EQ(health("wd"), std::optional<std::string>("ready"));
  timers.advance(expires - clock.now() - milliseconds{1});
  EXPECT_EQ(events.count("unhealthy"), 0U);
  timers.advance(milliseconds{1});
  EXPECT_EQ(events.count("unhealthy"), 1U);
  EXPECT_TRUE(logs.has_line("wd", "unhealthy: no WATCHDOG=1 for 1s (watchdog); restarting"));
  timers.advance(milliseconds{0});  // the restart is deferred to the next turn
  ASSERT_FALSE(processes.signals.empty());
  EXPECT_EQ(processes.signals.back(), std::make_pair(pid, SIGTERM));
}

TEST_F(HealthCarryTest, PingsAfterTheUpgradeKeepTheWatchdogQuiet) {
  StartParams p = params("wd");
  p.policy.ready = check(CheckKind::notify);
  p.policy.watchdog_ms = 1000;
  old_start(std::move(p));
  old->on_notify("wd", {{"READY", "1"}});
  upgrade(milliseconds{300});
  for (int i = 0; i < 5; ++i) {
    sup.on_notify("wd", {{"WATCHDOG", "1"}});
    timers.advance(milliseconds{900});
  }
  EXPECT_EQ(events.count("unhealthy"), 0U);
  timers.advance(milliseconds{100});  // 1 s after the last ping
  EXPECT_EQ(events.count("unhealthy"), 1U);
}

TEST_F(HealthCarryTest, LivenessFailuresKeepCounting) {
  StartParams p = params("svc");
  HealthCheck live = check(CheckKind::exec, 500);
  live.interval_ms = 1000;
  live.failures = 3;
  p.policy.live = live;
  const pid_t pid = old_start(std::move(p));
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(timers.fire_next());
    ASSERT_TRUE(probes.answer(false, "exit 1"));
  }
  upgrade(milliseconds{100});
  EXPECT_EQ(health("svc"), std::optional<std::string>("unhealthy"));
  ASSERT_TRUE(timers.fire_next());
  ASSERT_TRUE(probes.answer(false, "exit 1"));  // the third in a row
  EXPECT_EQ(events.count("unhealthy"), 1U);
  timers.advance(milliseconds{0});
  EXPECT_EQ(processes.signals.back(), std::make_pair(pid, SIGTERM));
}

// An image that does not hand the socket over (older, of the same format): the child is taken
// as adopted, as before: ready, and no watchdog that could only expire.
TEST_F(HealthCarryTest, WithoutItsSocketTheChildIsTakenAsAdopted) {
  StartParams p = params("wd");
  p.policy.ready = check(CheckKind::notify);
  p.policy.watchdog_ms = 1000;
  old_start(std::move(p));
  upgrade(milliseconds{100}, false);
  EXPECT_EQ(snapshot("wd").health.ready, std::optional<bool>(true));
  timers.advance(seconds{30});
  EXPECT_EQ(events.count("unhealthy"), 0U);
  EXPECT_EQ(events.count("unready"), 0U);
}

}  // namespace
}  // namespace bgo::daemon
