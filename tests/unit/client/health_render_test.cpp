// SPDX-License-Identifier: MIT
// Issue #14 in the status table, the detail view, `--json` and `--format`: waiting and starting
// processes, readiness and health, and the settings of docs/health.md, on hand-built rows.
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/render/detail.hpp"
#include "client/render/health.hpp"
#include "client/render/row_format.hpp"
#include "client/render/status_json.hpp"
#include "client/render/table.hpp"

namespace bgo::client {
namespace {

namespace json = boost::json;

constexpr Style k_plain{.level = Level::plain, .color = false};
constexpr Style k_normal{.level = Level::normal, .color = false};
constexpr Style k_fancy{.level = Level::fancy, .color = false};

json::object parse_object(std::string_view text) { return json::parse(text).as_object(); }

// db is ready, api waits for it, cache is starting, old crashed before it was made to wait.
std::vector<json::object> rows() {
  return {
      parse_object(R"js({"name": "db", "pid": 100, "status": "online", "cpu": "0.5", "mem": "2.0",
          "uptime": "00:10", "command": ["/usr/bin/postgres"], "watch": null,
          "ready": true, "health": "ready", "health_detail": null, "waiting_for": []})js"),
      parse_object(R"js({"name": "api", "pid": null, "status": "waiting", "cpu": "-", "mem": "-",
          "uptime": "-", "command": ["/usr/bin/node", "api.js"], "watch": null,
          "ready": false, "health": "waiting", "health_detail": null,
          "waiting_for": ["db (ready)"]})js"),
      parse_object(R"js({"name": "cache", "pid": 200, "status": "online", "cpu": "0.1",
          "mem": "0.3", "uptime": "00:02", "command": ["/usr/bin/redis-server"], "watch": null,
          "ready": false, "health": "starting", "health_detail": "connection refused",
          "waiting_for": []})js"),
      parse_object(R"js({"name": "old", "pid": 300, "status": "waiting", "cpu": "-", "mem": "-",
          "uptime": "-", "command": ["/bin/old"], "watch": null, "stop_reason": "crashed",
          "exit_code": 3, "ready": null, "health": "waiting", "waiting_for": ["api (started)"]})js"),
  };
}

