// SPDX-License-Identifier: MIT
// Health and order (docs/health.md) over fake ports and a fake clock: readiness and its
// timeout, liveness, the watchdog, dependencies with every condition, restart and stop
// policies, stops in dependency order, the cron schedule.
#include <csignal>

#include "tests/unit/daemon/supervisor_fixture.hpp"

namespace bgo::daemon {
namespace {

class HealthTest : public SupervisorTest {
 protected:
  HealthTest() { sup.set_health_ports(&probes, &notify); }

  static HealthCheck check(CheckKind kind, std::string target, int64_t timeout_ms = 60000) {
    HealthCheck c;
    c.kind = kind;
    c.target = std::move(target);
    c.timeout_ms = timeout_ms;
    if (kind == CheckKind::exec) c.command = {"/bin/check"};
    return c;
  }

  // Starts `p` and returns the answer, firing the start probe when a process was spawned.
  Result<StartOutcome> start_answer(StartParams p) {
    std::optional<Result<StartOutcome>> answer;
    const size_t spawns = processes.spawn_count();
    sup.start(std::move(p), [&](Result<StartOutcome> r) { answer = std::move(r); });
    spawned_at = clock.now();
    if (!answer && processes.spawn_count() > spawns) {
      timers.advance(milliseconds(100));  // the start probe
    }
    EXPECT_TRUE(answer.has_value());
    return answer ? std::move(*answer) : make_error(Errc::internal, "no answer");
  }

  // Runs whatever is due now (the deferred dependency recheck, deferred restarts).
  void settle() { timers.advance(milliseconds(0)); }

