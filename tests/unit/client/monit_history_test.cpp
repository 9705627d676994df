// SPDX-License-Identifier: MIT
// Tests for `bgo monit`'s one-minute histories and their sparklines.
#include <optional>

#include <gtest/gtest.h>

#include "client/monit/history.hpp"

namespace bgo::client::monit {
namespace {

TEST(MonitHistory, KeepsTheLastMinute) {
  History h;
  for (int i = 0; i < 75; ++i) h.add(i);
  EXPECT_EQ(h.size(), History::k_capacity);
  EXPECT_DOUBLE_EQ(h.at(0), 15.0);
  EXPECT_DOUBLE_EQ(h.at(h.size() - 1), 74.0);
  EXPECT_DOUBLE_EQ(h.max(), 74.0);
}

TEST(MonitHistory, SparklineIsNewestOnTheRightPaddedOnTheLeft) {
  History h;
  for (double v : {0.0, 1.0, 2.0, 4.0, 8.0}) h.add(v);
  EXPECT_EQ(sparkline(h, 8, 1.0, Glyphs::ascii), "   _.:=#");
  EXPECT_EQ(sparkline(h, 3, 1.0, Glyphs::ascii), ":=#");
  EXPECT_EQ(sparkline(h, 5, 1.0, Glyphs::unicode), "▁▂▃▅█");
}

TEST(MonitHistory, FloorKeepsIdleLow) {
  History h;
  for (int i = 0; i < 4; ++i) h.add(0.1);
  // Above zero shows the second level at least, never the top against a tiny maximum.
  EXPECT_EQ(sparkline(h, 4, 5.0, Glyphs::ascii), "....");
  EXPECT_EQ(sparkline(History{}, 3, 5.0, Glyphs::unicode), "   ");
}

TEST(MonitHistory, GapsAreBlank) {
  History h;
  for (std::optional<double> v :
       {std::optional<double>(4.0), std::optional<double>(), std::optional<double>(8.0)}) {
    h.add(v);
  }
  EXPECT_DOUBLE_EQ(h.max(), 8.0);
  EXPECT_EQ(sparkline(h, 3, 1.0, Glyphs::ascii), "= #");
  EXPECT_EQ(sparkline(h, 3, 1.0, Glyphs::ascii, Baseline::lowest), "_ #");
}

TEST(MonitHistory, MemoryLinesStartAtTheirLowest) {
  History steady;
  for (int i = 0; i < 4; ++i) steady.add(500e6);
  EXPECT_EQ(sparkline(steady, 4, 4e6, Glyphs::ascii, Baseline::lowest), "____");
  History growing;
  for (double v : {100e6, 102e6, 104e6, 108e6}) growing.add(v);
  EXPECT_EQ(sparkline(growing, 4, 4e6, Glyphs::ascii, Baseline::lowest), "_:=#");
}

}  // namespace
}  // namespace bgo::client::monit
