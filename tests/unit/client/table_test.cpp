// SPDX-License-Identifier: MIT
// Tests for the status table and WATCH cell: golden output per level and §11.2 #14-#18.
#include "client/render/table.hpp"

#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/render/text.hpp"

namespace bgo::client {
namespace {

namespace json = boost::json;

constexpr Style k_plain{.level = Level::plain, .color = false};
constexpr Style k_normal{.level = Level::normal, .color = false};
constexpr Style k_fancy{.level = Level::fancy, .color = false};

json::object parse_object(std::string_view text) { return json::parse(text).as_object(); }

// One online unwatched, one stopped, one watched with restarts, one errored with a reason;
// deliberately not in name order.
std::vector<json::object> fixture_rows() {
  return {
      parse_object(R"({"name": "web", "pid": 12345, "status": "online", "cpu": "0.0",
          "mem": "0.1", "uptime": "05:12",
          "command": ["/usr/bin/python3", "-m", "http.server", "8080"], "cwd": "/srv/web",
          "started_at": "2025-03-01T10:15:42.123456+00:00", "watch": null})"),
      parse_object(R"({"name": "api", "pid": 41301, "status": "online", "cpu": "0.3",
          "mem": "1.2", "uptime": "02:11", "command": ["/usr/bin/node", "server.js"],
          "cwd": "/srv/api", "started_at": "2025-03-01T10:15:42+00:00",
          "watch": {"enabled": true, "interval": 3, "min_uptime": 2, "on_fast_crash": "backoff",
                    "watcher_pid": null, "watcher_pgid": null, "restarts": 3,
                    "last_restart_at": "2025-03-01T11:00:00+00:00", "errored": false,
                    "error_reason": null, "last_stderr_tail": null}})"),
      parse_object(R"({"name": "batch", "pid": 2222, "status": "stopped", "cpu": "-",
          "mem": "-", "uptime": "-", "command": ["/bin/sleep", "1000"], "cwd": "/tmp",
          "started_at": "2025-03-01T09:00:00+00:00", "watch": null})"),
      parse_object(R"({"name": "worker", "pid": 3333, "status": "stopped", "cpu": "-",
          "mem": "-", "uptime": "-",
          "command": ["/usr/local/bin/worker", "--queue", "default", "--concurrency", "8",
                      "--verbose"],
          "cwd": "/srv/worker", "started_at": "2025-03-01T09:30:00+00:00",
          "watch": {"enabled": true, "interval": 3, "min_uptime": 2, "on_fast_crash": "backoff",
                    "watcher_pid": null, "watcher_pgid": null, "restarts": 4,
                    "last_restart_at": "2025-03-01T09:31:00+00:00", "errored": true,
                    "error_reason": "4 consecutive fast-crashes",
                    "last_stderr_tail": "Traceback:\nValueError: bad\n"}})"),
  };
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

bool is_ascii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

TEST(TableGolden, Plain80) {
  // clang-format off
  const std::string expected =
      "NAME         STATUS  PID    CPU  MEM   UPTIME  WATCH        COMMAND             \n"
      "--------------------------------------------------------------------------------\n"
      "api          ON      41301  0.3  1.2   02:11   [W] 3        /usr/bin/node ser...\n"
      "batch        OFF     -      -    -     -       -            /bin/sleep 1000\n"
      "web          ON      12345  0.0  0.1   05:12   -            /usr/bin/python3 ...\n"
      "worker       OFF     -      -    -     -       [!] errored  /usr/local/bin/wo...\n"
      "--------------------------------------------------------------------------------\n"
      "Total: 4 | ON: 2 | OFF: 2\n"
      "\n"
      "[!] 1 errored:\n"
      "   worker - 4 consecutive fast-crashes\n"
      "     bgo logs worker --watcher   |   bgo restart worker\n";
  // clang-format on
  EXPECT_EQ(render_table(fixture_rows(), Style{.level = Level::plain, .color = false}, 80, true),
            expected);
}