  Phase phase(const std::string& name) { return snapshot(name).phase; }
};

// ---- readiness ------------------------------------------------------------------------------

TEST_F(HealthTest, ALogCheckIsReadyOnTheLineEvenWhenItArrivesInPieces) {
  StartParams p = params("db");
  p.policy.ready = check(CheckKind::log, "listen(ing)? on \\d+");
  start(std::move(p));
  EXPECT_EQ(snapshot("db").health.ready, std::optional<bool>(false));
  EXPECT_EQ(snapshot("db").health.health, std::optional<std::string>("starting"));
  ASSERT_TRUE(sup.wants_output("db"));
  sup.on_output("db", "booting\nlisten");
  EXPECT_EQ(snapshot("db").health.ready, std::optional<bool>(false));
  sup.on_output("db", "ing on 5432\n");
  EXPECT_EQ(snapshot("db").health.ready, std::optional<bool>(true));
  EXPECT_EQ(snapshot("db").health.health, std::optional<std::string>("ready"));
  EXPECT_EQ(events.count("ready"), 1U);
  EXPECT_FALSE(sup.wants_output("db")) << "no more matching once ready";
  EXPECT_FALSE(timers.next_deadline().has_value()) << "the readiness deadline is disarmed";
}

TEST_F(HealthTest, AProbeIsTriedEveryIntervalUntilItPasses) {
  StartParams p = params("web");
  p.policy.ready = check(CheckKind::http, "http://127.0.0.1:8080/health");
  p.policy.ready->interval_ms = 500;
  start(std::move(p));
  ASSERT_EQ(probes.pending(), 1U);
  EXPECT_EQ(probes.attempts[0]->spec.kind, ProbeKind::http);
  EXPECT_EQ(probes.attempts[0]->spec.target, "http://127.0.0.1:8080/health");
  const auto first = clock.now();
  ASSERT_TRUE(probes.answer(false, "connection refused"));
  EXPECT_EQ(snapshot("web").health.detail, std::optional<std::string>("connection refused"));
  EXPECT_EQ(timers.next_delay(), milliseconds(500));
  timers.fire_next();
  EXPECT_EQ(clock.now() - first, milliseconds(500));
  ASSERT_EQ(probes.pending(), 1U);
  ASSERT_TRUE(probes.answer(true, "HTTP 200"));
  EXPECT_EQ(snapshot("web").health.ready, std::optional<bool>(true));
}

TEST_F(HealthTest, AReadinessTimeoutStopsTheRunAndCountsAsAFastCrash) {
  StartParams p = params("api");
  p.watch = true;
  p.policy.ready = check(CheckKind::tcp, "127.0.0.1:9", 3000);
  p.policy.ready->interval_ms = 1000;
  const pid_t pid = start(std::move(p));
  // Every attempt fails; at 3 s the check gives up.
  while (clock.now() - spawned_at < seconds(3)) {
    if (probes.pending() > 0) {
      probes.answer(false, "connection refused");
    } else {
      ASSERT_TRUE(timers.fire_next());
    }
  }
  EXPECT_EQ(events.count("unready"), 1U);
  ASSERT_FALSE(processes.signals.empty());
  EXPECT_EQ(processes.signals.back(), std::make_pair(pid, SIGTERM));
  EXPECT_EQ(probes.pending(), 0U);
  // Its exit goes through the watch policy as a fast crash although it ran for 3 s.
  exit_now(pid, 143);
  EXPECT_TRUE(logs.has_line("api", "unready: not ready after 3s (connection refused)"));
  EXPECT_TRUE(logs.has_line("api", "fast-crash"));
  EXPECT_EQ(events.count("restart_scheduled"), 1U);
  EXPECT_EQ(events.events.back().delay_ms, std::optional<int64_t>(2000));
}

TEST_F(HealthTest, AnUnwatchedProcessThatIsNeverReadyIsRecordedCrashed) {
  StartParams p = params("once");
  p.policy.ready = check(CheckKind::log, "never", 2000);
  const pid_t pid = start(std::move(p));
  timers.advance(seconds(2));
  EXPECT_EQ(events.count("unready"), 1U);
  exit_now(pid, 143);
  EXPECT_EQ(record("once").stop_reason, std::optional<StopReason>(StopReason::crashed));
  EXPECT_EQ(snapshot("once").health.detail.value_or("").rfind("not ready after 2s", 0), 0U);
  EXPECT_EQ(events.count("spawned"), 1U);
}

TEST_F(HealthTest, NotifyGivesTheChildASocketAndReadyOneMakesItReady) {
  StartParams p = params("pg");
  p.policy.ready = check(CheckKind::notify, "");
  start(std::move(p));
  ASSERT_EQ(notify.opened, std::vector<std::string>{"pg"});
  const auto& env = processes.spawns.back().env;
  EXPECT_NE(std::find(env.begin(), env.end(), "NOTIFY_SOCKET=/run/notify/pg"), env.end());
  sup.on_notify("pg", {{"STATUS", "recovering"}});
  EXPECT_EQ(snapshot("pg").health.detail, std::optional<std::string>("recovering"));
  EXPECT_EQ(snapshot("pg").health.ready, std::optional<bool>(false));
  sup.on_notify("pg", {{"READY", "1"}, {"STATUS", "accepting connections"}});
  EXPECT_EQ(snapshot("pg").health.ready, std::optional<bool>(true));
  EXPECT_EQ(snapshot("pg").health.detail, std::optional<std::string>("accepting connections"));
}

TEST_F(HealthTest, AWatchdogThatStopsPingingRestartsTheProcess) {
  StartParams p = params("wd");
  p.policy.ready = check(CheckKind::notify, "");
  p.policy.watchdog_ms = 1000;
  const pid_t pid = start(std::move(p));
  sup.on_notify("wd", {{"READY", "1"}});
  timers.advance(milliseconds(900));
  sup.on_notify("wd", {{"WATCHDOG", "1"}});
  timers.advance(milliseconds(900));
  EXPECT_EQ(events.count("unhealthy"), 0U) << "a ping re-arms the watchdog";
  timers.advance(milliseconds(200));
  EXPECT_EQ(events.count("unhealthy"), 1U);
  settle();
  ASSERT_FALSE(processes.signals.empty());
  EXPECT_EQ(processes.signals.back(), std::make_pair(pid, SIGTERM));
  exit_now(pid, 143);
  EXPECT_EQ(processes.spawn_count(), 2U) << "restarted";
}

// ---- liveness -------------------------------------------------------------------------------

TEST_F(HealthTest, LivenessRestartsAfterNFailuresInARowAndASuccessResetsTheCount) {
  StartParams p = params("svc");
  HealthCheck live = check(CheckKind::exec, "/bin/check");
  live.interval_ms = 1000;
  live.timeout_ms = 500;
  live.failures = 3;
  p.policy.live = live;
  const pid_t pid = start(std::move(p));
  auto attempt = [&](bool ok) {
    ASSERT_TRUE(timers.fire_next());  // the interval
    ASSERT_EQ(probes.pending(), 1U);
    EXPECT_EQ(probes.attempts.back()->spec.timeout, milliseconds(500));
    probes.answer(ok, ok ? "exit 0" : "exit 1");
  };
  attempt(false);
  attempt(false);
  attempt(true);
  attempt(false);
  attempt(false);
  EXPECT_EQ(events.count("unhealthy"), 0U);
  EXPECT_EQ(snapshot("svc").health.health, std::optional<std::string>("unhealthy"));
  attempt(false);
  EXPECT_EQ(events.count("unhealthy"), 1U);
  settle();
  EXPECT_EQ(processes.signals.back(), std::make_pair(pid, SIGTERM));
  exit_now(pid, 143);
  EXPECT_EQ(processes.spawn_count(), 2U);
  EXPECT_TRUE(logs.has_line("svc", "unhealthy: liveness failed 3 times in a row (exit 1)"));
}

TEST_F(HealthTest, AProcessWithoutChecksArmsNoTimer) {
  start_plain("plain");
  EXPECT_EQ(timers.armed_count(), 0U);
  EXPECT_EQ(snapshot("plain").health.health, std::nullopt);
  EXPECT_EQ(snapshot("plain").health.ready, std::nullopt);
  EXPECT_FALSE(sup.wants_output("plain"));
  EXPECT_TRUE(notify.opened.empty());
}

// ---- dependencies ---------------------------------------------------------------------------

TEST_F(HealthTest, AStartWaitsUntilItsDependencyIsReady) {
  StartParams db = params("db");
  db.policy.ready = check(CheckKind::log, "listening");
  start(std::move(db));
  StartParams api = params("api");
  api.policy.after = {{"db", DependencyCondition::ready}};
  auto answer = start_answer(std::move(api));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->pid, 0);
  EXPECT_EQ(answer->waiting_for, std::vector<std::string>{"db (ready)"});
  EXPECT_EQ(processes.spawn_count(), 1U) << "api is not spawned yet";
  EXPECT_EQ(phase("api"), Phase::waiting);
  EXPECT_TRUE(snapshot("api").health.waiting);
  EXPECT_EQ(record("api").status, RecordStatus::running) << "a new bgod starts it again";
  sup.on_output("db", "listening\n");
  EXPECT_EQ(processes.spawn_count(), 1U) << "dependencies are looked at in the next turn";
  settle();
  EXPECT_EQ(processes.spawn_count(), 2U);
  EXPECT_EQ(phase("api"), Phase::running);
  const auto kinds = events.kinds();
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "waiting"), 1);
}

