// SPDX-License-Identifier: MIT
// One screen of `bgo monit` as text and paints, computed from the model alone: the ncurses view
// copies it to the terminal, the tests and the bench read it directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/monit/model.hpp"

namespace bgo::client::monit {

// What a span looks like; the view turns each into colours and attributes (only attributes
// without colour: NO_COLOR, or a terminal without colours).
enum class Paint : std::uint8_t {
  text,
  dim,
  bold,
  title,   // the top bar
  alert,   // the top bar when bgod went away
  header,  // the list's column names
  green,
  yellow,
  red,
  cyan,
  question,  // a confirmation waiting for y or n
};

struct Span {
  std::string text;
  Paint paint = Paint::text;
  bool reverse = false;  // the selected row
};

using FrameLine = std::vector<Span>;

struct Frame {
  int columns = 0;
  int rows = 0;
  // Exactly `rows` lines, none wider than `columns` display columns; a line narrower than
  // the screen is blank after its spans.
  std::vector<FrameLine> lines;
  // Where the terminal's cursor goes (row, column) while the filter is typed; else hidden.
  std::optional<std::pair<int, int>> cursor;
  std::size_t list_rows = 0;  // the heights given to the list and the log pane
  std::size_t log_rows = 0;
};

// The screen below this size shows only a line asking for a larger one.
inline constexpr int k_min_columns = 40;
inline constexpr int k_min_rows = 8;

// The whole screen for `model` on a terminal of `columns` x `rows` at `now`.
Frame render_frame(const Model& model, int columns, int rows, Clock::time_point now);

// The frame's text, one '\n'-terminated line per row (for tests and the README's capture).
std::string to_text(const Frame& frame);

// The list's rows and their header (frame_list.cpp), `width` columns wide: line 0 is the
// header, then one line per entry of `model.table().view()` from `top`, at most `count`.
std::vector<FrameLine> render_list(const Model& model, int width, std::size_t top,
                                   std::size_t count, Clock::time_point now);

// "42s", "5m20s", "2h13m", "3d04h": a duration in at most seven columns.
std::string compact_duration(int64_t seconds);
// "812K", "12.3M", "1.25G": bytes in at most six columns.
std::string compact_bytes(int64_t bytes);

}  // namespace bgo::client::monit
