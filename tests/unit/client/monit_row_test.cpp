// SPDX-License-Identifier: MIT
// Tests for `bgo monit`'s rows: a `list` row read into Row, and the STATE it shows.
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/monit/row.hpp"

namespace bgo::client::monit {
namespace {

namespace json = boost::json;

json::object parsed(std::string_view text) { return json::parse(text).as_object(); }

TEST(MonitRow, ReadsAListRow) {
  const Row row = parse_row(parsed(R"({"name":"web","pid":41234,"status":"online","cpu":"0.3",
      "mem":"0.4","uptime":"01:02:17","command":["/usr/bin/python3","-m","http.server"],
      "cwd":"/srv","started_at":null,"watch":{"enabled":true,"restarts":3,"errored":false},
      "stop_reason":null,"exit_code":null,"exit_signal":null,"running_pid":41234,
      "cpu_percent":0.3,"memory_bytes":1048576,"uptime_seconds":3737,"restarts":3,
      "project":"shop","definition":"abc"})"));
  EXPECT_EQ(row.name, "web");
  EXPECT_EQ(row.project, "shop");
  EXPECT_TRUE(row.online());
  EXPECT_EQ(row.pid, 41234);
  EXPECT_DOUBLE_EQ(row.cpu.value_or(-1), 0.3);
  EXPECT_EQ(row.memory, 1048576);
  EXPECT_EQ(row.uptime, 3737);
  EXPECT_EQ(row.restarts, 3);
  EXPECT_TRUE(row.watched);
  EXPECT_FALSE(row.errored);
  EXPECT_EQ(row.command, "python3 -m http.server");
  EXPECT_EQ(state_of(row, false), RowState::online);
}

TEST(MonitRow, MissingOrOddKeysKeepDefaults) {
  const Row row = parse_row(parsed(R"({"name":"x","pid":"nope","cpu_percent":null,
      "watch":null,"restarts":"3","command":"not an array"})"));
  EXPECT_EQ(row.name, "x");
  EXPECT_FALSE(row.pid);
  EXPECT_FALSE(row.cpu);
  EXPECT_FALSE(row.watched);
  EXPECT_EQ(row.restarts, 0);
  EXPECT_EQ(row.command, "");
  EXPECT_EQ(state_of(row, false), RowState::stopped);
}

TEST(MonitRow, StatesInOrderOfUrgency) {
  Row row =
      parse_row(parsed(R"({"name":"a","status":"online","ready":false,"health":"starting"})"));
  EXPECT_EQ(state_of(row, false), RowState::not_ready);
  row.health = "unhealthy";
  EXPECT_EQ(state_of(row, false), RowState::unhealthy);
  row = parse_row(parsed(R"j({"name":"a","status":"waiting","waiting_for":["db (ready)"]})j"));
  EXPECT_EQ(state_of(row, false), RowState::waiting);
  EXPECT_EQ(row.waiting_for, std::vector<std::string>{"db (ready)"});
  row = parse_row(parsed(R"({"name":"a","status":"stopped","stop_reason":"crashed"})"));
  EXPECT_EQ(state_of(row, false), RowState::crashed);
  EXPECT_EQ(state_of(row, true), RowState::backoff);
  row = parse_row(parsed(R"({"name":"a","status":"stopped","watch":{"errored":true}})"));
  EXPECT_EQ(state_of(row, true), RowState::errored);
  // A disabled watch block is no watch.
  row = parse_row(parsed(R"({"name":"a","status":"stopped","watch":{"enabled":false}})"));
  EXPECT_FALSE(row.watched);
  EXPECT_EQ(to_string(RowState::not_ready), "not ready");
}

}  // namespace
}  // namespace bgo::client::monit
