// SPDX-License-Identifier: MIT
// StateStore's stats: every save counted and timed with the injected clock, failures apart.
#include "daemon/os/state_store.hpp"

#include <filesystem>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace bgo::daemon {
namespace {

using std::chrono::milliseconds;

// Moves 3 ms further at each reading, so a save (two readings) takes exactly 3 ms.
class SteppingClock final : public Clock {
 public:
  time_point now() const override { return at_ += milliseconds(3); }
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::time_point{};
  }

 private:
  mutable time_point at_{};
};

ProcessRecord record(const std::string& name) {
  ProcessRecord r;
  r.name = name;
  r.command = {"/bin/true"};
  return r;
}

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(paths_.ensure_dirs()); }

  test::TempDir dir_;
  Paths paths_{dir_.path() / "home"};
  SteppingClock clock_;
  StateStore store_{paths_, clock_};
};

TEST_F(StateStoreTest, EverySaveIsCountedAndTimed) {
  EXPECT_EQ(store_.stats().writes, 0U);
  EXPECT_EQ(store_.stats().latency.count(), 0U);
  ASSERT_TRUE(store_.save(record("a")));
  ASSERT_TRUE(store_.save(record("b")));
  EXPECT_TRUE(std::filesystem::exists(paths_.state_file("b")));
  const StoreStats& s = store_.stats();
  EXPECT_EQ(s.writes, 2U);
  EXPECT_EQ(s.failures, 0U);
  EXPECT_EQ(s.latency.count(), 2U);
  EXPECT_EQ(s.latency.sum(), milliseconds(6));
  // 3 ms lands in the 5 ms bucket, not in the 2.5 ms one.
  const auto& bounds = s.latency.bounds();
  const auto counts = s.latency.cumulative();
  for (size_t i = 0; i < bounds.size(); ++i) {
    EXPECT_EQ(counts[i], bounds[i] >= milliseconds(3) ? 2U : 0U) << bounds[i].count() << " µs";
  }
}

TEST_F(StateStoreTest, AFailedSaveIsCountedAsAWriteAndAFailure) {
  // A procs/ others may write is refused (common/home_dir.hpp): nothing is replaced.
  ASSERT_EQ(::chmod(paths_.procs_dir().c_str(), 0777), 0);
  EXPECT_FALSE(store_.save(record("a")));
  EXPECT_EQ(store_.stats().writes, 1U);
  EXPECT_EQ(store_.stats().failures, 1U);
  EXPECT_EQ(store_.stats().latency.count(), 1U);
  ASSERT_EQ(::chmod(paths_.procs_dir().c_str(), 0700), 0);
  EXPECT_TRUE(store_.save(record("a")));
  EXPECT_EQ(store_.stats().writes, 2U);
  EXPECT_EQ(store_.stats().failures, 1U);
}

}  // namespace
}  // namespace bgo::daemon
