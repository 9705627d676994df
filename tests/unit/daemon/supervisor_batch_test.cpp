// SPDX-License-Identifier: MIT
// Supervisor's batch operations over fake ports (daemon/core/supervisor_batch.cpp).
#include <optional>

#include "tests/unit/daemon/supervisor_fixture.hpp"

namespace bgo::daemon {

// start_many (issue #18): every item is spawned at once, so one probe period answers them all;
// an item that is an error, or a name given twice, is answered in its place.
TEST_F(SupervisorTest, StartManySpawnsAllAtOnceAndAnswersAfterOneProbe) {
  std::vector<Result<StartParams>> items;
  items.emplace_back(params("a"));
  items.emplace_back(make_error(Errc::invalid_name, "invalid process name: ''"));
  items.emplace_back(params("b"));
  items.emplace_back(params("a"));
  std::optional<Result<BatchOutcome>> answer;
  sup.start_many(std::move(items), {"a", "", "b", "a"},
                 [&](Result<BatchOutcome> r) { answer = std::move(r); });
  EXPECT_EQ(processes.spawn_count(), 2u);  // both spawned before any probe ends
  EXPECT_FALSE(answer.has_value());
  const Clock::time_point begin = clock.now();
  while (!answer && timers.fire_next()) {
  }
  ASSERT_TRUE(answer.has_value() && answer->has_value());
  EXPECT_LE(clock.now() - begin, milliseconds{100});  // one probe period, not two
  const std::vector<BatchItem>& got = (*answer)->items;
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].name, "a");
  EXPECT_TRUE(got[0].result.has_value());
  EXPECT_EQ(got[1].result.error().code, Errc::invalid_name);
  EXPECT_TRUE(got[2].result.has_value());
  EXPECT_NE(got[0].result->pid, got[2].result->pid);
  EXPECT_EQ(got[3].result.error().code, Errc::already_running);
  EXPECT_TRUE(snapshot("a").online);
  EXPECT_TRUE(snapshot("b").online);
}

TEST_F(SupervisorTest, StartManyOfNothingAnswersAtOnce) {
  std::optional<Result<BatchOutcome>> answer;
  sup.start_many({}, {}, [&](Result<BatchOutcome> r) { answer = std::move(r); });
  ASSERT_TRUE(answer.has_value() && answer->has_value());
  EXPECT_TRUE((*answer)->items.empty());
}
}  // namespace bgo::daemon