// The line of `text` that starts with `prefix` ("" when none).
std::string line_starting(const std::string& text, const std::string& prefix) {
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    if (line.starts_with(prefix)) return line;
    at = end + 1;
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(HealthState, WaitingAndStarting) {
  const auto r = rows();
  EXPECT_FALSE(is_waiting(r[0]));
  EXPECT_FALSE(is_starting(r[0]));
  EXPECT_TRUE(is_waiting(r[1]));
  EXPECT_FALSE(is_starting(r[1]));  // not running
  EXPECT_TRUE(is_starting(r[2]));
  EXPECT_TRUE(is_waiting(r[3]));
  // No readiness check (null or absent `ready`): online as before.
  EXPECT_FALSE(is_starting(parse_object(R"js({"status": "online", "ready": null})js")));
  EXPECT_FALSE(is_starting(parse_object(R"js({"status": "online"})js")));
  // A check object (the state file's `ready`) says nothing about the state.
  EXPECT_FALSE(is_starting(parse_object(R"js({"status": "online", "ready": {"kind": "log"}})js")));
  // In `get` replies `ready` is the check and `health` tells.
  EXPECT_TRUE(is_starting(
      parse_object(R"js({"status": "online", "ready": {"kind": "log"}, "health": "starting"})js")));
  EXPECT_FALSE(is_starting(
      parse_object(R"js({"status": "online", "ready": {"kind": "log"}, "health": "ready"})js")));
  EXPECT_FALSE(is_starting(parse_object(R"js({"status": "online", "ready": true,
      "health": "starting"})js")));
}

// The blank-separated words of `line` (the table's widths are not this test's business).
std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

TEST(HealthTable, PlainStatusCellsAndFooter) {
  const std::string out = render_table(rows(), k_plain, 120, true);
  using Words = std::vector<std::string>;
  EXPECT_EQ(words(line_starting(out, "api ")),
            (Words{"api", "WAIT", "-", "-", "-", "-", "-", "/usr/bin/node", "api.js"}))
      << out;
  EXPECT_EQ(words(line_starting(out, "cache ")), (Words{"cache", "STARTING", "200", "0.1", "0.3",
                                                        "00:02", "-", "/usr/bin/redis-server"}))
      << out;
  EXPECT_EQ(words(line_starting(out, "db ")),
            (Words{"db", "ON", "100", "0.5", "2.0", "00:10", "-", "/usr/bin/postgres"}))
      << out;
  // Waiting wins over the crash of the run before.
  EXPECT_EQ(words(line_starting(out, "old ")),
            (Words{"old", "WAIT", "-", "-", "-", "-", "-", "/bin/old"}))
      << out;
  EXPECT_TRUE(contains(out, "\nTotal: 4 | ON: 1 | OFF: 0 | STARTING: 1 | WAIT: 2\n")) << out;
}

TEST(HealthTable, NormalAndFancyWords) {
  const std::string normal = render_table(rows(), k_normal, 100, true);
  EXPECT_TRUE(contains(line_starting(normal, "api "), " waiting ")) << normal;
  EXPECT_TRUE(contains(line_starting(normal, "cache "), " starting ")) << normal;
  EXPECT_TRUE(contains(line_starting(normal, "db "), " online ")) << normal;
  EXPECT_TRUE(contains(normal, "Total: 4 | online: 1 | stopped: 0 | starting: 1 | waiting: 2\n"))
      << normal;
  const std::string fancy = render_table(rows(), k_fancy, 100, true);
  EXPECT_TRUE(contains(line_starting(fancy, "\u2503 api "), " \u25cc waiting ")) << fancy;
  EXPECT_TRUE(contains(line_starting(fancy, "\u2503 cache "), " \u25d0 starting ")) << fancy;
  EXPECT_TRUE(contains(line_starting(fancy, "\u2503 db "), " \u25cf online ")) << fancy;
  EXPECT_TRUE(contains(fancy, "| \u25d0 starting: 1 | \u25cc waiting: 2\n")) << fancy;
}

TEST(HealthTable, ColoursStartingAndWaitingYellow) {
  const std::string out =
      render_table(rows(), Style{.level = Level::normal, .color = true}, 100, true);
  EXPECT_TRUE(contains(out, "\x1b[33mwaiting\x1b[0m")) << out;
  EXPECT_TRUE(contains(out, "\x1b[33mstarting\x1b[0m")) << out;
  EXPECT_TRUE(contains(out, "\x1b[32monline\x1b[0m")) << out;
}

TEST(HealthTable, RowsWithoutTheKeysAreUnchanged) {
  const std::vector<json::object> plain_rows = {
      parse_object(R"js({"name": "web", "pid": 1, "status": "online", "command": ["x"]})js"),
      parse_object(R"js({"name": "off", "pid": 2, "status": "stopped", "command": ["y"]})js")};
  const std::string out = render_table(plain_rows, k_plain, 80, true);
  EXPECT_TRUE(contains(out, "Total: 2 | ON: 1 | OFF: 1\n")) << out;
  EXPECT_FALSE(contains(out, "STARTING")) << out;
  EXPECT_FALSE(contains(out, "WAIT")) << out;
}

json::object configured_detail() {
  return parse_object(R"js({"name": "cache", "pid": 200, "status": "online", "cpu": "0.1",
      "mem": "0.3", "uptime": "00:02", "command": ["/usr/bin/redis-server"], "cwd": "/srv",
      "started_at": "2025-03-01T10:15:42+00:00", "watch": null, "autostart": "always",
      "logs": {"stdout": null, "stderr": null, "watcher": null},
      "ready": false, "health": "unhealthy", "health_detail": "HTTP 503", "waiting_for": [],
      "settings": {"watchdog_ms": 30000,
      "live": {"kind": "http", "target": "http://127.0.0.1:6380/ping", "interval_ms": 10000,
               "failures": 3, "timeout_ms": 5000},
      "after": [{"name": "db", "condition": "ready"}, {"name": "seed", "condition": "succeeded"}],
      "restart": "on-failure", "success_codes": [0, 3], "stop_signal": "SIGINT",
      "stop_timeout_ms": 90000, "kill_mode": "group", "cron": "0 4 * * *",
      "max_memory": 536870912}})js");
}

TEST(HealthDetail, StartingGolden) {
  // clang-format off
  const std::string expected =
      "Process: cache\n"
      "  Status:  starting\n"
      "  PID:     200\n"
      "  PGID:    N/A\n"
      "  Command: /usr/bin/redis-server\n"
      "  CWD:     /srv\n"
      "  Started: 2025-03-01T10:15:42+00:00\n"
      "  Autostart: always\n"
      "  Ready:   no\n"
      "  Health:  unhealthy (HTTP 503)\n"
      "  CPU:     0.1%\n"
      "  MEM:     0.3%\n"
      "  Uptime:  00:02\n"
      "\n"
      "Health and order:\n"
      "  Watchdog:      30s\n"
      "  Liveness:      http http://127.0.0.1:6380/ping (every 10s, restart after 3 failures)\n"
      "  After:         db (ready), seed (succeeded)\n"
      "  Restart:       on-failure\n"
      "  Success codes: 0, 3\n"
      "  Stop signal:   SIGINT\n"
      "  Stop timeout:  1m30s\n"
      "  Kill mode:     group\n"
      "  Cron:          0 4 * * * (UTC)\n"
      "  Max memory:    512M\n";
  // clang-format on
  EXPECT_EQ(render_detail(configured_detail(), k_normal, true), expected);
}

TEST(HealthDetail, ColouredStateLines) {
  const Style colour{.level = Level::normal, .color = true};
  const std::string out = render_detail(configured_detail(), colour, true);
  EXPECT_TRUE(contains(out, "  Status:  \x1b[33mstarting\x1b[0m\n")) << out;
  EXPECT_TRUE(contains(out, "  Ready:   \x1b[33mno\x1b[0m\n")) << out;
  EXPECT_TRUE(contains(out, "  Health:  \x1b[31munhealthy (HTTP 503)\x1b[0m\n")) << out;
  EXPECT_TRUE(contains(out, "\n\x1b[1mHealth and order:\x1b[0m\n")) << out;
  json::object ready = configured_detail();
  ready["ready"] = true;
  ready["health"] = "healthy";
  ready.erase("health_detail");
  const std::string ok = render_detail(ready, colour, true);
  EXPECT_TRUE(contains(ok, "  Status:  \x1b[32monline\x1b[0m\n")) << ok;
  EXPECT_TRUE(contains(ok, "  Ready:   \x1b[32myes\x1b[0m\n")) << ok;
  EXPECT_TRUE(contains(ok, "  Health:  \x1b[32mhealthy\x1b[0m\n")) << ok;
}

TEST(HealthDetail, WaitingSaysForWhat) {
  const json::object waiting = parse_object(R"js({"name": "api", "pid": 7, "status": "waiting",
      "command": ["node", "api.js"], "stop_reason": "crashed", "exit_code": 1,
      "stopped_at": "2025-03-01T09:00:00+00:00", "ready": false, "health": "waiting",
      "waiting_for": ["db (ready)", "cache (started)"],
      "settings": {"after": [{"name": "db", "condition": "ready"},
                             {"name": "cache", "condition": "started"}]}})js");
  const std::string out = render_detail(waiting, k_normal, true);
  EXPECT_TRUE(contains(out, "  Status:  waiting\n")) << out;
  EXPECT_TRUE(contains(out, "  Last exit: code 1 (crashed) at 2025-03-01T09:00:00+00:00\n")) << out;
  EXPECT_TRUE(contains(out, "  Waiting for: db (ready), cache (started)\n")) << out;
  EXPECT_TRUE(contains(out, "  Health:  waiting\n")) << out;
  EXPECT_TRUE(contains(out, "  After:         db (ready), cache (started)\n")) << out;
  EXPECT_FALSE(contains(out, "CPU:")) << out;
}

