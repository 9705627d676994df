// SPDX-License-Identifier: MIT
// Tests for `bgo monit`'s frames: every size fits, the columns, the selection bar, the panes.
#include <algorithm>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/monit/frame.hpp"
#include "client/render/text.hpp"
#include "tests/support/text.hpp"

namespace bgo::client::monit {
namespace {

namespace json = boost::json;
using test::lines_of;

const Clock::time_point k_t0{std::chrono::seconds(1000)};
const std::chrono::system_clock::time_point k_wall{std::chrono::seconds(1'700'000'000)};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// A model with `count` processes (p000 ...), one of them in a project when `project`.
Model model_with(int count, bool project = false, bool unicode = true) {
  Model model(Model::Options{{}, 200, {}, unicode, std::chrono::milliseconds(0)});
  model.on_connected("0.5.0");
  json::array rows;
  for (int i = 0; i < count; ++i) {
    char name[16];
    (void)std::snprintf(name, sizeof name, "p%03d", i);
    json::object row{{"name", name},
                     {"pid", 1000 + i},
                     {"status", i % 3 == 2 ? "stopped" : "online"},
                     {"cpu_percent", 0.5 * i},
                     {"memory_bytes", 1048576 * (i + 1)},
                     {"uptime_seconds", 3600 + i},
                     {"restarts", i % 4},
                     {"stop_reason", i % 3 == 2 ? "crashed" : ""},
                     {"command", json::array{"/usr/bin/python3", "-m", "worker"}}};
    if (project && i == 0) row["project"] = "shop";
    rows.push_back(std::move(row));
  }
  Request list = model.list_request();
  for (int sample = 0; sample < 3; ++sample) {
    model.on_reply(list, json::value(json::object{{"processes", rows}}), k_t0);
  }
  return model;
}

void expect_fits(const Frame& frame) {
  const auto lines = lines_of(to_text(frame));
  EXPECT_EQ(lines.size(), static_cast<std::size_t>(frame.rows));
  for (const auto& line : lines) {
    EXPECT_LE(visible_width(line), static_cast<std::size_t>(frame.columns))
        << frame.columns << "x" << frame.rows << ": " << line;
  }
}

TEST(MonitFrame, EverySizeFits) {
  for (bool project : {false, true}) {
    for (bool unicode : {false, true}) {
      Model model = model_with(30, project, unicode);
      for (int columns : {40, 52, 60, 80, 100, 132, 200, 250}) {
        for (int rows : {8, 12, 24, 50}) {
          expect_fits(render_frame(model, columns, rows, k_t0));
        }
      }
    }
  }
}

TEST(MonitFrame, ListHeaderAndRowsAt80x24) {
  const Model model = model_with(30);
  const Frame frame = render_frame(model, 80, 24, k_t0);
  const auto lines = lines_of(to_text(frame));
  EXPECT_EQ(lines[0],
            " bgo monit · 30 processes · 20 online · 10 failing              ? help · q quit ");
  EXPECT_TRUE(lines[1].starts_with("NAME▲  STATE")) << lines[1];
  for (const char* title : {"PID", "UPTIME", "CPU%", "MEM"}) {
    EXPECT_TRUE(contains(lines[1], title)) << lines[1];
  }
  EXPECT_FALSE(contains(lines[1], "PROJECT"));
  EXPECT_TRUE(lines[2].starts_with("p000   online")) << lines[2];
  EXPECT_TRUE(contains(lines[4], "crashed")) << lines[4];
  EXPECT_EQ(frame.list_rows, 10U);
  EXPECT_EQ(frame.log_rows, 10U);
  // The selected row is one bar across the screen.
  ASSERT_FALSE(frame.lines[2].empty());
  EXPECT_TRUE(frame.lines[2].front().reverse);
  EXPECT_EQ(visible_width(lines[2]), 80U);
  EXPECT_TRUE(lines[23].starts_with("r restart")) << lines[23];
}

TEST(MonitFrame, WideTerminalsShowSparklinesAndTheCommand) {
  Model model = model_with(3, true);
  const auto lines = lines_of(to_text(render_frame(model, 200, 50, k_t0)));
  EXPECT_TRUE(lines[0].starts_with(" bgo monit · 3 processes · 2 online · 1 failing · bgod 0.5.0"))
      << lines[0];
  EXPECT_TRUE(contains(lines[1], "PROJECT")) << lines[1];
  EXPECT_TRUE(contains(lines[1], "COMMAND")) << lines[1];
  EXPECT_TRUE(contains(lines[2], "shop")) << lines[2];
  EXPECT_TRUE(contains(lines[3], "python3 -m worker")) << lines[3];
  EXPECT_TRUE(contains(lines[3], "▂▂▂")) << lines[3];  // three samples of 0.5 % against 5 %
  // Three processes: three rows, the rest for the log.
  EXPECT_TRUE(lines[5].starts_with("── p000 ─ stdout and stderr ─")) << lines[5];
}

TEST(MonitFrame, LogPaneMarksStderrAndSkippedLines) {
  Model model = model_with(1);
  const auto follow = model.take_requests(k_t0);
  ASSERT_EQ(follow.size(), 1U);
  model.on_reply(follow[0], json::parse(R"({"tails":[{"stream":"stdout","text":"hello out\n"},
                                          {"stream":"stderr","text":"oh no\n"}]})"),
                 k_t0);
  model.on_notification("log",
                        json::object{{"name", "p000"}, {"stream", "stdout"}, {"data", "live\n"}},
                        k_t0, k_wall);
  model.end_frame();
  const auto lines = lines_of(to_text(render_frame(model, 80, 24, k_t0)));
  EXPECT_TRUE(lines[3].starts_with("── p000 ─ stdout and stderr ─ live ───")) << lines[3];
  EXPECT_EQ(visible_width(lines[3]), 80U);
  EXPECT_EQ(lines[4], "  hello out");
  EXPECT_EQ(lines[5], "▌ oh no");
  EXPECT_EQ(lines[6], "  live");
  model.on_key('t', k_t0);
  const auto stamped = lines_of(to_text(render_frame(model, 80, 24, k_t0)));
  EXPECT_EQ(stamped[4], "            hello out");  // read from the file: no time known
  EXPECT_EQ(stamped[6].size(), std::string("  12:34:56  live").size()) << stamped[6];
}

TEST(MonitFrame, HelpConfirmAndFilterLines) {
  Model model = model_with(5);
  model.on_key('?', k_t0);
  std::string text = to_text(render_frame(model, 80, 30, k_t0));
  EXPECT_TRUE(contains(text, "Keys (any key closes this help)")) << text;
  EXPECT_TRUE(contains(text, "delete it (asks first)")) << text;
  model.on_key('x', k_t0);
  model.on_key('d', k_t0);
  auto lines = lines_of(to_text(render_frame(model, 80, 24, k_t0)));
  EXPECT_EQ(lines[23], "Delete 'p000' (it runs: it is stopped first) and its logs? [y/N]");
  model.on_key('n', k_t0);
  model.on_key('/', k_t0);
  model.on_key('2', k_t0);
  const Frame frame = render_frame(model, 80, 24, k_t0);
  lines = lines_of(to_text(frame));
  EXPECT_TRUE(lines[23].starts_with("/2   Enter: keep the filter")) << lines[23];
  ASSERT_TRUE(frame.cursor);
  EXPECT_EQ(*frame.cursor, std::make_pair(23, 2));
  EXPECT_TRUE(contains(lines[0], "filter: 2 (1 shown)")) << lines[0];
}

TEST(MonitFrame, DisconnectedAndTooSmall) {
  Model model = model_with(2);
  model.on_disconnected();
  const std::string text = to_text(render_frame(model, 80, 24, k_t0));
  EXPECT_TRUE(contains(text, " bgo monit · bgod went away")) << text;
  EXPECT_TRUE(contains(text, "r  reconnect")) << text;
  const auto small = lines_of(to_text(render_frame(model, 30, 5, k_t0)));
  ASSERT_EQ(small.size(), 5U);
  EXPECT_TRUE(small[0].starts_with("bgo monit needs 40x8")) << small[0];
}

TEST(MonitFrame, WithoutAUtf8LocaleEverythingIsAscii) {
  Model model = model_with(5, true, false);
  const auto follow = model.take_requests(k_t0);
  ASSERT_EQ(follow.size(), 1U);
  model.on_reply(follow[0], json::parse(R"({"tails":[{"stream":"stderr","text":"oops\n"}]})"),
                 k_t0);
  const auto ascii = [](const std::string& text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  };
  std::string text = to_text(render_frame(model, 200, 30, k_t0));
  EXPECT_TRUE(ascii(text)) << text;
  EXPECT_TRUE(contains(text, "\n! oops\n")) << text;
  model.on_key('?', k_t0);
  text = to_text(render_frame(model, 100, 30, k_t0));
  EXPECT_TRUE(ascii(text)) << text;
  model.on_key('x', k_t0);
  model.on_key(k_key_enter, k_t0);
  for (const auto& r : model.take_requests(k_t0)) {
    if (r.method == "get") {
      model.on_reply(r, json::parse(R"({"name":"p000","status":"online","pid":1,
                                     "watch":{"enabled":true,"errored":false,"restarts":0}})"),
                     k_t0);
    }
  }
  text = to_text(render_frame(model, 100, 40, k_t0));
  EXPECT_TRUE(contains(text, "Process: p000")) << text;
  EXPECT_TRUE(ascii(text)) << text;
}

TEST(MonitFrame, CompactNumbers) {
  EXPECT_EQ(compact_duration(42), "42s");
  EXPECT_EQ(compact_duration(320), "5m20s");
  EXPECT_EQ(compact_duration(7980), "2h13m");
  EXPECT_EQ(compact_duration(273600), "3d04h");
  EXPECT_EQ(compact_bytes(831488), "812K");
  EXPECT_EQ(compact_bytes(12897485), "12.3M");
  EXPECT_EQ(compact_bytes(300 * 1048576LL), "300M");
  EXPECT_EQ(compact_bytes(1342177280LL), "1.25G");
}

}  // namespace
}  // namespace bgo::client::monit
