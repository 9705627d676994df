// SPDX-License-Identifier: MIT
// StateStore with its writer thread: saves reach the disk behind the loop, coalesced per name
// and in order, waiters hear each write's result, close() writes what is queued, and every
// write is counted and timed with the injected clock.
#include "daemon/os/state_store.hpp"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"
#include "tests/unit/daemon/os/io_wait.hpp"

namespace bgo::daemon {
namespace {

using std::chrono::milliseconds;

// Moves 3 ms further at each reading, so a file (two readings) takes exactly 3 ms. Read by
// the loop and the writer thread.
class SteppingClock final : public Clock {
 public:
  time_point now() const override {
    return time_point{} + milliseconds(3) * (ticks_.fetch_add(1) + 1);
  }
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::time_point{};
  }

 private:
  mutable std::atomic<int64_t> ticks_{0};
};

ProcessRecord record(const std::string& name, const std::string& program = "/bin/true") {
  ProcessRecord r;
  r.name = name;
  r.command = {program};
  return r;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(paths_.ensure_dirs()); }

  // Waits on the loop for `ticket` and returns its result.
  Result<void> durable(StoreTicket ticket) {
    std::optional<Result<void>> result;
    store_.when_durable(ticket, [&](Result<void> r) { result = std::move(r); });
    EXPECT_TRUE(test::run_until(io_, [&] { return result.has_value(); }));
    return result.value_or(make_error(Errc::internal, "not settled"));
  }

  test::TempDir dir_;
  Paths paths_{dir_.path() / "home"};
  SteppingClock clock_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  StateStore store_{io_, paths_, clock_};
};

TEST_F(StateStoreTest, SavesReachTheDiskBehindTheLoopNewestLast) {
  const StoreTicket a1 = store_.save(record("a", "/bin/one"));
  const StoreTicket b = store_.save(record("b"));
  const StoreTicket a2 = store_.save(record("a", "/bin/two"));
  EXPECT_EQ(a2, a1 + 2);
  EXPECT_EQ(b, a1 + 1);
  EXPECT_EQ(store_.newest(), a2);
  ASSERT_TRUE(durable(a2));
  EXPECT_NE(slurp(paths_.state_file("a")).find("/bin/two"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(paths_.state_file("b")));
  ASSERT_TRUE(durable(a1));  // settled already: at once
  const StoreStats& s = store_.stats();
  EXPECT_EQ(s.writes + s.coalesced, 3U);  // however the writer grouped them
  EXPECT_GE(s.commits, 1U);
  EXPECT_EQ(s.failures, 0U);
  EXPECT_EQ(s.latency.count(), s.writes);
  // Each file's latency is measured on the injected clock: one 3 ms step from its start to its
  // end, plus one for each save() the loop made meanwhile (save() reads the same clock, and
  // the writer may already be at work on a1 while b and a2 are saved): 3 saves at most.
  const auto writes = static_cast<int64_t>(s.writes);
  EXPECT_GE(s.latency.sum(), milliseconds(3) * writes);
  EXPECT_LE(s.latency.sum(), milliseconds(3) * (writes + 3));
  EXPECT_EQ(s.commit_latency.count(), s.commits);
}

TEST_F(StateStoreTest, RemovalAndSaveOfOneNameKeepTheirOrder) {
  (void)store_.save(record("x"));
  (void)store_.remove("x");
  ASSERT_TRUE(durable(store_.newest()));
  EXPECT_FALSE(std::filesystem::exists(paths_.state_file("x")));
  (void)store_.remove("y");
  (void)store_.save(record("y"));
  ASSERT_TRUE(durable(store_.newest()));
  EXPECT_TRUE(std::filesystem::exists(paths_.state_file("y")));
}

TEST_F(StateStoreTest, AFailedSaveIsReportedToItsWaiterAndCounted) {
  // A procs/ others may write is refused (common/home_dir.hpp): nothing is replaced.
  ASSERT_EQ(::chmod(paths_.procs_dir().c_str(), 0777), 0);
  const Result<void> failed = durable(store_.save(record("a")));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::io_error);
  EXPECT_EQ(store_.stats().writes, 1U);
  EXPECT_EQ(store_.stats().failures, 1U);
  ASSERT_EQ(::chmod(paths_.procs_dir().c_str(), 0700), 0);
  EXPECT_TRUE(durable(store_.save(record("a"))));
  EXPECT_EQ(store_.stats().writes, 2U);
  EXPECT_EQ(store_.stats().failures, 1U);
}

TEST_F(StateStoreTest, CloseWritesWhatIsQueuedWithoutTheLoop) {
  for (int i = 0; i < 20; ++i) (void)store_.save(record("p" + std::to_string(i)));
  (void)store_.remove("p3");
  bool called = false;
  store_.when_durable(store_.newest(), [&](const Result<void>&) { called = true; });
  store_.close();  // the loop never ran
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(std::filesystem::exists(paths_.state_file("p" + std::to_string(i))), i != 3) << i;
  }
  EXPECT_FALSE(called);  // nobody is left to tell
  // However the writer grouped them (alone, or in groups with one syncfs and the renames):
  // every file counted and timed, no temp file left.
  const StoreStats& s = store_.stats();
  EXPECT_EQ(s.writes + s.coalesced, 21U);
  EXPECT_EQ(s.latency.count(), s.writes);
  EXPECT_EQ(s.failures, 0U);
  for (const auto& e : std::filesystem::directory_iterator(paths_.procs_dir())) {
    EXPECT_EQ(e.path().extension(), ".json") << e.path();
  }
  // After close, a save is written at once.
  const StoreTicket late = store_.save(record("late"));
  EXPECT_TRUE(std::filesystem::exists(paths_.state_file("late")));
  EXPECT_TRUE(durable(late));
}

}  // namespace
}  // namespace bgo::daemon
