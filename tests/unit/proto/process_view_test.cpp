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

}  // namespace
}  // namespace bgo::proto
