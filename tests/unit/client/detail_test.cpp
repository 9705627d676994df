// SPDX-License-Identifier: MIT
// Tests for the `bgo status <name>` detail view (spec §6.6): golden output and field rules.
#include "client/render/detail.hpp"

#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace bgo::client {
namespace {

namespace json = boost::json;

json::object errored_detail() {
  return json::parse(R"({"name": "worker", "pid": 3333, "status": "stopped", "cpu": "-",
      "mem": "-", "uptime": "-", "command": ["/usr/local/bin/worker", "--queue", "default"],
      "cwd": "/srv/worker", "started_at": "2025-03-01T09:30:00+00:00",
      "watch": {"enabled": true, "interval": 3, "min_uptime": 2, "on_fast_crash": "backoff",
                "watcher_pid": null, "watcher_pgid": null, "restarts": 4,
                "last_restart_at": "2025-03-01T09:31:00+00:00", "errored": true,
                "error_reason": "4 consecutive fast-crashes",
                "last_stderr_tail": "l1\nl2\nl3\nl4\nl5\nl6\nValueError: bad\n"},
      "pgid": null, "autostart": "unless-stopped",
      "logs": {"stdout": {"path": "/home/u/.bgo/logs/worker.out.log", "size": 512},
               "stderr": {"path": "/home/u/.bgo/logs/worker.err.log", "size": 3565158},
               "watcher": {"path": "/home/u/.bgo/logs/worker.watcher.log", "size": 1024}}})")
      .as_object();
}

// Online, unwatched, no pgid key, stderr and watcher logs missing.
json::object online_detail() {
  return json::parse(R"({"name": "api", "pid": 41301, "status": "online", "cpu": "0.3",
      "mem": "1.2", "uptime": "02:11", "command": ["/usr/bin/node", "server.js"],
      "cwd": "/srv/api", "started_at": "2025-03-01T10:15:42+00:00", "watch": null,
      "autostart": "always",
      "logs": {"stdout": {"path": "/l/api.out.log", "size": 0}, "stderr": null,
               "watcher": null}})")
      .as_object();
}

// bgod gave up on an errored process, so nothing watches it even while bgod runs.
TEST(DetailGolden, ErroredNormalColoredDaemonRunning) {
  // clang-format off
  const std::string expected =
      "\x1b[1mProcess:\x1b[0m worker\n"
      "  Status:  \x1b[31mstopped\x1b[0m\n"
      "  PID:     3333\n"
      "  PGID:    None\n"
      "  Command: /usr/local/bin/worker --queue default\n"
      "  CWD:     /srv/worker\n"
      "  Started: 2025-03-01T09:30:00+00:00\n"
      "  Autostart: unless-stopped\n"
      "  stdout:  512B (/home/u/.bgo/logs/worker.out.log)\n"
      "  stderr:  3.4MB (/home/u/.bgo/logs/worker.err.log)\n"
      "\n"
      "\x1b[1mWatch:\x1b[0m\n"
      "  Enabled:   yes (interval 3s, min-uptime 2s, mode backoff)\n"
      "  Watcher:   \x1b[90mnot running\x1b[0m\n"
      "  Restarts:  4\n"
      "  Last:      2025-03-01T09:31:00+00:00\n"
      "  Errored:   \x1b[31mYES\x1b[0m — 4 consecutive fast-crashes\n"
      "  Last err:\n"
      "    \x1b[90ml3\x1b[0m\n"
      "    \x1b[90ml4\x1b[0m\n"
      "    \x1b[90ml5\x1b[0m\n"
      "    \x1b[90ml6\x1b[0m\n"
      "    \x1b[90mValueError: bad\x1b[0m\n"
      "  Recover:   \x1b[90mbgo logs worker --watcher   |   bgo restart worker\x1b[0m\n"
      "  watcher:   1.0KB (/home/u/.bgo/logs/worker.watcher.log)\n";
  // clang-format on
  EXPECT_EQ(render_detail(errored_detail(), Style{.level = Level::normal, .color = true}, true),
            expected);
}

TEST(DetailGolden, ErroredPlainNoDaemon) {
  // clang-format off
  const std::string expected =
      "Process: worker\n"
      "  Status:  stopped\n"
      "  PID:     3333\n"
      "  PGID:    None\n"
      "  Command: /usr/local/bin/worker --queue default\n"
      "  CWD:     /srv/worker\n"
      "  Started: 2025-03-01T09:30:00+00:00\n"
      "  Autostart: unless-stopped\n"
      "  stdout:  512B (/home/u/.bgo/logs/worker.out.log)\n"
      "  stderr:  3.4MB (/home/u/.bgo/logs/worker.err.log)\n"
      "\n"
      "Watch:\n"
      "  Enabled:   yes (interval 3s, min-uptime 2s, mode backoff)\n"
      "  Watcher:   not running\n"
      "  Restarts:  4\n"
      "  Last:      2025-03-01T09:31:00+00:00\n"
      "  Errored:   YES - 4 consecutive fast-crashes\n"
      "  Last err:\n"
      "    l3\n"
      "    l4\n"
      "    l5\n"
      "    l6\n"
      "    ValueError: bad\n"
      "  Recover:   bgo logs worker --watcher   |   bgo restart worker\n"
      "  watcher:   1.0KB (/home/u/.bgo/logs/worker.watcher.log)\n";
  // clang-format on
  EXPECT_EQ(render_detail(errored_detail(), Style{.level = Level::plain, .color = false}, false),
            expected);
}