TEST(TableGolden, Plain120) {
  // clang-format off
  const std::string expected =
      "NAME         STATUS  PID      CPU    MEM    UPTIME       WATCH        COMMAND                                           \n"
      "------------------------------------------------------------------------------------------------------------------------\n"
      "api          ON      41301    0.3    1.2    02:11        [W] 3        /usr/bin/node server.js\n"
      "batch        OFF     -        -      -      -            -            /bin/sleep 1000\n"
      "web          ON      12345    0.0    0.1    05:12        -            /usr/bin/python3 -m http.server 8080\n"
      "worker       OFF     -        -      -      -            [!] errored  /usr/local/bin/worker --queue default --concurr...\n"
      "------------------------------------------------------------------------------------------------------------------------\n"
      "Total: 4 | ON: 2 | OFF: 2\n"
      "\n"
      "[!] 1 errored:\n"
      "   worker - 4 consecutive fast-crashes\n"
      "     bgo logs worker --watcher   |   bgo restart worker\n";
  // clang-format on
  EXPECT_EQ(render_table(fixture_rows(), Style{.level = Level::plain, .color = false}, 120, true),
            expected);
}

TEST(TableGolden, Normal80) {
  // clang-format off
  const std::string expected =
      "NAME         STATUS   PID    CPU  MEM    UPTIME  WATCH      COMMAND             \n"
      "--------------------------------------------------------------------------------\n"
      "api          online   41301  0.3  1.2    02:11   ✓ 3        /usr/bin/node ser...\n"
      "batch        stopped  -      -    -      -       -          /bin/sleep 1000\n"
      "web          online   12345  0.0  0.1    05:12   -          /usr/bin/python3 ...\n"
      "worker       stopped  -      -    -      -       ⚠ errored  /usr/local/bin/wo...\n"
      "--------------------------------------------------------------------------------\n"
      "Total: 4 | online: 2 | stopped: 2\n"
      "\n"
      "⚠ 1 errored:\n"
      "   worker — 4 consecutive fast-crashes\n"
      "     bgo logs worker --watcher   |   bgo restart worker\n";
  // clang-format on
  EXPECT_EQ(render_table(fixture_rows(), Style{.level = Level::normal, .color = false}, 80, true),
            expected);
}

TEST(TableGolden, Normal120) {
  // clang-format off
  const std::string expected =
      "NAME         STATUS   PID      CPU    MEM    UPTIME       WATCH        COMMAND                                          \n"
      "------------------------------------------------------------------------------------------------------------------------\n"
      "api          online   41301    0.3    1.2    02:11        ✓ 3          /usr/bin/node server.js\n"
      "batch        stopped  -        -      -      -            -            /bin/sleep 1000\n"
      "web          online   12345    0.0    0.1    05:12        -            /usr/bin/python3 -m http.server 8080\n"
      "worker       stopped  -        -      -      -            ⚠ errored    /usr/local/bin/worker --queue default --concur...\n"
      "------------------------------------------------------------------------------------------------------------------------\n"
      "Total: 4 | online: 2 | stopped: 2\n"
      "\n"
      "⚠ 1 errored:\n"
      "   worker — 4 consecutive fast-crashes\n"
      "     bgo logs worker --watcher   |   bgo restart worker\n";
  // clang-format on
  EXPECT_EQ(render_table(fixture_rows(), Style{.level = Level::normal, .color = false}, 120, true),
            expected);
}