TEST_F(HealthTest, ReadyMeansStartedForADependencyWithoutAReadinessCheck) {
  start_plain("cache");
  StartParams app = params("app");
  app.policy.after = {{"cache", DependencyCondition::ready}};
  auto answer = start_answer(std::move(app));
  ASSERT_TRUE(answer);
  EXPECT_NE(answer->pid, 0);
  EXPECT_TRUE(answer->waiting_for.empty());
}

TEST_F(HealthTest, CompletedAndSucceededWaitForTheExit) {
  const pid_t migrate = start_plain("migrate");
  StartParams a = params("a");
  a.policy.after = {{"migrate", DependencyCondition::completed}};
  ASSERT_TRUE(start_answer(std::move(a)));
  StartParams b = params("b");
  b.policy.after = {{"migrate", DependencyCondition::succeeded}};
  ASSERT_TRUE(start_answer(std::move(b)));
  EXPECT_EQ(phase("a"), Phase::waiting);
  EXPECT_EQ(phase("b"), Phase::waiting);
  exit_now(migrate, 2);
  settle();
  EXPECT_EQ(phase("a"), Phase::running) << "completed: any exit";
  EXPECT_EQ(phase("b"), Phase::stopped) << "succeeded: exit 2 is a failure";
  EXPECT_TRUE(
      logs.has_line("b", "not started: dependency 'migrate' did not succeed (exit code 2)"));
  EXPECT_EQ(record("b").stop_reason, std::optional<StopReason>(StopReason::crashed));
}