TEST(DetailGolden, OnlineUnwatched) {
  // clang-format off
  const std::string expected =
      "Process: api\n"
      "  Status:  online\n"
      "  PID:     41301\n"
      "  PGID:    N/A\n"
      "  Command: /usr/bin/node server.js\n"
      "  CWD:     /srv/api\n"
      "  Started: 2025-03-01T10:15:42+00:00\n"
      "  Autostart: always\n"
      "  CPU:     0.3%\n"
      "  MEM:     1.2%\n"
      "  Uptime:  02:11\n"
      "  stdout:  0B (/l/api.out.log)\n";
  // clang-format on
  EXPECT_EQ(render_detail(online_detail(), Style{.level = Level::fancy, .color = false}, true),
            expected);
}

constexpr Style k_plain{.level = Level::plain, .color = false};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Detail, MissingKeysPrintNotAvailableAndNullsPrintNone) {
  json::object detail = online_detail();
  detail.erase("cwd");
  detail["started_at"] = nullptr;
  detail["pgid"] = 41301;
  const std::string out = render_detail(detail, k_plain, true);
  EXPECT_TRUE(contains(out, "  CWD:     N/A\n"));
  EXPECT_TRUE(contains(out, "  Started: None\n"));
  EXPECT_TRUE(contains(out, "  PGID:    41301\n"));
}

TEST(Detail, AutostartDefaultsToUnlessStopped) {
  json::object detail = online_detail();
  detail.erase("autostart");
  EXPECT_TRUE(contains(render_detail(detail, k_plain, true), "  Autostart: unless-stopped\n"));
}

TEST(Detail, StoppedHidesUsageFigures) {
  json::object detail = online_detail();
  detail["status"] = "stopped";
  const std::string out = render_detail(detail, k_plain, true);
  EXPECT_TRUE(contains(out, "  Status:  stopped\n"));
  EXPECT_FALSE(contains(out, "CPU:"));
  EXPECT_FALSE(contains(out, "MEM:"));
  EXPECT_FALSE(contains(out, "Uptime:"));
}

TEST(Detail, EmptyWatchBlockHasNoSection) {
  json::object detail = online_detail();
  detail["watch"] = json::object{};
  EXPECT_FALSE(contains(render_detail(detail, k_plain, true), "Watch:"));
}

TEST(Detail, DisabledWatchShowsNoAndNotRunning) {
  json::object detail = online_detail();
  detail["watch"] = json::parse(R"({"enabled": false, "restarts": 2, "errored": false})");
  const std::string out = render_detail(detail, k_plain, true);
  EXPECT_TRUE(contains(out,
                       "\nWatch:\n"
                       "  Enabled:   no\n"
                       "  Watcher:   not running\n"
                       "  Restarts:  2\n"
                       "  Errored:   no\n"));
}

TEST(Detail, EnabledWatchDefaultsAndBgodWatcher) {
  json::object detail = online_detail();
  detail["watch"] = json::parse(R"({"enabled": true, "last_restart_at": null})");
  const std::string out = render_detail(detail, k_plain, true);
  EXPECT_TRUE(contains(out,
                       "  Enabled:   yes (interval 3s, min-uptime 2s, mode backoff)\n"
                       "  Watcher:   bgod\n"
                       "  Restarts:  0\n"
                       "  Errored:   no\n"));
  EXPECT_TRUE(contains(render_detail(detail, Style{.level = Level::normal, .color = true}, true),
                       "  Watcher:   \x1b[32mbgod\x1b[0m\n"));
}

TEST(Detail, ErroredWithoutTailHasNoLastErr) {
  json::object detail = errored_detail();
  detail["watch"].as_object()["last_stderr_tail"] = "\n\n";
  detail["watch"].as_object().erase("error_reason");
  const std::string out = render_detail(detail, k_plain, true);
  EXPECT_TRUE(contains(out, "  Errored:   YES - unknown\n  Recover:"));
  EXPECT_FALSE(contains(out, "Last err:"));
}

TEST(Detail, TailKeepsLastFiveLinesAcrossLineEndings) {
  json::object detail = errored_detail();
  detail["watch"].as_object()["last_stderr_tail"] = "a\r\nb\rc\n\nd\ne\n";
  const std::string out = render_detail(detail, k_plain, true);
  EXPECT_TRUE(contains(out, "  Last err:\n    b\n    c\n    \n    d\n    e\n  Recover:"));
}

}  // namespace
}  // namespace bgo::client