TEST(TableGolden, Fancy80) {
  // clang-format off
  const std::string expected =
      "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n"
      "┃ NAME     STATUS     PID    CPU  MEM  UPTIME  WATCH      COMMAND              ┃\n"
      "┣━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┫\n"
      "┃ api      ● online   41301  0.3  1.2  02:11   ✓ 3        /usr/bin/node ser... ┃\n"
      "┃ batch    ○ stopped  -      -    -    -       ·          /bin/sleep 1000      ┃\n"
      "┃ web      ● online   12345  0.0  0.1  05:12   ·          /usr/bin/python3 ... ┃\n"
      "┃ worker   ○ stopped  -      -    -    -       ⚠ errored  /usr/local/bin/wo... ┃\n"
      "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛\n"
      "Total: 4 | ● online: 2 | ○ stopped: 2\n"
      "\n"
      "⚠ 1 errored:\n"
      "   worker — 4 consecutive fast-crashes\n"
      "     bgo logs worker --watcher   |   bgo restart worker\n";
  // clang-format on
  EXPECT_EQ(render_table(fixture_rows(), Style{.level = Level::fancy, .color = false}, 80, true),
            expected);
}

TEST(TableGolden, Fancy120) {
  // clang-format off
  const std::string expected =
      "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n"
      "┃ NAME         STATUS     PID      CPU    MEM    UPTIME       WATCH        COMMAND                                     ┃\n"
      "┣━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┫\n"
      "┃ api          ● online   41301    0.3    1.2    02:11        ✓ 3          /usr/bin/node server.js                     ┃\n"
      "┃ batch        ○ stopped  -        -      -      -            ·            /bin/sleep 1000                             ┃\n"
      "┃ web          ● online   12345    0.0    0.1    05:12        ·            /usr/bin/python3 -m http.server 8080        ┃\n"
      "┃ worker       ○ stopped  -        -      -      -            ⚠ errored    /usr/local/bin/worker --queue default --... ┃\n"
      "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛\n"
      "Total: 4 | ● online: 2 | ○ stopped: 2\n"
      "\n"
      "⚠ 1 errored:\n"
      "   worker — 4 consecutive fast-crashes\n"
      "     bgo logs worker --watcher   |   bgo restart worker\n";
  // clang-format on
  EXPECT_EQ(render_table(fixture_rows(), Style{.level = Level::fancy, .color = false}, 120, true),
            expected);
}

TEST(TableGolden, NormalColored80) {
  // clang-format off
  const std::string expected =
      "\x1b[1mNAME        \x1b[0m \x1b[1mSTATUS  \x1b[0m \x1b[1mPID   \x1b[0m \x1b[1mCPU \x1b[0m \x1b[1mMEM   \x1b[0m \x1b[1mUPTIME \x1b[0m \x1b[1mWATCH     \x1b[0m \x1b[1mCOMMAND             \x1b[0m\n"
      "\x1b[90m--------------------------------------------------------------------------------\x1b[0m\n"
      "api          \x1b[32monline\x1b[0m   \x1b[90m41301\x1b[0m  0.3  1.2    02:11   \x1b[32m✓ 3\x1b[0m        /usr/bin/node ser...\n"
      "batch        \x1b[31mstopped\x1b[0m  -      -    -      -       -          \x1b[90m/bin/sleep 1000\x1b[0m\n"
      "web          \x1b[32monline\x1b[0m   \x1b[90m12345\x1b[0m  0.0  0.1    05:12   -          /usr/bin/python3 ...\n"
      "worker       \x1b[31mstopped\x1b[0m  -      -    -      -       \x1b[31m⚠ errored\x1b[0m  \x1b[90m/usr/local/bin/wo...\x1b[0m\n"
      "\x1b[90m--------------------------------------------------------------------------------\x1b[0m\n"
      "Total: 4 | \x1b[32monline\x1b[0m: 2 | \x1b[31mstopped\x1b[0m: 2\n"
      "\n"
      "\x1b[31m⚠ 1 errored:\x1b[0m\n"
      "   \x1b[31mworker\x1b[0m — 4 consecutive fast-crashes\n"
      "     \x1b[90mbgo logs worker --watcher   |   bgo restart worker\x1b[0m\n";
  // clang-format on
  EXPECT_EQ(render_table(fixture_rows(), Style{.level = Level::normal, .color = true}, 80, true),
            expected);
}

