// SPDX-License-Identifier: MIT
// Tests for the table `bgo status` draws on a screen (issue #13.8): program names, narrow
// terminals, the split recovery hint, and status -w frames that keep their columns.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/render/table.hpp"
#include "client/render/text.hpp"
#include "tests/support/text.hpp"

namespace bgo::client {
namespace {

namespace json = boost::json;
using test::lines_of;

constexpr Style k_plain{.level = Level::plain, .color = false};
constexpr Style k_normal{.level = Level::normal, .color = false};
constexpr Style k_fancy{.level = Level::fancy, .color = false};

json::object row(std::string_view name, std::string_view status, json::array command) {
  json::object o{{"name", name},
                 {"pid", 12345},
                 {"status", status},
                 {"cpu", "0.0"},
                 {"mem", "0.1"},
                 {"uptime", "05:12"},
                 {"command", std::move(command)},
                 {"cwd", "/srv"},
                 {"started_at", nullptr},
                 {"watch", nullptr}};
  if (status != "online") {
    o["cpu"] = o["mem"] = o["uptime"] = "-";
  }
  return o;
}

// The display column where `word` starts in `line`.
std::size_t column_of(const std::string& line, std::string_view word) {
  return visible_width(line.substr(0, line.find(word)));
}

// The code point at display column `column` of `line` (every glyph here is one column wide).
char32_t code_point_at(const std::string& line, std::size_t column) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < column && pos < line.size(); ++i) next_code_point(line, pos);
  return pos < line.size() ? next_code_point(line, pos) : U'\0';
}

TEST(ScreenTable, CommandShowsTheProgramsBasenameAndArguments) {
  const std::vector<json::object> rows = {
      row("api", "online", {"/home/u/.pyenv/shims/python3", "app.py", "--port", "8080"}),
      row("sh", "online", {"sleep", "1000"})};
  const std::string out = render_table(rows, k_plain, 100, true, screen_table());
  EXPECT_NE(out.find(" python3 app.py --port 8080\n"), std::string::npos) << out;
  EXPECT_EQ(out.find(".pyenv"), std::string::npos) << out;
  EXPECT_NE(out.find(" sleep 1000\n"), std::string::npos) << out;
  // The spec's table (the default) keeps the whole argv.
  EXPECT_NE(render_table(rows, k_plain, 140, true).find("/home/u/.pyenv/shims/python3 app.py"),
            std::string::npos);
}

TEST(ScreenTable, SpareWidthGoesToTheCommandFirst) {
  const std::vector<json::object> rows = {
      row("api", "online", {"/usr/bin/node", "server.js", "--port", "8080", "--workers", "4"})};
  const auto lines = lines_of(render_table(rows, k_fancy, 100, true, screen_table()));
  EXPECT_NE(lines[3].find("node server.js --port 8080 --workers 4 "), std::string::npos)
      << lines[3];
  // The spec's layout keeps UPTIME and WATCH at 12 and cuts it.
  EXPECT_NE(render_table(rows, k_fancy, 100, true).find("/usr/bin/node server..."),
            std::string::npos);
  EXPECT_LT(column_of(lines[1], "WATCH") - column_of(lines[1], "UPTIME"), 13U) << lines[1];
  EXPECT_EQ(visible_width(lines[3]), 100U);
}

TEST(ScreenTable, EveryLineFitsSixtyColumns) {
  std::vector<json::object> rows = {
      row("web-server-with-a-long-name", "online", {"/usr/bin/python3", "-m", "http.server"}),
      row("w", "online", {"/bin/sleep", "1000"}), row("crashy", "stopped", {"/bin/false"})};
  rows[2]["stop_reason"] = "crashed";
  rows[2]["exit_code"] = 137;
  for (const Style& style : {k_plain, k_normal, k_fancy}) {
    const std::string out = render_table(rows, style, 60, true, screen_table());
    const auto lines = lines_of(out);
    for (const auto& line : lines) EXPECT_LE(visible_width(line), 60U) << line << "\n" << out;
    EXPECT_NE(out.find("web-server-with-a-long-name "), std::string::npos) << out;
    EXPECT_NE(out.find(" 137 "), std::string::npos) << out;
    // Every cell starts where its header does, one space after the cell before.
    const std::size_t header = style.level == Level::fancy ? 1 : 0;
    for (const std::string_view word : {"STATUS", "COMMAND"}) {
      const std::size_t at = column_of(lines[header], word);
      for (std::size_t i = header + 2; i < header + 5; ++i) {
        EXPECT_EQ(code_point_at(lines[i], at - 1), U' ') << word << "\n" << out;
        EXPECT_NE(code_point_at(lines[i], at), U' ') << word << "\n" << out;
      }
    }
  }
}

TEST(ScreenTable, ARecoveryHintTooWideForTheTerminalGoesOnTwoLines) {
  std::vector<json::object> rows = {row("web-server-with-a-long-name", "stopped", {"/bin/false"})};
  rows[0]["watch"] =
      json::object{{"enabled", true}, {"errored", true}, {"error_reason", "gave up"}};
  std::string out = render_table(rows, k_plain, 60, true, screen_table());
  EXPECT_NE(out.find("\n     bgo logs web-server-with-a-long-name --watcher\n"
                     "     bgo restart web-server-with-a-long-name\n"),
            std::string::npos)
      << out;
  out = render_table(rows, k_plain, 120, true, screen_table());
  EXPECT_NE(out.find("\n     bgo logs web-server-with-a-long-name --watcher   |   bgo restart "
                     "web-server-with-a-long-name\n"),
            std::string::npos)
      << out;
}

TEST(ScreenTable, WatchFramesKeepTheirColumnsWhenARowErrors) {
  std::vector<json::object> rows = {row("api", "online", {"/usr/bin/node", "server.js"}),
                                    row("flaky", "online", {"/usr/bin/python3", "job.py"})};
  rows[1]["watch"] = json::object{{"enabled", true}, {"restarts", 0}, {"errored", false}};
  ColumnPlan session;
  TableOptions options = screen_table();
  options.session = &session;
  for (const int columns : {80, 120}) {
    for (const Style& style : {k_plain, k_fancy}) {
      session = ColumnPlan{};
      auto frame_rows = rows;
      const auto before = lines_of(render_table(frame_rows, style, columns, true, options));
      frame_rows[1] = row("flaky", "stopped", {"/usr/bin/python3", "job.py"});
      frame_rows[1]["stop_reason"] = "crashed";
      frame_rows[1]["exit_signal"] = 9;
      frame_rows[1]["watch"] =
          json::object{{"enabled", true}, {"errored", true}, {"error_reason", "gave up"}};
      const auto after = lines_of(render_table(frame_rows, style, columns, true, options));
      const std::size_t header = style.level == Level::fancy ? 1 : 0;
      EXPECT_EQ(after[header], before[header]) << columns;
      // Without the session, the errored row moves the columns.
      EXPECT_NE(lines_of(render_table(frame_rows, style, columns, true, screen_table()))[header],
                lines_of(render_table(rows, style, columns, true, screen_table()))[header])
          << columns;
    }
  }
}

}  // namespace
}  // namespace bgo::client
