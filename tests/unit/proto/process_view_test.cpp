// SPDX-License-Identifier: MIT
// detail_json's keys for `bgo save` (issue #15): the recorded environment, the log options
// given at start, and a project's keys.
#include "proto/process_view.hpp"

#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace bgo::proto {
namespace {

namespace json = boost::json;

ProcessRecord record() {
  ProcessRecord r;
  r.name = "api";
  r.command = {"/usr/bin/node", "server.js"};
  r.cwd = "/srv/api";
  r.env = make_env({"PORT=3000"});
  return r;
}

TEST(DetailJson, LogOptionsAreTheStateFilesOrNull) {
  const Paths paths("/nonexistent-bgo-home");
  ProcessRecord r = record();
  json::object o = detail_json(r, false, UsageText{}, paths);
  ASSERT_TRUE(o.contains("log_options"));
  EXPECT_TRUE(o.at("log_options").is_null());
  EXPECT_EQ(o.at("env"), (json::array{"PORT=3000"}));
  EXPECT_FALSE(o.contains("project"));

  r.logs = LogOptions{.max_size = 1024, .files = 2, .timestamps = true};
  r.project = "shop";
  r.definition = "9f2c";
  o = detail_json(r, false, UsageText{}, paths);
  EXPECT_EQ(o.at("log_options"),
            (json::object{{"max_size", 1024}, {"files", 2}, {"timestamps", true}}));
  EXPECT_EQ(o.at("project"), "shop");
  EXPECT_EQ(o.at("definition"), "9f2c");
  // The row (`list`) has the project but not the detail's keys.
  const json::object row = row_json(r, false, UsageText{});
  EXPECT_EQ(row.at("project"), "shop");
  EXPECT_FALSE(row.contains("log_options"));
}

// Every key of k_row_keys, and only those, are the keys of the full row of a process with
// checks and a project, in the same order.
TEST(RowJson, RowKeysListTheFullRowInOrder) {
  ProcessRecord r = record();
  r.policy.edit().after = {Dependency{.name = "db"}};
  r.project = "shop";
  const json::object full = row_json(r, true, UsageText{}, HealthView{});
  std::vector<std::string> keys;
  for (const auto& kv : full) keys.emplace_back(kv.key());
  EXPECT_EQ(keys, std::vector<std::string>(k_row_keys.begin(), k_row_keys.end()));
  EXPECT_EQ(row_key_index("cpu_percent"), 14u);
  EXPECT_FALSE(row_key_index("pgid").has_value());
}

// With keys, the row is the full row cut to those keys (and `name`), values unchanged;
// conditional keys stay absent where the full row has none.
TEST(RowJson, KeysCutTheFullRow) {
  UsageText usage;
  usage.cpu = "1.5";
  usage.mem = "0.2";
  usage.uptime = "01:02";
  usage.rss_bytes = 4096;
  const ProcessRecord r = record();
  RowKeys keys;
  keys.set(*row_key_index("status"));
  keys.set(*row_key_index("memory_bytes"));
  keys.set(*row_key_index("project"));
  const json::object cut = row_json(r, true, usage, HealthView{}, &keys);
  EXPECT_EQ(cut, (json::object{{"name", "api"}, {"status", "online"}, {"memory_bytes", 4096}}));
  const json::object full = row_json(r, true, usage, HealthView{});
  for (const auto& kv : cut) EXPECT_EQ(kv.value(), full.at(kv.key())) << kv.key();
}

TEST(RowJson, OnlyTheFiguresOfProcNeedUsage) {
  for (std::size_t i = 0; i < k_row_keys.size(); ++i) {
    RowKeys keys;
    keys.set(i);
    const std::string_view k = k_row_keys[i];
    const bool figure = k == "cpu" || k == "mem" || k == "uptime" || k == "cpu_percent" ||
                        k == "memory_bytes" || k == "uptime_seconds";
    EXPECT_EQ(needs_usage(keys), figure) << k;
  }
}

}  // namespace
}  // namespace bgo::proto