TEST_F(HealthTest, SucceededCountsTheDependencysSuccessCodes) {
  StartParams job = params("job");
  job.policy.success_codes = std::vector<int64_t>{0, 3};
  const pid_t pid = start(std::move(job));
  StartParams next = params("next");
  next.policy.after = {{"job", DependencyCondition::succeeded}};
  ASSERT_TRUE(start_answer(std::move(next)));
  exit_now(pid, 3);
  settle();
  EXPECT_EQ(phase("next"), Phase::running);
  EXPECT_EQ(record("job").stop_reason, std::optional<StopReason>(StopReason::exited));
}

TEST_F(HealthTest, AWaiterGivesUpWhenItsDependencyIsStopped) {
  StartParams db = params("db");
  db.policy.ready = check(CheckKind::log, "listening");
  start(std::move(db));
  StartParams api = params("api");
  api.policy.after = {{"db", DependencyCondition::ready}};
  ASSERT_TRUE(start_answer(std::move(api)));
  std::optional<Result<StopOutcome>> stopped;
  sup.stop("db", false, std::nullopt, [&](Result<StopOutcome> r) { stopped = std::move(r); });
  exit_now(processes.last_pid(), 143);
  ASSERT_TRUE(stopped && *stopped);
  settle();
  EXPECT_EQ(phase("api"), Phase::stopped);
  EXPECT_EQ(processes.spawn_count(), 1U);
  EXPECT_TRUE(logs.has_line("api", "not started: dependency 'db' was stopped"));
  EXPECT_EQ(events.count("errored"), 1U);
}

TEST_F(HealthTest, AWaiterWaitsForAStoppedDependencyToBeStarted) {
  const pid_t pid = start_plain("db");
  std::optional<Result<StopOutcome>> stopped;
  sup.stop("db", false, std::nullopt, [&](Result<StopOutcome> r) { stopped = std::move(r); });
  exit_now(pid, 143);
  StartParams api = params("api");
  api.policy.after = {{"db", DependencyCondition::started}};
  ASSERT_TRUE(start_answer(std::move(api)));
  settle();
  EXPECT_EQ(phase("api"), Phase::waiting);
  ASSERT_TRUE(start_answer(params("db")));
  settle();
  EXPECT_EQ(phase("api"), Phase::running);
}

// Events look only at the children that wait (a set kept by phase changes), not at every one:
// once none waits, an event arms no recheck.
TEST_F(HealthTest, AWaiterThatStartsOrIsDeletedNoLongerWaits) {
  StartParams db = params("db");
  db.policy.ready = check(CheckKind::log, "listening");
  start(std::move(db));
  StartParams gone = params("gone");
  gone.policy.after = {{"db", DependencyCondition::ready}};
  ASSERT_TRUE(start_answer(std::move(gone)));
  StartParams api = params("api");
  api.policy.after = {{"db", DependencyCondition::ready}};
  ASSERT_TRUE(start_answer(std::move(api)));
  std::optional<Result<bool>> deleted;
  sup.remove("gone", false, [&](Result<bool> r) { deleted = std::move(r); });
  ASSERT_TRUE(deleted && *deleted);
  EXPECT_EQ(phase("api"), Phase::waiting);
  sup.on_output("db", "listening\n");
  settle();
  EXPECT_EQ(phase("api"), Phase::running);
  EXPECT_EQ(processes.spawn_count(), 2U) << "the deleted waiter is not started";
  start_plain("later");
  EXPECT_FALSE(timers.next_deadline().has_value()) << "nothing waits: no recheck is armed";
}

