// SPDX-License-Identifier: MIT
// A process's life as a state machine: the transition table, stops that wait for the whole
// process group, racing requests that each get one answer, failed saves, restart throttling.
#include <csignal>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "daemon/core/child_state.hpp"
#include "tests/unit/daemon/supervisor_fixture.hpp"

namespace bgo::daemon {
namespace {

using Signals = std::vector<std::pair<pid_t, int>>;

// The rows of docs/states.md's transition table: | `from` | `to` | when |.
std::set<std::pair<std::string, std::string>> documented_transitions() {
  std::ifstream in(std::string(BGO_SOURCE_DIR) + "/docs/states.md");
  std::set<std::pair<std::string, std::string>> rows;
  bool in_table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("## Transitions")) in_table = true;
    if (!in_table) continue;
    if (line.starts_with("## ") && !line.starts_with("## Transitions")) break;
    if (!line.starts_with("| `")) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, '|');) {
      const auto a = cell.find('`');
      const auto b = cell.find('`', a + 1);
      if (a != std::string::npos && b != std::string::npos)
        cells.push_back(cell.substr(a + 1, b - a - 1));
    }
    if (cells.size() >= 2) rows.emplace(cells[0], cells[1]);
  }
  return rows;
}

TEST(ChildState, TheDocumentedTableIsTheOneTheCodeChecks) {
  std::set<std::pair<std::string, std::string>> code;
  for (const Transition& t : transitions()) {
    code.emplace(std::string(to_string(t.from)), std::string(to_string(t.to)));
  }
  EXPECT_EQ(documented_transitions(), code);
}

TEST(ChildState, OnlyListedTransitionsAreAllowed) {
  EXPECT_TRUE(is_allowed_transition(Phase::stopped, Phase::running));
  EXPECT_TRUE(is_allowed_transition(Phase::stopping, Phase::lingering));
  EXPECT_FALSE(is_allowed_transition(Phase::stopped, Phase::exiting));
  EXPECT_FALSE(is_allowed_transition(Phase::running, Phase::stopped));  // only through a reap
  // A crashed leader lingers only for what its cgroup still holds (issue #14); a waiting start
  // never stops in between.
  EXPECT_TRUE(is_allowed_transition(Phase::running, Phase::lingering));
  EXPECT_FALSE(is_allowed_transition(Phase::waiting, Phase::exiting));
}

TEST(RestartThrottle, TheEleventhRestartWithinASecondWaits100ms) {
  RestartThrottle throttle;
  Clock::time_point t{};
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(throttle.on_restart(t), milliseconds{0}) << i;
    t += milliseconds{10};
  }
  EXPECT_EQ(throttle.on_restart(t), milliseconds{100});
  // Spaced restarts are never held back.
  RestartThrottle spaced;
  Clock::time_point s{};
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(spaced.on_restart(s), milliseconds{0}) << i;
    s += milliseconds{150};
  }
}

TEST(RestartThrottle, RecentRestartsCarriedToAFreshThrottleHoldBackAlike) {
  RestartThrottle throttle;
  Clock::time_point t{seconds{100}};
  for (int i = 0; i < 12; ++i) {
    (void)throttle.on_restart(t);
    t += milliseconds{10};
  }
  // The last ten (the ring holds ten), oldest first.
  const auto recent = throttle.recent(t);
  ASSERT_EQ(recent.size(), 10u);
  EXPECT_LT(recent.front(), recent.back());
  RestartThrottle next;
  next.restore(recent);
  EXPECT_EQ(next.on_restart(t), milliseconds{100});
  // A second later none of them can hold a restart back: none is carried.
  EXPECT_TRUE(throttle.recent(t + seconds{2}).empty());
  RestartThrottle later;
  later.restore(throttle.recent(t + seconds{2}));
  EXPECT_EQ(later.on_restart(t + seconds{2}), milliseconds{0});
}

class ChildLifecycleTest : public SupervisorTest {
 protected:
  void reap(pid_t pid, ExitStatus status = ExitStatus::signaled(SIGTERM)) {
    processes.live.erase(pid);
    sup.on_exit(pid, status);
  }
  void close_output(pid_t pid) {
    sup.on_output_closed(pid);
    sup.on_output_closed(pid);
  }
};

