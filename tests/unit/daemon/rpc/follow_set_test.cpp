// SPDX-License-Identifier: MIT
// Tests for FollowSet (follow/unfollow of names and of every process).
#include "daemon/rpc/follow_set.hpp"

#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

TEST(FollowSet, NamesAndAll) {
  FollowSet f;
  EXPECT_TRUE(f.empty());
  f.follow({"a", "b"});
  EXPECT_TRUE(f.contains("a"));
  EXPECT_FALSE(f.contains("c"));
  f.unfollow({"a"});
  EXPECT_FALSE(f.contains("a"));
  EXPECT_TRUE(f.contains("b"));
  f.follow_all();
  EXPECT_TRUE(f.contains("a"));
  EXPECT_TRUE(f.contains("registered-later"));
  f.unfollow({"b", "c"});  // while following all: those two no more
  EXPECT_FALSE(f.contains("b"));
  EXPECT_FALSE(f.contains("c"));
  EXPECT_TRUE(f.contains("a"));
  f.follow({"c"});  // the latest call wins
  EXPECT_TRUE(f.contains("c"));
  f.follow_all();  // again: every process, none excepted
  EXPECT_TRUE(f.contains("b"));
  EXPECT_FALSE(f.empty());
  f.unfollow_all();
  EXPECT_TRUE(f.empty());
  EXPECT_FALSE(f.contains("c"));
}

}  // namespace
}  // namespace bgo::daemon