TEST_F(HealthTest, ACycleIsRefusedWithTheCycleNamed) {
  start_plain("a");
  StartParams b = params("b");
  b.policy.after = {{"a", DependencyCondition::started}};
  ASSERT_TRUE(start_answer(std::move(b)));
  // a is re-registered with a dependency on b: a -> b -> a.
  sup.stop("a", false, std::nullopt, [](const Result<StopOutcome>&) {});
  exit_now(1000, 143);
  StartParams a = params("a");
  a.policy.after = {{"b", DependencyCondition::started}};
  std::optional<Result<StartOutcome>> answer;
  sup.start(std::move(a), [&](Result<StartOutcome> r) { answer = std::move(r); });
  ASSERT_TRUE(answer && !*answer);
  EXPECT_EQ(answer->error().code, Errc::invalid_params);
  EXPECT_EQ(answer->error().param, std::optional<std::string>("after"));
  EXPECT_NE(answer->error().message.find("dependency cycle: a -> b -> a"), std::string::npos)
      << answer->error().message;
}

TEST_F(HealthTest, ADependencyOnAnUnknownNameIsRefused) {
  StartParams api = params("api");
  api.policy.after = {{"nope", DependencyCondition::ready}};
  std::optional<Result<StartOutcome>> answer;
  sup.start(std::move(api), [&](Result<StartOutcome> r) { answer = std::move(r); });
  ASSERT_TRUE(answer && !*answer);
  EXPECT_EQ(answer->error().code, Errc::no_such_process);
  EXPECT_EQ(processes.spawn_count(), 0U);
  EXPECT_FALSE(store.has("api"));
}

TEST_F(HealthTest, StopWithDependentsStopsThemFirst) {
  const pid_t db = start_plain("db");
  StartParams api = params("api");
  api.policy.after = {{"db", DependencyCondition::started}};
  const pid_t api_pid = start(std::move(api));
  std::optional<Result<StopOutcome>> answer;
  sup.stop(
      "db", false, std::nullopt, [&](Result<StopOutcome> r) { answer = std::move(r); }, true);
  ASSERT_EQ(processes.signals.size(), 1U);
  EXPECT_EQ(processes.signals[0], std::make_pair(api_pid, SIGTERM)) << "the dependent first";
  exit_now(api_pid, 143);
  ASSERT_EQ(processes.signals.size(), 2U);
  EXPECT_EQ(processes.signals[1], std::make_pair(db, SIGTERM));
  exit_now(db, 143);
  ASSERT_TRUE(answer && *answer);
  EXPECT_EQ((*answer)->dependents, std::vector<std::string>{"api"});
}

TEST_F(HealthTest, ShutdownStopsDependentsBeforeWhatTheyDependOn) {
  const pid_t db = start_plain("db");
  StartParams api = params("api");
  api.policy.after = {{"db", DependencyCondition::started}};
  const pid_t api_pid = start(std::move(api));
  bool done = false;
  sup.shutdown(false, [&] { done = true; });
  ASSERT_EQ(processes.signals.size(), 1U);
  EXPECT_EQ(processes.signals[0].first, api_pid);
  exit_now(api_pid, 143);
  ASSERT_EQ(processes.signals.size(), 2U);
  EXPECT_EQ(processes.signals[1].first, db);
  exit_now(db, 143);
  EXPECT_TRUE(done);
  EXPECT_EQ(record("api").stop_reason, std::optional<StopReason>(StopReason::daemon));
}

// ---- restart and stop policies --------------------------------------------------------------

