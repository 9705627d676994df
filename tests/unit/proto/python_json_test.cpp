// SPDX-License-Identifier: MIT
// Tests for the Python-compatible json.dumps used by state files and `status --json`.
#include "proto/python_json.hpp"

#include <cmath>
#include <limits>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace bgo::proto {
namespace {

namespace json = boost::json;

TEST(PythonJsonDumps, GoldenRowArray) {
  // The §6.7 shape: unicode escaped, nested watch block, empty array, nulls.
  const json::value rows = json::parse(R"([
    {"name": "caf\u00e9", "pid": 41301, "status": "online", "cpu": "0.3", "mem": "1.2",
     "uptime": "02:11", "command": ["/usr/bin/node", "server.js"], "cwd": "/srv/api",
     "started_at": "2025-03-01T10:15:42.123456+00:00",
     "watch": {"enabled": true, "interval": 3, "min_uptime": 2, "on_fast_crash": "backoff",
               "watcher_pid": null, "watcher_pgid": null, "restarts": 0,
               "last_restart_at": null, "errored": false, "error_reason": null,
               "last_stderr_tail": "boom\n\ttrace \"x\"\\"}},
    {"name": "empty", "pid": null, "status": "stopped", "cpu": "-", "mem": "-", "uptime": "-",
     "command": [], "cwd": null, "started_at": null, "watch": {}}
  ])");
  const std::string expected =
      "[\n"
      "  {\n"
      "    \"name\": \"caf\\u00e9\",\n"
      "    \"pid\": 41301,\n"
      "    \"status\": \"online\",\n"
      "    \"cpu\": \"0.3\",\n"
      "    \"mem\": \"1.2\",\n"
      "    \"uptime\": \"02:11\",\n"
      "    \"command\": [\n"
      "      \"/usr/bin/node\",\n"
      "      \"server.js\"\n"
      "    ],\n"
      "    \"cwd\": \"/srv/api\",\n"
      "    \"started_at\": \"2025-03-01T10:15:42.123456+00:00\",\n"
      "    \"watch\": {\n"
      "      \"enabled\": true,\n"
      "      \"interval\": 3,\n"
      "      \"min_uptime\": 2,\n"
      "      \"on_fast_crash\": \"backoff\",\n"
      "      \"watcher_pid\": null,\n"
      "      \"watcher_pgid\": null,\n"
      "      \"restarts\": 0,\n"
      "      \"last_restart_at\": null,\n"
      "      \"errored\": false,\n"
      "      \"error_reason\": null,\n"
      "      \"last_stderr_tail\": \"boom\\n\\ttrace \\\"x\\\"\\\\\"\n"
      "    }\n"
      "  },\n"
      "  {\n"
      "    \"name\": \"empty\",\n"
      "    \"pid\": null,\n"
      "    \"status\": \"stopped\",\n"
      "    \"cpu\": \"-\",\n"
      "    \"mem\": \"-\",\n"
      "    \"uptime\": \"-\",\n"
      "    \"command\": [],\n"
      "    \"cwd\": null,\n"
      "    \"started_at\": null,\n"
      "    \"watch\": {}\n"
      "  }\n"
      "]";
  EXPECT_EQ(python_json_dumps(rows, 2), expected);
}

TEST(PythonJsonDumps, EmptyContainersAndScalars) {
  EXPECT_EQ(python_json_dumps(json::array{}, 2), "[]");
  EXPECT_EQ(python_json_dumps(json::object{}, 2), "{}");
  EXPECT_EQ(python_json_dumps(nullptr, 2), "null");
  EXPECT_EQ(python_json_dumps(true, 2), "true");
  EXPECT_EQ(python_json_dumps(-7, 2), "-7");
  EXPECT_EQ(python_json_dumps(std::numeric_limits<std::uint64_t>::max(), 2),
            "18446744073709551615");
  EXPECT_EQ(python_json_dumps(json::parse("[[], {}]"), 2), "[\n  [],\n  {}\n]");
}

TEST(PythonJsonDumps, OtherIndentWidths) {
  EXPECT_EQ(python_json_dumps(json::parse(R"({"a": [1]})"), 4),
            "{\n    \"a\": [\n        1\n    ]\n}");
  EXPECT_EQ(python_json_dumps(json::parse(R"({"a": [1]})"), 0), "{\n\"a\": [\n1\n]\n}");
}

TEST(PythonJsonDumps, EscapesLikeEnsureAscii) {
  const json::value s = json::string("q\" b\\ n\n r\r t\t b\b f\f \x01 \x1f \x7f caf\u00e9");
  EXPECT_EQ(python_json_compact(s),
            R"("q\" b\\ n\n r\r t\t b\b f\f \u0001 \u001f \u007f caf\u00e9")");
  // Above U+FFFF: a surrogate pair, lowercase hex.
  EXPECT_EQ(python_json_compact(json::string("\U0001F600")), R"("\ud83d\ude00")");
  EXPECT_EQ(python_json_compact(json::string("\u540d\u2028/")), R"("\u540d\u2028/")");
}

TEST(PythonJsonDumps, DoublesLikeRepr) {
  EXPECT_EQ(python_json_compact(json::parse("[1.0, 0.1, 1.5, -0.0, 100.0]")),
            "[1.0, 0.1, 1.5, -0.0, 100.0]");
  EXPECT_EQ(python_json_compact(json::value(1e16)), "1e+16");
  EXPECT_EQ(python_json_compact(json::value(1e15)), "1000000000000000.0");
  EXPECT_EQ(python_json_compact(json::value(1e-5)), "1e-05");
  EXPECT_EQ(python_json_compact(json::value(0.0001)), "0.0001");
  EXPECT_EQ(python_json_compact(json::value(1.5e300)), "1.5e+300");
  EXPECT_EQ(python_json_compact(json::value(std::nan(""))), "NaN");
  EXPECT_EQ(python_json_compact(json::value(-HUGE_VAL)), "-Infinity");
}

TEST(PythonJsonCompact, ErrorObject) {
  json::object error;
  error["error"] = "no process named 'x'";
  EXPECT_EQ(python_json_compact(error), R"({"error": "no process named 'x'"})");
  EXPECT_EQ(python_json_compact(json::parse(R"({"a": [1, {"b": null}], "c": {}})")),
            R"({"a": [1, {"b": null}], "c": {}})");
}

}  // namespace
}  // namespace bgo::proto
