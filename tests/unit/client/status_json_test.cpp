// SPDX-License-Identifier: MIT
// Golden output of `bgo status --json` (spec §6.7): the original's keys, order and layout,
// then issue #13's added keys.
#include "client/render/status_json.hpp"

#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/render/row_format.hpp"

namespace bgo::client {
namespace {

namespace json = boost::json;

// What bgod's `get` answers: the row keys plus detail-only ones, in another order.
json::object detail_from_bgod() {
  return json::parse(R"({"pgid": 41301, "logs": {"stdout": null}, "exit_code": null,
      "watch": {"enabled": true, "interval": 3, "min_uptime": 2, "on_fast_crash": "backoff",
                "watcher_pid": null, "watcher_pgid": null, "restarts": 0,
                "last_restart_at": null, "errored": false, "error_reason": null,
                "last_stderr_tail": null},
      "name": "api", "status": "online", "pid": 41301, "cpu": "0.3", "mem": "1.2",
      "uptime": "02:11", "command": ["/usr/bin/node", "server.js"], "cwd": "/srv/caf\u00e9",
      "started_at": "2025-03-01T10:15:42.123456+00:00", "autostart": "never",
      "restarts": 0, "uptime_seconds": 131, "memory_bytes": 5242880, "cpu_percent": 0.3,
      "running_pid": 41301, "exit_signal": null, "stop_reason": null})")
      .as_object();
}

TEST(StatusJsonGolden, OneRow) {
  EXPECT_EQ(status_json(detail_from_bgod()),
            "{\n"
            "  \"name\": \"api\",\n"
            "  \"pid\": 41301,\n"
            "  \"status\": \"online\",\n"
            "  \"cpu\": \"0.3\",\n"
            "  \"mem\": \"1.2\",\n"
            "  \"uptime\": \"02:11\",\n"
            "  \"command\": [\n"
            "    \"/usr/bin/node\",\n"
            "    \"server.js\"\n"
            "  ],\n"
            "  \"cwd\": \"/srv/caf\\u00e9\",\n"
            "  \"started_at\": \"2025-03-01T10:15:42.123456+00:00\",\n"
            "  \"watch\": {\n"
            "    \"enabled\": true,\n"
            "    \"interval\": 3,\n"
            "    \"min_uptime\": 2,\n"
            "    \"on_fast_crash\": \"backoff\",\n"
            "    \"watcher_pid\": null,\n"
            "    \"watcher_pgid\": null,\n"
            "    \"restarts\": 0,\n"
            "    \"last_restart_at\": null,\n"
            "    \"errored\": false,\n"
            "    \"error_reason\": null,\n"
            "    \"last_stderr_tail\": null\n"
            "  },\n"
            "  \"stop_reason\": null,\n"
            "  \"exit_code\": null,\n"
            "  \"exit_signal\": null,\n"
            "  \"running_pid\": 41301,\n"
            "  \"cpu_percent\": 0.3,\n"
            "  \"memory_bytes\": 5242880,\n"
            "  \"uptime_seconds\": 131,\n"
            "  \"restarts\": 0\n"
            "}\n");
}

TEST(StatusJsonGolden, ArraySortedByNameMissingKeysNull) {
  const std::vector<json::object> rows = {
      json::parse(R"({"name": "web", "pid": 7, "status": "stopped", "cpu": "-", "mem": "-",
          "uptime": "-", "command": [], "cwd": null, "started_at": null, "watch": null,
          "restarts": 2, "exit_code": 3, "stop_reason": "crashed", "pgid": 7})")
          .as_object(),
      json::parse(R"({"name": "Zeta", "pid": 8})").as_object(),
  };
  EXPECT_EQ(status_json(rows),
            "[\n"
            "  {\n"
            "    \"name\": \"Zeta\",\n"
            "    \"pid\": 8,\n"
            "    \"status\": null,\n"
            "    \"cpu\": null,\n"
            "    \"mem\": null,\n"
            "    \"uptime\": null,\n"
            "    \"command\": null,\n"
            "    \"cwd\": null,\n"
            "    \"started_at\": null,\n"
            "    \"watch\": null,\n"
            "    \"stop_reason\": null,\n"
            "    \"exit_code\": null,\n"
            "    \"exit_signal\": null,\n"
            "    \"running_pid\": null,\n"
            "    \"cpu_percent\": null,\n"
            "    \"memory_bytes\": null,\n"
            "    \"uptime_seconds\": null,\n"
            "    \"restarts\": null\n"
            "  },\n"
            "  {\n"
            "    \"name\": \"web\",\n"
            "    \"pid\": 7,\n"
            "    \"status\": \"stopped\",\n"
            "    \"cpu\": \"-\",\n"
            "    \"mem\": \"-\",\n"
            "    \"uptime\": \"-\",\n"
            "    \"command\": [],\n"
            "    \"cwd\": null,\n"
            "    \"started_at\": null,\n"
            "    \"watch\": null,\n"
            "    \"stop_reason\": \"crashed\",\n"
            "    \"exit_code\": 3,\n"
            "    \"exit_signal\": null,\n"
            "    \"running_pid\": null,\n"
            "    \"cpu_percent\": null,\n"
            "    \"memory_bytes\": null,\n"
            "    \"uptime_seconds\": null,\n"
            "    \"restarts\": 2\n"
            "  }\n"
            "]\n");
}

TEST(StatusJson, ProjectKeysComeLastAndOnlyWhenSent) {
  json::object full = detail_from_bgod();
  full["definition"] = "sha256:ab12";
  full["project"] = "shop";
  full["ready"] = nullptr;  // a health key: before the project's
  const json::object row = status_row(full);
  std::vector<std::string> keys;
  for (const auto& kv : row) keys.emplace_back(kv.key());
  ASSERT_GE(keys.size(), 3U);
  EXPECT_EQ(std::vector<std::string>(keys.end() - 3, keys.end()),
            (std::vector<std::string>{"ready", "project", "definition"}));
  EXPECT_EQ(row.at("project"), "shop");
  EXPECT_EQ(row.at("definition"), "sha256:ab12");
  // A process started by hand has neither.
  EXPECT_FALSE(status_row(detail_from_bgod()).contains("project"));
  EXPECT_FALSE(status_row(detail_from_bgod()).contains("definition"));
  // Templates may name them.
  std::string unknown;
  EXPECT_EQ(format_row(full, "{name} {project}", unknown), "api shop");
  EXPECT_EQ(format_row(detail_from_bgod(), "{name} {project}", unknown), "api -");
}

TEST(StatusJsonGolden, EmptyAndError) {
  EXPECT_EQ(status_json(std::vector<json::object>{}), "[]\n");
  EXPECT_EQ(status_json_error("ghost"), "{\"error\": \"no process named 'ghost'\"}\n");
}

}  // namespace
}  // namespace bgo::client
