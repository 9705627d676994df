// SPDX-License-Identifier: MIT
// FollowPositions: what `bgo logs -f` sends as `resume` after a live upgrade closed its
// connection, and what it says about output lost meanwhile.
#include "client/commands/follow_positions.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace bgo::client {
namespace {

namespace json = boost::json;

json::value parse(const char* text) { return json::parse(text); }

TEST(FollowPositions, NotificationsMoveTheResultsStartingPoint) {
  FollowPositions p;
  EXPECT_TRUE(p.empty());
  p.on_result(parse(R"({"following":"web","tails":[],"positions":[
      {"name":"web","stream":"stdout","file":"a-1","offset":10},
      {"name":"web","stream":"stderr","file":"","offset":0}]})"));
  p.on_log(parse(R"({"name":"web","stream":"stdout","data":"x\n","file":"a-1","offset":12})"));
  EXPECT_EQ(p.resume(), parse(R"([
      {"name":"web","stream":"stderr","file":"","offset":0},
      {"name":"web","stream":"stdout","file":"a-1","offset":12}])"));
}

TEST(FollowPositions, AResumedResultKeepsTheKnownPositions) {
  FollowPositions p;
  p.on_log(parse(R"({"name":"web","stream":"stdout","data":"x\n","file":"a-1","offset":12})"));
  // The catch-up after this answer brings stdout to 40; until it has come, 12 stands.
  p.on_result(parse(R"({"following":"web","positions":[
      {"name":"web","stream":"stdout","file":"a-1","offset":40}]})"));
  EXPECT_EQ(p.resume(), parse(R"([{"name":"web","stream":"stdout","file":"a-1","offset":12}])"));
}

TEST(FollowPositions, AnOlderBgodGivesNoPositions) {
  FollowPositions p;
  p.on_result(parse(R"({"following":"web","tails":[]})"));
  p.on_log(parse(R"({"name":"web","stream":"stdout","data":"x\n"})"));
  EXPECT_TRUE(p.empty());
}

TEST(FollowPositions, LossesAreNamed) {
  const auto none = FollowPositions::losses(parse(
      R"({"resumed":[{"name":"web","stream":"stdout","bytes":5,"skipped":0,"reset":null}]})"));
  EXPECT_TRUE(none.empty());
  const auto two = FollowPositions::losses(parse(
      R"({"resumed":[{"name":"web","stream":"stdout","bytes":5,"skipped":7,"reset":"rotated"}]})"));
  ASSERT_EQ(two.size(), 2U);
  EXPECT_NE(two[0].find("web stdout was rotated"), std::string::npos) << two[0];
  EXPECT_NE(two[1].find("7 bytes of web stdout"), std::string::npos) << two[1];
}

}  // namespace
}  // namespace bgo::client
