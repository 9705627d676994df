// SPDX-License-Identifier: MIT
// The state store's queue without its thread: one write per name, the newest, in order; and
// durability tickets that settle in order, each with its own write's result.
#include "daemon/os/write_queue.hpp"

#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

using Tickets = std::vector<StoreTicket>;

TEST(WriteQueue, OnlyTheNewestSnapshotOfANameIsWritten) {
  WriteQueue q;
  EXPECT_TRUE(q.empty());
  q.push(1, "a", "a1");
  q.push(2, "b", "b1");
  q.push(3, "a", "a2");
  q.push(4, "a", "a3");
  EXPECT_FALSE(q.empty());
  const WriteQueue::Batch batch = q.take();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(batch.through, 4U);
  EXPECT_EQ(batch.snapshots, 4U);
  ASSERT_EQ(batch.writes.size(), 2U);
  EXPECT_EQ(batch.writes[0].name, "a");  // in the order each name was first queued
  EXPECT_EQ(batch.writes[0].bytes, "a3");
  EXPECT_EQ(batch.writes[0].tickets, (Tickets{1, 3, 4}));
  EXPECT_EQ(batch.writes[1].name, "b");
  EXPECT_EQ(batch.writes[1].bytes, "b1");
  EXPECT_EQ(batch.writes[1].tickets, (Tickets{2}));
}

TEST(WriteQueue, SaveThenRemoveRemovesAndRemoveThenSaveSaves) {
  WriteQueue q;
  q.push(1, "gone", "x");
  q.push(2, "gone", std::nullopt);
  q.push(3, "back", std::nullopt);
  q.push(4, "back", "y");
  const WriteQueue::Batch batch = q.take();
  ASSERT_EQ(batch.writes.size(), 2U);
  EXPECT_EQ(batch.writes[0].bytes, std::nullopt);
  EXPECT_EQ(batch.writes[0].tickets, (Tickets{1, 2}));
  EXPECT_EQ(batch.writes[1].bytes, "y");
}

TEST(WriteQueue, ABatchTakenIsNotCoalescedWithLaterSnapshots) {
  WriteQueue q;
  q.push(1, "a", "a1");
  const WriteQueue::Batch first = q.take();
  q.push(2, "a", std::nullopt);
  const WriteQueue::Batch second = q.take();
  // The writer handles batches one after the other: the removal comes after the save.
  EXPECT_EQ(first.writes.at(0).bytes, "a1");
  EXPECT_EQ(second.writes.at(0).bytes, std::nullopt);
  EXPECT_EQ(second.through, 2U);
  EXPECT_EQ(second.snapshots, 1U);
  EXPECT_TRUE(q.take().writes.empty());
}

TEST(DurableTickets, WaitersRunInTicketOrderOnceTheirGroupSettles) {
  DurableTickets t;
  std::vector<std::string> calls;
  t.wait(3, [&](const Result<void>& r) { calls.push_back("3:" + std::to_string(bool(r))); });
  t.wait(1, [&](const Result<void>& r) { calls.push_back("1:" + std::to_string(bool(r))); });
  t.wait(5, [&](const Result<void>& r) { calls.push_back("5:" + std::to_string(bool(r))); });
  t.wait(3, [&](const Result<void>& r) { calls.push_back("3b:" + std::to_string(bool(r))); });
  EXPECT_EQ(t.waiting(), 4U);
  t.settle(3, {{3, make_error(Errc::io_error, "No space left on device")}});
  EXPECT_EQ(calls, (std::vector<std::string>{"1:1", "3:0", "3b:0"}));
  EXPECT_EQ(t.settled(), 3U);
  EXPECT_EQ(t.waiting(), 1U);
  t.settle(5, {});
  EXPECT_EQ(calls.back(), "5:1");
  EXPECT_EQ(t.waiting(), 0U);
}

TEST(DurableTickets, AWaitForASettledTicketRunsAtOnceWithItsResult) {
  DurableTickets t;
  t.settle(4, {{2, make_error(Errc::io_error, "disk full")}});
  std::optional<Result<void>> two;
  std::optional<Result<void>> three;
  t.wait(2, [&](Result<void> r) { two = std::move(r); });
  t.wait(3, [&](Result<void> r) { three = std::move(r); });
  ASSERT_TRUE(two && three);
  EXPECT_FALSE(*two);
  EXPECT_EQ(two->error().message, "disk full");
  EXPECT_TRUE(*three);
}

TEST(DurableTickets, AWaiterMayWaitForANewerTicket) {
  DurableTickets t;
  bool second = false;
  t.wait(1, [&](const Result<void>&) { t.wait(2, [&](const Result<void>&) { second = true; }); });
  t.settle(1, {});
  EXPECT_FALSE(second);  // ticket 2 is not on disk yet
  t.settle(2, {});
  EXPECT_TRUE(second);
}

}  // namespace
}  // namespace bgo::daemon
