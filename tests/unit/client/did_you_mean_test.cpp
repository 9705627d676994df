// SPDX-License-Identifier: MIT
// Did-you-mean: distances, nearest names, and the stricter rule for commands.
#include "client/did_you_mean.hpp"

#include <gtest/gtest.h>

namespace bgo::client {
namespace {

TEST(DidYouMean, EditDistanceCountsSwapsAsOne) {
  EXPECT_EQ(edit_distance("stauts", "status"), 1U);
  EXPECT_EQ(edit_distance("restat", "restart"), 1U);
  EXPECT_EQ(edit_distance("wbe", "web"), 1U);
  EXPECT_EQ(edit_distance("", "abc"), 3U);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
  EXPECT_EQ(edit_distance("same", "same"), 0U);
}

TEST(DidYouMean, ClosestNamesNearestFirst) {
  const std::vector<std::string> names{"worker", "web", "api", "webs"};
  EXPECT_EQ(closest("wbe", names), (std::vector<std::string>{"web", "webs"}));
  EXPECT_EQ(closest("zzzzzz", names), std::vector<std::string>{});
  EXPECT_EQ(did_you_mean(closest("wbe", names)), " Did you mean 'web' or 'webs'?");
  EXPECT_EQ(did_you_mean({}), "");
}

TEST(DidYouMean, CommandsNeedACloserMatchForShortWords) {
  const std::vector<std::string> commands{"start", "stop", "status", "ls", "rm", "restart", "logs"};
  EXPECT_EQ(closest_command("stauts", commands), "status");
  EXPECT_EQ(closest_command("restat", commands), "restart");
  EXPECT_EQ(closest_command("stp", commands), "stop");
  EXPECT_EQ(closest_command("db", commands), "");  // not `rm`/`ls`: too short to guess
  EXPECT_EQ(closest_command("api", commands), "");
  EXPECT_EQ(closest_command("lgos", commands), "logs");
  EXPECT_EQ(closest_command("mail", commands), "");
}

}  // namespace
}  // namespace bgo::client