TEST(Table, FullLinesAreExactlyTheTerminalWidth) {
  for (const Style& style : {k_plain, k_normal, k_fancy}) {
    for (int columns : {100, 120, 157}) {
      const auto lines = split_lines(render_table(fixture_rows(), style, columns, true));
      // Header, rules and (in fancy) every framed row span the whole width.
      EXPECT_EQ(visible_width(lines[0]), static_cast<std::size_t>(columns))
          << to_string(style.level) << " " << columns;
      EXPECT_EQ(visible_width(lines[1]), static_cast<std::size_t>(columns))
          << to_string(style.level) << " " << columns;
      if (style.level == Level::fancy) {
        for (std::size_t i = 0; i < 8; ++i) {
          EXPECT_EQ(visible_width(lines[i]), static_cast<std::size_t>(columns)) << i;
        }
      }
    }
  }
}

TEST(Table, WideCharactersKeepColumnsAligned) {
  auto rows = fixture_rows();
  rows[0]["name"] = "\u540d\u524d";  // 名前: two wide characters, 4 columns
  rows[0]["command"] = json::array{"echo", "\u65e5\u672c\u8a9e\u65e5\u672c\u8a9e\u65e5\u672c"};
  const auto lines = split_lines(render_table(rows, k_fancy, 100, true));
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(visible_width(lines[i]), 100U) << lines[i];
  // The name sorts after the ASCII names (code-point order) and is padded by width.
  EXPECT_EQ(lines[6].substr(0, std::string{"\u2503 \u540d\u524d         "}.size()),
            "\u2503 \u540d\u524d         ");
}

TEST(Table, PlainOutputIsPureAsciiAndNamesTheProcess) {
  // §11.2 #17.
  const std::string out = render_table(fixture_rows(), k_plain, 80, false);
  EXPECT_TRUE(is_ascii(out));
  EXPECT_NE(out.find("NAME"), std::string::npos);
  EXPECT_NE(out.find("web"), std::string::npos);
  EXPECT_NE(out.find("ON"), std::string::npos);
}

TEST(Table, PlainHeaderAlignsWithRows) {
  const auto lines = split_lines(render_table(fixture_rows(), k_plain, 80, true));
  EXPECT_EQ(lines[0].find("PID"), lines[2].find("41301"));
  EXPECT_EQ(lines[0].find("WATCH"), lines[2].find("[W]"));
}

TEST(Table, FancyHasAllFourCorners) {
  // §11.2 #18.
  const std::string out = render_table(fixture_rows(), k_fancy, 80, true);
  for (const char* corner : {"\u250f", "\u2513", "\u2517", "\u251b"}) {
    EXPECT_NE(out.find(corner), std::string::npos) << corner;
  }
}

TEST(Table, ErrorReasonMissingIsUnknownAndNullIsNone) {
  auto rows = fixture_rows();
  rows[3]["watch"].as_object().erase("error_reason");
  EXPECT_NE(render_table(rows, k_plain, 80, true).find("   worker - unknown\n"), std::string::npos);
  rows[3]["watch"].as_object()["error_reason"] = nullptr;
  EXPECT_NE(render_table(rows, k_plain, 80, true).find("   worker - None\n"), std::string::npos);
}

TEST(Table, ErroredFooterListsDisabledBlocksToo) {
  auto rows = fixture_rows();
  rows[3]["watch"].as_object()["enabled"] = false;
  const std::string out = render_table(rows, k_normal, 80, true);
  EXPECT_NE(out.find("\u26a0 1 errored:\n   worker \u2014 4 consecutive"), std::string::npos);
}

TEST(Table, NoErroredFooterWithoutErrors) {
  auto rows = fixture_rows();
  rows.pop_back();
  const std::string out = render_table(rows, k_plain, 80, true);
  EXPECT_EQ(out.substr(out.size() - std::string{"Total: 3 | ON: 2 | OFF: 1\n"}.size()),
            "Total: 3 | ON: 2 | OFF: 1\n");
}