TEST_F(ChildLifecycleTest, AStopLastsUntilTheWholeGroupIsGone) {
  const pid_t pid = start_plain("grp");
  std::optional<Result<StopOutcome>> answer;
  sup.stop("grp", false, seconds{5}, [&](Result<StopOutcome> r) { answer = std::move(r); });
  // The leader dies of SIGTERM; a member that ignores it keeps the group (and the pipes).
  processes.lingering_groups.insert(pid);
  reap(pid);
  EXPECT_FALSE(answer.has_value());
  EXPECT_EQ(snapshot("grp").phase, Phase::lingering);
  EXPECT_TRUE(snapshot("grp").online);
  // At the stop timeout the rest of the group gets SIGKILL, though its leader is gone.
  timers.advance(seconds{5});
  EXPECT_EQ(processes.signals, (Signals{{pid, SIGTERM}, {pid, SIGKILL}}));
  EXPECT_FALSE(answer.has_value());
  // The member dies; bgod reaps it as subreaper (a pid it did not spawn) and the pipes close.
  processes.lingering_groups.erase(pid);
  sup.on_exit(pid + 500, ExitStatus::signaled(SIGKILL));
  close_output(pid);
  ASSERT_TRUE(answer.has_value() && answer->has_value());
  EXPECT_EQ(snapshot("grp").phase, Phase::stopped);
  EXPECT_EQ(record("grp").stop_reason, StopReason::user);
}

TEST_F(ChildLifecycleTest, AGroupThatNobodyReportsOnIsGivenUpOneSecondAfterSigkill) {
  const pid_t pid = start_plain("grp");
  bool answered = false;
  sup.stop("grp", true, seconds{5}, [&](const Result<StopOutcome>&) { answered = true; });
  processes.lingering_groups.insert(pid);
  reap(pid, ExitStatus::signaled(SIGKILL));
  close_output(pid);
  EXPECT_FALSE(answered);
  timers.advance(seconds{1});
  EXPECT_TRUE(answered);
  EXPECT_EQ(snapshot("grp").phase, Phase::stopped);
}

TEST_F(ChildLifecycleTest, ARestartRacingADeleteNeverRevivesIt) {
  const pid_t pid = start_plain("x");
  std::optional<Result<RestartOutcome>> first;
  std::optional<Result<RestartOutcome>> second;
  std::optional<Result<bool>> deleted;
  sup.restart("x", {}, [&](Result<RestartOutcome> r) { first = std::move(r); });
  sup.remove("x", false, [&](Result<bool> r) { deleted = std::move(r); });
  sup.restart("x", {}, [&](Result<RestartOutcome> r) { second = std::move(r); });
  ASSERT_TRUE(second.has_value());  // at once: the name is on its way out
  EXPECT_EQ(second->error().code, Errc::no_such_process);
  reap(pid);
  close_output(pid);
  ASSERT_TRUE(first.has_value() && first->has_value());
  EXPECT_FALSE((*first)->start.has_value());
  ASSERT_TRUE(deleted.has_value() && deleted->has_value());
  EXPECT_TRUE(**deleted);
  EXPECT_EQ(processes.spawn_count(), 1u);  // nothing was started again
  EXPECT_EQ(sup.size(), 0u);
  EXPECT_FALSE(store.has("x"));
}

TEST_F(ChildLifecycleTest, ARestartAfterAStopHasTheLastWord) {
  const pid_t pid = start_plain("x");
  std::optional<Result<StopOutcome>> stopped;
  std::optional<Result<RestartOutcome>> restarted;
  sup.stop("x", false, seconds{5}, [&](Result<StopOutcome> r) { stopped = std::move(r); });
  sup.restart("x", {}, [&](Result<RestartOutcome> r) { restarted = std::move(r); });
  reap(pid);
  close_output(pid);
  ASSERT_TRUE(stopped.has_value() && stopped->has_value());
  ASSERT_TRUE(timers.fire_next());  // the new start's probe
  ASSERT_TRUE(restarted.has_value() && restarted->has_value() && (*restarted)->start);
  EXPECT_EQ(processes.spawn_count(), 2u);
  EXPECT_TRUE(snapshot("x").online);
}