TEST(HealthDetail, ReadinessCheckAsTheStateFileRecordsIt) {
  // The settings of `get` (and of the offline detail) carry the readiness check as recorded.
  const auto with_ready = [](std::string_view check) {
    json::object d = parse_object(R"js({"name": "w", "status": "stopped", "command": ["w"]})js");
    d["settings"] = json::object{{"ready", json::parse(check)}};
    return render_detail(d, k_plain, false);
  };
  EXPECT_TRUE(
      contains(with_ready(R"js({"kind": "log", "target": "listening on", "timeout_ms": 60000})js"),
               "  Readiness:     log 'listening on' (timeout 1m)\n"));
  EXPECT_TRUE(contains(with_ready(R"js({"kind": "notify", "target": "", "timeout_ms": 5000})js"),
                       "  Readiness:     notify (timeout 5s)\n"));
  EXPECT_TRUE(contains(with_ready(R"js({"kind": "http", "target": "http://x/", "interval_ms": 500,
                                      "timeout_ms": 90000})js"),
                       "  Readiness:     http http://x/ (every 500ms, timeout 1m30s)\n"));
  EXPECT_TRUE(contains(with_ready(R"js({"kind": "exec", "target": "pg_isready -q",
                                      "command": ["pg_isready", "-q"], "interval_ms": 1000,
                                      "timeout_ms": 60000})js"),
                       "  Readiness:     exec 'pg_isready -q' (every 1s, timeout 1m)\n"));
  EXPECT_FALSE(contains(with_ready(R"js({"kind": "tcp", "target": "h:1"})js"), "Ready: "));
}