TEST_F(HealthTest, OnFailureDoesNotRestartASuccessButRestartsAFailure) {
  StartParams p = params("job");
  p.policy.restart = RestartPolicy::on_failure;
  const pid_t first = start(std::move(p));
  ASSERT_TRUE(record("job").watch && record("job").watch->enabled) << "on-failure watches it";
  exit_at(first, seconds(5), 1);
  EXPECT_EQ(events.count("restart_scheduled"), 1U);
  const pid_t second = processes.last_pid();
  ASSERT_NE(second, first);
  spawned_at = clock.now();
  exit_at(second, seconds(5), 0);
  EXPECT_EQ(events.count("restart_scheduled"), 1U) << "exit 0 is a success: not restarted";
  EXPECT_EQ(phase("job"), Phase::stopped);
  EXPECT_EQ(record("job").stop_reason, std::optional<StopReason>(StopReason::exited));
  EXPECT_TRUE(logs.has_line("job", "exited successfully; not restarting"));
}

TEST_F(HealthTest, AlwaysRestartsEvenASuccessAndNeverUnwatches) {
  StartParams p = params("loop");
  p.policy.restart = RestartPolicy::always;
  const pid_t pid = start(std::move(p));
  exit_at(pid, seconds(5), 0);
  EXPECT_EQ(events.count("restart_scheduled"), 1U);
  StartParams q = params("once");
  q.watch = true;
  q.policy.restart = RestartPolicy::never;
  const pid_t once = start(std::move(q));
  EXPECT_FALSE(record("once").watch->enabled);
  exit_at(once, seconds(5), 1);
  EXPECT_EQ(events.count("restart_scheduled"), 1U);
}

TEST_F(HealthTest, TheStopSignalAndStopTimeoutAreThePolicys) {
  StartParams p = params("py");
  p.policy.stop_signal = SIGINT;
  p.policy.stop_timeout_ms = 1500;
  const pid_t pid = start(std::move(p));
  sup.stop("py", false, std::nullopt, [](const Result<StopOutcome>&) {});
  ASSERT_EQ(processes.signals.size(), 1U);
  EXPECT_EQ(processes.signals[0], std::make_pair(pid, SIGINT));
  EXPECT_EQ(timers.next_delay(), milliseconds(1500));
  timers.fire_next();
  EXPECT_EQ(processes.signals.back(), std::make_pair(pid, SIGKILL));
}

TEST_F(HealthTest, KillModeGroupAsksForNoContainment) {
  StartParams p = params("g");
  p.policy.kill_mode = KillMode::group;
  start(std::move(p));
  EXPECT_FALSE(processes.spawns.back().contain);
  start_plain("t");
  EXPECT_TRUE(processes.spawns.back().contain);
}

TEST_F(HealthTest, CronRestartsARunningProcessAtTheNextMatch) {
  StartParams p = params("nightly");
  p.policy.cron = "0 * * * *";  // the fake wall clock starts at 10:15:42Z
  const pid_t pid = start(std::move(p));
  const auto delay = timers.next_delay();
  ASSERT_TRUE(delay.has_value());
  EXPECT_EQ(*delay, milliseconds((44 * 60 + 18) * 1000 - 100)) << "11:00:00, less the probe";
  timers.fire_next();
  settle();
  EXPECT_EQ(processes.signals.back(), std::make_pair(pid, SIGTERM));
  exit_now(pid, 143);
  EXPECT_EQ(processes.spawn_count(), 2U);
  timers.advance(milliseconds(100));  // the restart's start probe
  EXPECT_EQ(timers.next_delay(), milliseconds(3600 * 1000 - 100)) << "armed again for 12:00";
}

TEST_F(HealthTest, MemoryExceededRestartsTheProcess) {
  const pid_t pid = start_plain("fat");
  sup.on_memory_exceeded(pid);
  EXPECT_EQ(events.count("memory_exceeded"), 1U);
  settle();
  EXPECT_EQ(processes.signals.back(), std::make_pair(pid, SIGTERM));
  exit_now(pid, 143);
  EXPECT_EQ(processes.spawn_count(), 2U);
}

}  // namespace
}  // namespace bgo::daemon
