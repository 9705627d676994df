// SPDX-License-Identifier: MIT
// Replies that promise a state wait for it to be on disk; events never do (the store's writes
// are deferred here until the test completes them, as the writer thread would).
#include <csignal>

#include "tests/unit/daemon/supervisor_fixture.hpp"

namespace bgo::daemon {
namespace {

using Signals = std::vector<std::pair<pid_t, int>>;

class DurableRepliesTest : public SupervisorTest {
 protected:
  bool has_event(EventKind kind) const {
    for (const auto& e : events.events) {
      if (e.kind == kind) return true;
    }
    return false;
  }
};

TEST_F(DurableRepliesTest, AStartIsAnsweredOnceItsStateIsOnDisk) {
  store.deferred = true;
  std::optional<Result<StartOutcome>> answer;
  sup.start(params("api"), [&](Result<StartOutcome> r) { answer = std::move(r); });
  EXPECT_TRUE(has_event(EventKind::spawned));  // the event did not wait for the disk
  ASSERT_TRUE(timers.fire_next());             // the start probe
  EXPECT_FALSE(answer.has_value()) << "answered before its state is on disk";
  EXPECT_FALSE(store.has("api"));
  store.complete();
  ASSERT_TRUE(answer.has_value() && answer->has_value());
  EXPECT_EQ((*answer)->pid, processes.last_pid());
  EXPECT_EQ(record("api").status, RecordStatus::running);
  EXPECT_EQ(record("api").pid, processes.last_pid());
}

TEST_F(DurableRepliesTest, ADiskFasterThanTheProbeStillWaitsForTheProbe) {
  store.deferred = true;
  std::optional<Result<StartOutcome>> answer;
  sup.start(params("api"), [&](Result<StartOutcome> r) { answer = std::move(r); });
  store.complete();
  EXPECT_FALSE(answer.has_value());
  ASSERT_TRUE(timers.fire_next());
  EXPECT_TRUE(answer.has_value() && answer->has_value());
}

TEST_F(DurableRepliesTest, AStartWhoseWriteFailsLaterIsKilledAndRefused) {
  store.deferred = true;
  store.full = true;
  std::optional<Result<StartOutcome>> answer;
  sup.start(params("new1"), [&](Result<StartOutcome> r) { answer = std::move(r); });
  const pid_t pid = processes.last_pid();
  ASSERT_TRUE(timers.fire_next());  // the probe passed, the disk has not answered yet
  EXPECT_FALSE(answer.has_value());
  store.complete();  // ENOSPC
  EXPECT_EQ(processes.signals, (Signals{{pid, SIGKILL}}));
  EXPECT_FALSE(answer.has_value()) << "answered before the process is gone";
  processes.live.erase(pid);
  sup.on_exit(pid, ExitStatus::signaled(SIGKILL));
  sup.on_output_closed(pid);
  sup.on_output_closed(pid);
  ASSERT_TRUE(answer.has_value());
  ASSERT_FALSE(answer->has_value());
  EXPECT_EQ(answer->error().code, Errc::io_error);
  EXPECT_NE(answer->error().message.find("cannot save the state of 'new1'"), std::string::npos);
  EXPECT_NE(answer->error().message.find("No space left on device"), std::string::npos);
  EXPECT_EQ(sup.size(), 0U);
}

TEST_F(DurableRepliesTest, AStartThatExitsAtOnceIsRefusedWhateverTheDiskSays) {
  store.deferred = true;
  std::optional<Result<StartOutcome>> answer;
  sup.start(params("bad"), [&](Result<StartOutcome> r) { answer = std::move(r); });
  exit_now(processes.last_pid(), 3);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->error().code, Errc::exited_at_once);
  store.complete();  // nothing more is answered
}

TEST_F(DurableRepliesTest, AStopIsAnsweredOnceTheStoppedStateIsOnDisk) {
  const pid_t pid = start_plain("api");
  store.deferred = true;
  std::optional<Result<StopOutcome>> answer;
  sup.stop("api", false, seconds{5}, [&](Result<StopOutcome> r) { answer = std::move(r); });
  exit_now(pid, 0);
  EXPECT_TRUE(has_event(EventKind::stopped));
  EXPECT_FALSE(answer.has_value());
  EXPECT_EQ(record("api").status, RecordStatus::running);  // the file, not yet written
  store.complete();
  ASSERT_TRUE(answer.has_value() && answer->has_value());
  EXPECT_EQ(record("api").status, RecordStatus::stopped);
  EXPECT_EQ(record("api").stop_reason, StopReason::user);
}

TEST_F(DurableRepliesTest, AStopWhoseWriteFailsSaysSoAndIsRetried) {
  const pid_t pid = start_plain("keep");
  store.deferred = true;
  store.full = true;
  std::optional<Result<StopOutcome>> answer;
  sup.stop("keep", false, seconds{5}, [&](Result<StopOutcome> r) { answer = std::move(r); });
  exit_now(pid, 0);
  store.complete();
  ASSERT_TRUE(answer.has_value());
  ASSERT_FALSE(answer->has_value());
  EXPECT_NE(answer->error().message.find("'keep' stopped, but its state could not be saved"),
            std::string::npos);
  store.full = false;
  ASSERT_TRUE(timers.fire_next());  // the retry timer saves again...
  store.complete();                 // ...and it reaches the disk
  EXPECT_EQ(record("keep").status, RecordStatus::stopped);
  EXPECT_FALSE(timers.fire_next());  // nothing more owed
}

TEST_F(DurableRepliesTest, ADeleteIsAnsweredOnceTheFileIsGone) {
  start_plain("api");
  sup.stop("api", false, seconds{5}, [](const Result<StopOutcome>&) {});
  exit_now(processes.last_pid(), 0);
  store.deferred = true;
  std::optional<Result<bool>> answer;
  sup.remove("api", false, [&](Result<bool> r) { answer = std::move(r); });
  EXPECT_TRUE(has_event(EventKind::deleted));
  EXPECT_FALSE(answer.has_value());
  EXPECT_TRUE(store.has("api"));
  store.complete();
  ASSERT_TRUE(answer.has_value() && answer->has_value());
  EXPECT_FALSE(store.has("api"));
}

TEST_F(DurableRepliesTest, AWatchRestartDoesNotWaitForTheDisk) {
  const pid_t first = start_watched("spin", "backoff", /*min_uptime=*/0);
  store.deferred = true;
  exit_now(first);
  // Restarted in the same turn, and both events are out, with nothing written yet.
  EXPECT_EQ(processes.spawn_count(), 2U);
  EXPECT_EQ(events.events.back().kind, EventKind::spawned);
  EXPECT_EQ(store.queued.size(), 1U);  // the respawn's save: nothing was written in between
  store.complete();
  EXPECT_EQ(record("spin").pid, processes.last_pid());
}

TEST_F(DurableRepliesTest, OnlyTheNewestSaveOfANameDecidesWhatIsOwed) {
  const pid_t pid = start_plain("api");
  store.deferred = true;
  store.full = true;
  std::optional<Result<StopOutcome>> stopped;
  sup.stop("api", false, seconds{5}, [&](Result<StopOutcome> r) { stopped = std::move(r); });
  exit_now(pid, 0);                                         // the stop's save...
  (void)sup.set_autostart("api", AutostartPolicy::always);  // ...and a newer one
  std::optional<Result<void>> newest;
  sup.when_saved("api", [&](Result<void> r) { newest = std::move(r); });
  store.complete(1);  // the stop's write fails
  ASSERT_TRUE(stopped.has_value());
  EXPECT_FALSE(stopped->has_value());  // that write did fail: the client hears it
  EXPECT_FALSE(newest.has_value());
  store.full = false;
  store.complete();  // the newest write carries the stop too, and goes through
  ASSERT_TRUE(newest.has_value());
  EXPECT_TRUE(*newest);
  EXPECT_EQ(record("api").status, RecordStatus::stopped);
  EXPECT_FALSE(timers.fire_next());  // nothing owed: no retry was armed for the older failure
}

}  // namespace
}  // namespace bgo::daemon
