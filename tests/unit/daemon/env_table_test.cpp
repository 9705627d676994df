// SPDX-License-Identifier: MIT
// EnvTable: equal environments share one copy; the last holder frees it.
#include "daemon/core/env_table.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

using Lines = std::vector<std::string>;

TEST(EnvTable, EqualEnvironmentsShareOneCopy) {
  EnvTable table;
  const SharedEnv a = table.intern(Lines{"PATH=/bin", "HOME=/root"});
  const SharedEnv b = table.intern(Lines{"PATH=/bin", "HOME=/root"});
  const SharedEnv c = table.intern(Lines{"PATH=/bin"});
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
  EXPECT_EQ(*a, (Lines{"PATH=/bin", "HOME=/root"}));
  EXPECT_EQ(table.size(), 2U);
}

TEST(EnvTable, OrderMatters) {
  EnvTable table;
  const SharedEnv a = table.intern(Lines{"A=1", "B=2"});
  const SharedEnv b = table.intern(Lines{"B=2", "A=1"});
  EXPECT_NE(a.get(), b.get());
}

TEST(EnvTable, AnEnvironmentMadeElsewhereJoinsTheTable) {
  EnvTable table;
  const SharedEnv loaded = std::make_shared<const Lines>(Lines{"A=1"});  // from a state file
  const SharedEnv first = table.intern(loaded);
  EXPECT_EQ(first.get(), loaded.get());
  EXPECT_EQ(table.intern(Lines{"A=1"}).get(), loaded.get());
  EXPECT_EQ(table.intern(SharedEnv{}), nullptr);  // absent stays absent
}

TEST(EnvTable, TheLastHolderFreesIt) {
  EnvTable table;
  SharedEnv a = table.intern(Lines{"A=1"});
  const std::weak_ptr<const Lines> watch = a;
  a.reset();
  EXPECT_TRUE(watch.expired());
  EXPECT_EQ(table.size(), 0U);
  EXPECT_EQ(*table.intern(Lines{"A=1"}), (Lines{"A=1"}));
}

TEST(EnvTable, ExpiredEntriesAreSweptAsItGrows) {
  EnvTable table;
  SharedEnv kept = table.intern(Lines{"KEEP=1"});
  for (int i = 0; i < 10000; ++i) (void)table.intern(Lines{"N=" + std::to_string(i)});
  EXPECT_EQ(table.size(), 1U);
  EXPECT_EQ(table.intern(Lines{"KEEP=1"}).get(), kept.get());
}

}  // namespace
}  // namespace bgo::daemon
