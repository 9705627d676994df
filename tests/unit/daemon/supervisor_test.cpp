// SPDX-License-Identifier: MIT
// Supervisor watch mode with an injected clock: crash handling, backoff timers, errored, and
// how user commands interact with a pending restart (spec §5, §3.11, §3.12, §9.5).
#include "daemon/core/supervisor.hpp"

#include <csignal>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "common/time_format.hpp"
#include "tests/unit/daemon/supervisor_fixture.hpp"

namespace bgo::daemon {
namespace {

TEST_F(SupervisorTest, ExitExactlyAtMinUptimeRestartsAtOnce) {
  const pid_t pid = start_watched("web");
  exit_at(pid, milliseconds{2000});

  // Not a fast crash (uptime >= min_uptime): respawned in the same turn, no timer, no wait.
  ASSERT_EQ(processes.spawn_count(), 2u);
  EXPECT_EQ(timers.armed_count(), 0u);
  EXPECT_TRUE(snapshot("web").online);
  const pid_t next = processes.last_pid();
  EXPECT_EQ(logs.lines("web"),
            (Lines{"watcher started for pid=" + std::to_string(pid),
                   "restart #1 pid=" + std::to_string(next) + " (prev uptime 2.00s)"}));
  EXPECT_EQ(events.kinds(), (Lines{"spawned", "exited", "restart_scheduled", "spawned"}));
  EXPECT_EQ(events.events[2].delay_ms, 0);
  EXPECT_EQ(block("web").restarts, 1);
  EXPECT_EQ(block("web").last_restart_at, record("web").started_at);
  EXPECT_EQ(record("web").pid, next);
  EXPECT_EQ(record("web").status, RecordStatus::running);
  EXPECT_FALSE(record("web").stop_reason.has_value());
  EXPECT_EQ(logs.markers["web"].size(), 2u);
  EXPECT_NE(logs.markers["web"][1].find("] [watch restart] /bin/app --serve ==="),
            std::string::npos);
}

TEST_F(SupervisorTest, ExitJustBeforeMinUptimeIsAFastCrash) {
  const pid_t pid = start_watched("web");
  exit_at(pid, milliseconds{1999});
  EXPECT_EQ(processes.spawn_count(), 1u);
  EXPECT_EQ(timers.next_delay(), milliseconds{2000});
  EXPECT_TRUE(logs.has_line("web", "fast-crash: uptime=2.00s mode=backoff"));
  EXPECT_TRUE(logs.has_line("web", "backoff sleep 2s (step 1/3)"));
  EXPECT_FALSE(snapshot("web").online);
  EXPECT_EQ(record("web").status, RecordStatus::stopped);
  EXPECT_EQ(record("web").stop_reason, StopReason::crashed);
  EXPECT_EQ(record("web").exit_code, 1);
}

TEST_F(SupervisorTest, BackoffWaits2Then4Then8ThenErrors) {
  logs.stderr_tail_text = "Traceback\nValueError: boom";
  pid_t pid = start_watched("api");
  std::vector<milliseconds> waits;
  for (int crash = 1; crash <= 3; ++crash) {
    exit_at(pid, milliseconds{500});
    milliseconds wait{};
    std::tie(pid, wait) = fire_restart();
    waits.push_back(wait);
  }
  EXPECT_EQ(waits, (std::vector<milliseconds>{seconds{2}, seconds{4}, seconds{8}}));
  exit_at(pid, milliseconds{500});  // the 4th consecutive fast crash

  EXPECT_EQ(timers.armed_count(), 0u);
  EXPECT_EQ(processes.spawn_count(), 4u);
  const WatchBlock& w = block("api");
  EXPECT_TRUE(w.errored);
  EXPECT_TRUE(w.enabled);
  EXPECT_EQ(w.rare->error_reason, "4 consecutive fast-crashes");
  EXPECT_EQ(w.rare->last_stderr_tail, "Traceback\nValueError: boom");
  EXPECT_EQ(w.restarts, 3);
  EXPECT_FALSE(w.rare->watcher_pid.has_value());
  EXPECT_FALSE(w.rare->watcher_pgid.has_value());
  EXPECT_EQ(record("api").status, RecordStatus::stopped);
  EXPECT_EQ(record("api").stop_reason, StopReason::crashed);
  EXPECT_EQ(events.events.back().kind, EventKind::errored);
  EXPECT_EQ(events.events.back().reason, "4 consecutive fast-crashes");

  const Lines lines = logs.lines("api");
  const Lines tail(lines.end() - 3, lines.end());
  EXPECT_EQ(tail, (Lines{"restart #3 pid=" + std::to_string(pid) + " (prev uptime 0.50s)",
                         "fast-crash: uptime=0.50s mode=backoff",
                         "backoff exhausted; errored; exiting"}));
  EXPECT_TRUE(logs.has_line("api", "backoff sleep 4s (step 2/3)"));
  EXPECT_TRUE(logs.has_line("api", "backoff sleep 8s (step 3/3)"));
}

TEST_F(SupervisorTest, StableRunResetsTheStreak) {
  pid_t pid = start_watched("api");
  exit_at(pid, milliseconds{300});
  pid = fire_restart().first;
  exit_at(pid, milliseconds{300});
  EXPECT_EQ(timers.next_delay(), seconds{4});
  pid = fire_restart().first;
  exit_at(pid, seconds{30});  // a stable run: restarted at once, streak back to 0
  EXPECT_EQ(timers.armed_count(), 0u);
  pid = processes.last_pid();
  spawned_at = clock.now();
  exit_at(pid, milliseconds{300});
  EXPECT_EQ(timers.next_delay(), seconds{2});
  EXPECT_EQ(logs.lines("api").back(), "backoff sleep 2s (step 1/3)");
  EXPECT_EQ(block("api").restarts, 3);
}

TEST_F(SupervisorTest, RetryNeverGivesUpAndCapsAt8s) {
  pid_t pid = start_watched("job", "retry");
  std::vector<milliseconds> waits;
  for (int crash = 0; crash < 6; ++crash) {
    exit_at(pid, milliseconds{100});
    milliseconds wait{};
    std::tie(pid, wait) = fire_restart();
    waits.push_back(wait);
  }
  EXPECT_EQ(waits, (std::vector<milliseconds>{seconds{2}, seconds{4}, seconds{8}, seconds{8},
                                              seconds{8}, seconds{8}}));
  EXPECT_FALSE(block("job").errored);
  EXPECT_EQ(block("job").restarts, 6);
  EXPECT_TRUE(logs.has_line("job", "retry mode: sleep 8s"));
  EXPECT_EQ(events.count("errored"), 0u);
}

TEST_F(SupervisorTest, StopModeErrorsOnTheFirstFastCrash) {
  logs.stderr_tail_text = "boom";
  const pid_t pid = start_watched("one", "stop");
  exit_at(pid, milliseconds{530});
  EXPECT_EQ(processes.spawn_count(), 1u);
  EXPECT_EQ(timers.armed_count(), 0u);
  EXPECT_TRUE(block("one").errored);
  EXPECT_EQ(block("one").rare->error_reason, "fast-crash (uptime 0.53s, mode=stop)");
  EXPECT_EQ(block("one").rare->last_stderr_tail, "boom");
  EXPECT_EQ(block("one").restarts, 0);
  EXPECT_EQ(logs.lines("one"), (Lines{"watcher started for pid=" + std::to_string(pid),
                                      "fast-crash: uptime=0.53s mode=stop", "errored; exiting"}));
  // Errored is not watched any more: a later exit would not be handled by the policy.
  EXPECT_FALSE(snapshot("one").online);
}

TEST_F(SupervisorTest, StopModeStillRestartsAfterAStableRun) {
  const pid_t pid = start_watched("one", "stop");
  exit_at(pid, seconds{5}, 0);
  EXPECT_EQ(processes.spawn_count(), 2u);
  EXPECT_FALSE(block("one").errored);
}

TEST_F(SupervisorTest, WatchedExitDuringTheStartProbeGoesThroughThePolicy) {
  StartParams p = params("quick");
  p.watch = true;
  std::optional<Result<StartOutcome>> answer;
  sup.start(std::move(p), [&](Result<StartOutcome> r) { answer = std::move(r); });
  const pid_t pid = processes.last_pid();
  clock.advance(milliseconds{40});
  exit_now(pid, 3);
  ASSERT_TRUE(answer.has_value());
  ASSERT_TRUE(answer->has_value()) << answer->error().message;
  EXPECT_EQ((*answer)->pid, pid);
  EXPECT_TRUE(logs.has_line("quick", "fast-crash: uptime=0.04s mode=backoff"));
  EXPECT_EQ(timers.next_delay(), seconds{2});
}

TEST_F(SupervisorTest, WatchAttachedDuringABackoffKeepsThePendingRestart) {
  pid_t pid = start_watched("api");
  exit_at(pid, milliseconds{300});
  pid = fire_restart().first;
  exit_at(pid, milliseconds{300});  // streak 2, waiting 4 s
  ASSERT_EQ(timers.next_delay(), seconds{4});

  WatchOverrides o;
  o.min_uptime = 1;
  auto w = sup.watch("api", o, false);
  ASSERT_TRUE(w.has_value()) << w.error().message;
  EXPECT_EQ(w->min_uptime, 1);
  EXPECT_EQ(w->restarts, 1);  // counters kept without --reset
  EXPECT_EQ(block("api").min_uptime, 1);
  EXPECT_EQ(timers.next_delay(), seconds{4});  // the pending restart is left alone
  EXPECT_EQ(logs.lines("api").back(), "backoff sleep 4s (step 2/3)");

  pid = fire_restart().first;
  // The new settings apply to the next exit, and `watch` started a new streak.
  exit_at(pid, milliseconds{1500});
  EXPECT_EQ(processes.spawn_count(), 4u);  // 1.5 s >= min_uptime 1 s: at once
  pid = processes.last_pid();
  spawned_at = clock.now();
  exit_at(pid, milliseconds{200});
  EXPECT_EQ(timers.next_delay(), seconds{2});
}

TEST_F(SupervisorTest, WatchAttachesToARunningProcessAndResetsTheStreak) {
  const pid_t pid = start_plain("web");
  ASSERT_FALSE(record("web").watch.has_value());
  WatchOverrides o;
  o.on_fast_crash = "retry";
  auto w = sup.watch("web", o, false);
  ASSERT_TRUE(w.has_value());
  EXPECT_TRUE(w->enabled);
  EXPECT_EQ(w->on_fast_crash, "retry");
  EXPECT_EQ(w->min_uptime, 2);
  EXPECT_EQ(block("web").on_fast_crash, "retry");
  EXPECT_EQ(logs.lines("web"), (Lines{"watcher started for pid=" + std::to_string(pid)}));
  exit_at(pid, seconds{10});
  EXPECT_EQ(processes.spawn_count(), 2u);
  EXPECT_EQ(block("web").restarts, 1);
}

TEST_F(SupervisorTest, WatchRefusesAStoppedProcess) {
  const pid_t pid = start_plain("web");
  exit_at(pid, seconds{1});
  auto w = sup.watch("web", {}, false);
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error().code, Errc::invalid_state);
  EXPECT_EQ(w.error().message, "Process 'web' is not running. Start it first.");
  EXPECT_EQ(sup.watch("ghost", {}, false).error().code, Errc::no_such_process);
}

TEST_F(SupervisorTest, UnwatchDuringABackoffCancelsTheRestart) {
  const pid_t pid = start_watched("api");
  exit_at(pid, milliseconds{300});
  ASSERT_EQ(timers.armed_count(), 1u);

  auto r = sup.unwatch("api");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(*r);
  EXPECT_EQ(timers.armed_count(), 0u);
  EXPECT_FALSE(timers.fire_next());
  EXPECT_EQ(processes.spawn_count(), 1u);
  EXPECT_FALSE(block("api").enabled);
  EXPECT_EQ(record("api").status, RecordStatus::stopped);
  EXPECT_EQ(record("api").stop_reason, StopReason::crashed);
  EXPECT_EQ(logs.lines("api").back(), "watch disabled; exiting");
  EXPECT_FALSE(*sup.unwatch("api"));  // not watched any more
}

TEST_F(SupervisorTest, UnwatchLeavesTheProcessRunningAndItsExitIsACrash) {
  const pid_t pid = start_watched("api");
  ASSERT_TRUE(*sup.unwatch("api"));
  EXPECT_TRUE(snapshot("api").online);
  EXPECT_TRUE(processes.signals.empty());
  exit_at(pid, milliseconds{300});
  EXPECT_EQ(processes.spawn_count(), 1u);
  EXPECT_EQ(timers.armed_count(), 0u);
  EXPECT_EQ(record("api").stop_reason, StopReason::crashed);
  EXPECT_FALSE(logs.has_line("api", "fast-crash"));
}

TEST_F(SupervisorTest, RestartWhileErroredClearsItAndKeepsTheCounter) {
  pid_t pid = start_watched("api");
  for (int crash = 0; crash < 3; ++crash) {
    exit_at(pid, milliseconds{100});
    pid = fire_restart().first;
  }
  exit_at(pid, milliseconds{100});
  ASSERT_TRUE(block("api").errored);

  std::optional<Result<RestartOutcome>> answer;
  sup.restart("api", {}, [&](Result<RestartOutcome> r) { answer = std::move(r); });
  spawned_at = clock.now();
  ASSERT_TRUE(timers.fire_next());  // start probe
  ASSERT_TRUE(answer.has_value() && answer->has_value());
  EXPECT_FALSE((*answer)->was_running);
  ASSERT_TRUE((*answer)->start.has_value());
  const WatchBlock& w = block("api");
  EXPECT_FALSE(w.errored);
  EXPECT_FALSE(w.rare->error_reason.has_value());
  EXPECT_FALSE(w.rare->last_stderr_tail.has_value());
  EXPECT_TRUE(w.enabled);
  EXPECT_EQ(w.restarts, 3);
  EXPECT_TRUE(snapshot("api").online);
  pid = processes.last_pid();
  EXPECT_EQ(logs.lines("api").back(), "watcher started for pid=" + std::to_string(pid));

  // A fresh streak: the next fast crash waits 2 s again.
  exit_at(pid, milliseconds{100});
  EXPECT_EQ(timers.next_delay(), seconds{2});
}

TEST_F(SupervisorTest, RestartWithResetCountersZeroesThem) {
  pid_t pid = start_watched("api", "stop");
  exit_at(pid, seconds{3});
  pid = processes.last_pid();
  spawned_at = clock.now();
  exit_at(pid, milliseconds{100});
  ASSERT_TRUE(block("api").errored);
  ASSERT_EQ(block("api").restarts, 1);
  sup.restart("api", RestartParams{true, {}, false}, [](const Result<RestartOutcome>&) {});
  EXPECT_EQ(block("api").restarts, 0);
  EXPECT_FALSE(block("api").last_restart_at.has_value());
  EXPECT_FALSE(block("api").errored);
}

TEST_F(SupervisorTest, RestartDuringABackoffCancelsThePendingRestart) {
  const pid_t pid = start_watched("api");
  exit_at(pid, milliseconds{100});
  ASSERT_EQ(timers.next_delay(), seconds{2});
  sup.restart("api", {}, [](const Result<RestartOutcome>&) {});
  EXPECT_EQ(processes.spawn_count(), 2u);
  ASSERT_TRUE(timers.fire_next());  // only the start probe was armed
  EXPECT_FALSE(timers.fire_next());
  EXPECT_EQ(processes.spawn_count(), 2u);
  EXPECT_EQ(block("api").restarts, 0);  // a user restart is not a watch restart
}

TEST_F(SupervisorTest, StopDuringABackoffCancelsTheRestart) {
  const pid_t pid = start_watched("api");
  exit_at(pid, milliseconds{100});
  std::optional<Result<StopOutcome>> answer;
  sup.stop("api", false, seconds{5}, [&](Result<StopOutcome> r) { answer = std::move(r); });
  ASSERT_TRUE(answer.has_value() && answer->has_value());
  EXPECT_FALSE((*answer)->was_running);
  EXPECT_EQ(timers.armed_count(), 0u);
  EXPECT_FALSE(timers.fire_next());
  EXPECT_EQ(processes.spawn_count(), 1u);
  EXPECT_EQ(record("api").status, RecordStatus::stopped);
  EXPECT_EQ(record("api").stop_reason, StopReason::user);
  EXPECT_EQ(logs.lines("api").back(), "proc stopped by user during backoff; exiting");
  EXPECT_TRUE(processes.signals.empty());  // nothing left to signal
}

TEST_F(SupervisorTest, UserStopIsNeverCountedAsACrash) {
  const pid_t pid = start_watched("api");
  timers.advance(milliseconds{200});  // well inside min_uptime: an exit now would be fast
  std::optional<Result<StopOutcome>> answer;
  sup.stop("api", false, seconds{5}, [&](Result<StopOutcome> r) { answer = std::move(r); });
  EXPECT_EQ(processes.signals, (std::vector<std::pair<pid_t, int>>{{pid, SIGTERM}}));
  EXPECT_FALSE(answer.has_value());
  processes.live.erase(pid);
  sup.on_exit(pid, ExitStatus::signaled(SIGTERM));
  sup.on_output_closed(pid);
  sup.on_output_closed(pid);
  ASSERT_TRUE(answer.has_value() && answer->has_value());
  EXPECT_TRUE((*answer)->was_running);
  EXPECT_EQ(processes.spawn_count(), 1u);
  EXPECT_EQ(timers.armed_count(), 0u);
  EXPECT_EQ(record("api").stop_reason, StopReason::user);
  EXPECT_EQ(record("api").exit_signal, SIGTERM);
  EXPECT_FALSE(block("api").errored);
  EXPECT_EQ(events.count("exited"), 0u);
  EXPECT_EQ(events.count("stopped"), 1u);
  EXPECT_FALSE(logs.has_line("api", "fast-crash"));
  EXPECT_EQ(logs.lines("api").back(), "proc manually stopped; exiting");
}

TEST_F(SupervisorTest, DeleteDuringABackoffCancelsTheRestart) {
  const pid_t pid = start_watched("api");
  exit_at(pid, milliseconds{100});
  std::optional<Result<bool>> answer;
  sup.remove("api", false, [&](Result<bool> r) { answer = std::move(r); });
  ASSERT_TRUE(answer.has_value() && answer->has_value());
  EXPECT_FALSE(**answer);
  EXPECT_FALSE(timers.fire_next());
  EXPECT_EQ(processes.spawn_count(), 1u);
  EXPECT_FALSE(store.has("api"));
  EXPECT_EQ(logs.removed, (Lines{"api"}));
  EXPECT_EQ(sup.size(), 0u);
  EXPECT_EQ(events.events.back().kind, EventKind::deleted);
}

TEST_F(SupervisorTest, RespawnFailureBecomesErrored) {
  logs.stderr_tail_text = "last words";
  const pid_t pid = start_watched("api");
  exit_at(pid, seconds{60});  // stable: restart at once …
  ASSERT_EQ(processes.spawn_count(), 2u);
  spawned_at = clock.now();
  exit_at(processes.last_pid(), milliseconds{100});
  processes.fail_next_spawn("not_found");  // … then the binary disappears
  ASSERT_TRUE(timers.fire_next());
  EXPECT_EQ(processes.spawn_count(), 3u);
  EXPECT_TRUE(block("api").errored);
  EXPECT_EQ(block("api").rare->error_reason, "command not found: /bin/app");
  EXPECT_EQ(block("api").rare->last_stderr_tail, "last words");
  EXPECT_EQ(block("api").restarts, 1);
  EXPECT_EQ(record("api").status, RecordStatus::stopped);
  EXPECT_EQ(record("api").stop_reason, StopReason::crashed);
  EXPECT_EQ(logs.lines("api").back(), "restart failed: command not found: /bin/app");
  EXPECT_EQ(timers.armed_count(), 0u);
}

TEST_F(SupervisorTest, AdoptedWatchedProcessMeasuresUptimeFromItsStart) {
  ProcessRecord r;
  r.name = "old";
  r.command = {"/bin/app"};
  r.status = RecordStatus::running;
  r.pid = 4242;
  r.start_ticks = 42420;
  r.started_at = iso_utc(clock.wall_now() - seconds{30});
  r.watch = WatchBlock{};
  processes.live.insert(4242);
  std::vector<ProcessRecord> records;
  records.push_back(r);
  sup.load(std::move(records), {});
  EXPECT_TRUE(snapshot("old").online);
  EXPECT_EQ(logs.lines("old"), (Lines{"watcher started for pid=4242"}));

  processes.live.erase(4242);
  sup.on_exit(4242, ExitStatus::unknown());  // adopted: no pipes to wait for
  // It ran 30 s (not the 0 s since this bgod adopted it): restarted at once.
  EXPECT_EQ(processes.spawn_count(), 1u);
  EXPECT_EQ(logs.lines("old").back(),
            "restart #1 pid=" + std::to_string(processes.last_pid()) + " (prev uptime 30.00s)");
}

TEST_F(SupervisorTest, ShutdownDuringABackoffCancelsTheRestart) {
  const pid_t pid = start_watched("api");
  exit_at(pid, milliseconds{100});
  bool done = false;
  sup.shutdown(false, [&] { done = true; });
  EXPECT_TRUE(done);
  EXPECT_FALSE(timers.fire_next());
  EXPECT_EQ(processes.spawn_count(), 1u);
  // Left `crashed`, so the next bgod resurrects it with a fresh streak.
  EXPECT_EQ(record("api").stop_reason, StopReason::crashed);
}

// ---- projects (`bgo up`) ---------------------------------------------------------------------

TEST_F(SupervisorTest, AProjectClaimsNewNamesAndItsOwnOnly) {
  StartParams p = params("api");
  p.project = "shop";
  p.definition = "h1";
  const pid_t pid = start(std::move(p));
  EXPECT_EQ(record("api").project, std::optional<std::string>("shop"));
  EXPECT_EQ(record("api").definition, std::optional<std::string>("h1"));

  // Another project may not take it, running or not.
  exit_now(pid, 0);
  StartParams other = params("api");
  other.project = "blog";
  std::optional<Result<StartOutcome>> answer;
  sup.start(std::move(other), [&](Result<StartOutcome> r) { answer = std::move(r); });
  ASSERT_TRUE(answer.has_value());
  ASSERT_FALSE(answer->has_value());
  EXPECT_EQ(answer->error().code, Errc::invalid_state);
  EXPECT_EQ(answer->error().message, "Process 'api' belongs to project 'shop', not 'blog'");
  EXPECT_EQ(record("api").project, std::optional<std::string>("shop")) << "nothing changed";

  // Nor may a project take a name started by hand.
  start_plain("tool");
  StartParams claim = params("tool");
  claim.project = "shop";
  answer.reset();
  sup.start(std::move(claim), [&](Result<StartOutcome> r) { answer = std::move(r); });
  ASSERT_TRUE(answer.has_value() && !answer->has_value());
  EXPECT_NE(answer->error().message.find("exists outside project 'shop'"), std::string::npos);
}

TEST_F(SupervisorTest, ARestartKeepsTheProjectAndAHandStartDropsTheDefinition) {
  StartParams p = params("api");
  p.project = "shop";
  p.definition = "h1";
  exit_now(start(std::move(p)), 0);
  sup.restart("api", {}, [](const Result<RestartOutcome>&) {});
  ASSERT_EQ(processes.spawn_count(), 2U);
  EXPECT_EQ(record("api").project, std::optional<std::string>("shop"));
  EXPECT_EQ(record("api").definition, std::optional<std::string>("h1"));

  ASSERT_TRUE(timers.fire_next());  // the start probe
  exit_now(processes.last_pid(), 0);
  start_plain("api");  // `bgo start api -- other command`
  EXPECT_EQ(record("api").project, std::optional<std::string>("shop"));
  EXPECT_FALSE(record("api").definition.has_value()) << "no longer what the file says";
}

}  // namespace
}  // namespace bgo::daemon