TEST(Table, WatchColumnGrowsForNoWatcher) {
  // With no bgod answering, a watched entry has no watcher; "[?] no watcher" is 14 columns.
  const auto lines = split_lines(render_table(fixture_rows(), k_plain, 120, false));
  EXPECT_EQ(lines[2].find("[?] no watcher"), lines[0].find("WATCH"));
  EXPECT_EQ(lines[2].find("/usr/bin/node"), lines[0].find("COMMAND"));
  EXPECT_EQ(visible_width(lines[0]), 120U);
}

TEST(Table, EmptyRowsStillRenderFrameAndTotals) {
  const std::string out = render_table({}, k_plain, 80, true);
  EXPECT_NE(out.find("Total: 0 | ON: 0 | OFF: 0\n"), std::string::npos);
}

TEST(WatchCell, AliveWatcherShowsRestarts) {
  // §11.2 #14 (a legacy file with a watcher pid, read while no bgod runs).
  const json::value watch = json::parse(R"({"enabled": true, "watcher_pid": 999, "restarts": 3})");
  EXPECT_EQ(watch_cell(watch, k_plain, false), "[W] 3");
  EXPECT_EQ(watch_cell(watch, k_normal, false), "\u2713 3");
}

TEST(WatchCell, NoBlockIsNone) {
  // §11.2 #15.
  EXPECT_EQ(watch_cell(json::value{}, k_plain, true), "-");
  EXPECT_EQ(watch_cell(json::value{}, k_normal, true), "-");
  EXPECT_EQ(watch_cell(json::value{}, k_fancy, true), "\u00b7");
  EXPECT_EQ(watch_cell(json::object{}, k_fancy, true), "\u00b7");
  EXPECT_EQ(watch_cell(json::parse(R"({"enabled": false, "restarts": 2})"), k_plain, true), "-");
}

TEST(WatchCell, ErroredWinsOverEverythingButDisabled) {
  // §11.2 #16.
  const json::value watch = json::parse(R"({"enabled": true, "errored": true})");
  EXPECT_EQ(watch_cell(watch, k_plain, true), "[!] errored");
  EXPECT_EQ(watch_cell(watch, k_plain, false), "[!] errored");
  EXPECT_EQ(watch_cell(watch, Style{.level = Level::fancy, .color = true}, true),
            "\x1b[31m\u26a0 errored\x1b[0m");
}

TEST(WatchCell, BgodIsTheWatcher) {
  // Appendix D #2: bgod writes watcher_pid null; while it runs that means watching.
  const json::value watch =
      json::parse(R"({"enabled": true, "watcher_pid": null, "restarts": 0, "errored": false})");
  EXPECT_EQ(watch_cell(watch, k_plain, true), "[W] 0");
  EXPECT_EQ(watch_cell(watch, k_plain, false), "[?] no watcher");
  EXPECT_EQ(watch_cell(json::parse(R"({"enabled": true, "watcher_pid": 0})"), k_normal, false),
            "! no watcher");
  EXPECT_EQ(watch_cell(watch, Style{.level = Level::normal, .color = true}, false),
            "\x1b[33m! no watcher\x1b[0m");
  EXPECT_EQ(watch_cell(watch, Style{.level = Level::normal, .color = true}, true),
            "\x1b[32m\u2713 0\x1b[0m");
}

TEST(WatchCell, MissingRestartsIsZero) {
  EXPECT_EQ(watch_cell(json::parse(R"({"enabled": true})"), k_plain, true), "[W] 0");
}

TEST(EmptyRegistry, Lines) {
  EXPECT_EQ(render_empty_registry(false),
            "No processes registered.\n"
            "Usage: bgo start <n> -- <command> [args...]\n"
            "       bgo <command> [args...]\n");
  EXPECT_EQ(render_empty_registry(true),
            "No processes registered.\n"
            "Usage: bgo start <n> -- <command> [args...]\n");
}

}  // namespace
}  // namespace bgo::client