TEST_F(ChildLifecycleTest, AStartWhoseStateCannotBeSavedIsRefusedAndKilled) {
  store.full = true;
  std::optional<Result<StartOutcome>> answer;
  sup.start(params("new1"), [&](Result<StartOutcome> r) { answer = std::move(r); });
  EXPECT_EQ(processes.signals, (Signals{{processes.last_pid(), SIGKILL}}));
  EXPECT_FALSE(answer.has_value()) << "answered before the process is gone";
  reap(processes.last_pid(), ExitStatus::signaled(SIGKILL));
  close_output(processes.last_pid());
  ASSERT_TRUE(answer.has_value());
  ASSERT_FALSE(answer->has_value());
  EXPECT_EQ(answer->error().code, Errc::io_error);
  EXPECT_NE(answer->error().message.find("No space left on device"), std::string::npos);
  EXPECT_EQ(sup.size(), 0u);  // registered no more than after any failed start
  store.full = false;
  timers.advance(seconds{5});  // the save retry: nothing is owed for a name that is gone
  EXPECT_FALSE(store.has("new1"));
}

TEST_F(ChildLifecycleTest, AFailedSaveIsReportedAndWrittenOnceItCanBe) {
  const pid_t pid = start_plain("keep");
  store.full = true;
  std::optional<Result<StopOutcome>> answer;
  sup.stop("keep", false, seconds{5}, [&](Result<StopOutcome> r) { answer = std::move(r); });
  reap(pid);
  close_output(pid);
  ASSERT_TRUE(answer.has_value());
  EXPECT_FALSE(answer->has_value());  // stopped, but the client hears that it is not on disk
  EXPECT_EQ(record("keep").status, RecordStatus::running);  // the stale file
  store.full = false;
  ASSERT_TRUE(timers.fire_next());  // the retry timer
  EXPECT_EQ(record("keep").status, RecordStatus::stopped);
  EXPECT_EQ(record("keep").stop_reason, StopReason::user);
  EXPECT_FALSE(timers.fire_next());  // nothing more owed
}

TEST_F(ChildLifecycleTest, RestartsFasterThanTenASecondAreHeldBack) {
  pid_t pid = start_watched("spin", "backoff", /*min_uptime=*/0);
  for (int i = 0; i < 10; ++i) {
    exit_now(pid);
    ASSERT_EQ(processes.spawn_count(), static_cast<size_t>(i + 2)) << "restarted at once";
    pid = processes.last_pid();
  }
  exit_now(pid);
  EXPECT_EQ(processes.spawn_count(), 11u);  // the 11th waits
  EXPECT_EQ(snapshot("spin").phase, Phase::backoff);
  EXPECT_EQ(events.events.back().delay_ms, 100);
  const auto [next, waited] = fire_restart();
  EXPECT_EQ(waited, milliseconds{100});
  EXPECT_TRUE(snapshot("spin").online);
}

TEST_F(ChildLifecycleTest, RestartWithUpdateEnvReplacesTheRecordedEnvironment) {
  start_plain("api");
  RestartParams keep;
  keep.env = {"PATH=/usr/bin", "PORT=2"};
  sup.restart("api", keep, [](const Result<RestartOutcome>&) {});
  reap(processes.last_pid());
  close_output(processes.last_pid());
  ASSERT_TRUE(timers.fire_next());
  EXPECT_EQ(processes.spawns.back().env, (Lines{"PATH=/bin"}));  // the first start's wins
  RestartParams update = keep;
  update.update_env = true;
  sup.restart("api", update, [](const Result<RestartOutcome>&) {});
  reap(processes.last_pid());
  close_output(processes.last_pid());
  ASSERT_TRUE(timers.fire_next());
  EXPECT_EQ(processes.spawns.back().env, (Lines{"PATH=/usr/bin", "PORT=2"}));
  ASSERT_TRUE(record("api").env);
  EXPECT_EQ(*record("api").env, (Lines{"PATH=/usr/bin", "PORT=2"}));
}

}  // namespace
}  // namespace bgo::daemon