TEST(HealthDetail, NothingWithoutTheKeys) {
  const json::object plain = parse_object(R"js({"name": "w", "status": "online", "pid": 1,
      "command": ["w"], "ready": null, "health": null, "health_detail": null,
      "waiting_for": []})js");
  const std::string out = render_detail(plain, k_normal, true);
  EXPECT_FALSE(contains(out, "Ready")) << out;
  EXPECT_FALSE(contains(out, "Health")) << out;
  EXPECT_FALSE(contains(out, "Waiting")) << out;
  EXPECT_TRUE(contains(out, "  Status:  online\n")) << out;
}

TEST(HealthJson, NewKeysPassThroughAfterTheOthersOnlyWhenSent) {
  json::object full = configured_detail();
  full["pgid"] = 200;  // detail-only keys stay out
  const json::object row = status_row(full);
  std::vector<std::string> keys;
  for (const auto& kv : row) keys.emplace_back(kv.key());
  std::vector<std::string> expected(row_fields().begin(), row_fields().end());
  for (const auto key : health_row_fields()) expected.emplace_back(key);
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(row.at("ready"), false);
  EXPECT_EQ(row.at("health"), "unhealthy");
  EXPECT_EQ(row.at("health_detail"), "HTTP 503");
  EXPECT_EQ(row.at("waiting_for"), json::array{});
  EXPECT_EQ(row.at("settings").at("live"), full.at("settings").at("live"));
  EXPECT_EQ(row.at("settings").at("max_memory"), 536870912);
  EXPECT_FALSE(row.contains("pgid"));

  // A bgod without issue #14 sends none of them: the row is what it was.
  const json::object before = status_row(parse_object(R"js({"name": "w", "status": "online"})js"));
  EXPECT_EQ(before.size(), row_fields().size());
  EXPECT_FALSE(before.contains("ready"));
  // Some of them: those, in their order.
  const json::object some =
      status_row(parse_object(R"js({"waiting_for": ["db (ready)"], "name": "w", "health": "waiting"
})js"));
  std::vector<std::string> tail;
  for (const auto& kv : some) tail.emplace_back(kv.key());
  EXPECT_EQ(std::vector<std::string>(tail.end() - 2, tail.end()),
            (std::vector<std::string>{"health", "waiting_for"}));
}

TEST(HealthFormat, TemplatesNameTheNewFields) {
  const json::object row = rows()[1];
  std::string unknown;
  EXPECT_EQ(format_row(row, "{name} {status} {health} {ready} [{waiting_for}]", unknown),
            "api waiting waiting false [db (ready)]");
  EXPECT_EQ(format_row(parse_object(R"js({"name": "x"})js"), "{name} {health}", unknown), "x -");
  EXPECT_FALSE(format_row(row, "{healthy}", unknown));
  EXPECT_EQ(unknown, "healthy");
}

}  // namespace
}  // namespace bgo::client
