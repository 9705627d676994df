// SPDX-License-Identifier: MIT
// LogBuffer and printable.
#include "client/monit/log_buffer.hpp"

#include <algorithm>

namespace bgo::client::monit {

namespace {

constexpr std::size_t k_tab = 8;
// Start markers remembered to show each once; a tail of a few hundred lines holds few restarts.
constexpr std::size_t k_markers_kept = 32;

std::size_t index_of(Stream stream) { return static_cast<std::size_t>(stream); }

// Length of the escape sequence at `pos` (s[pos] == ESC): CSI up to its final byte, OSC up to
// BEL or ST, otherwise ESC and one more byte.
std::size_t escape_length(std::string_view s, std::size_t pos) {
  if (pos + 1 >= s.size()) return 1;
  const char kind = s[pos + 1];
  if (kind == '[') {
    std::size_t end = pos + 2;
    while (end < s.size() && (s[end] < 0x40 || s[end] > 0x7e)) ++end;
    return std::min(end + 1, s.size()) - pos;
  }
  if (kind == ']') {
    for (std::size_t end = pos + 2; end < s.size(); ++end) {
      if (s[end] == '\a') return end + 1 - pos;
      if (s[end] == '\x1b' && end + 1 < s.size() && s[end + 1] == '\\') return end + 2 - pos;
    }
    return s.size() - pos;
  }
  return 2;
}

bool is_start_marker(std::string_view text) {
  return text.starts_with("=== [") && text.ends_with(" ===");
}

}  // namespace

std::optional<Stream> parse_stream(std::string_view text) {
  if (text == "stdout") return Stream::out;
  if (text == "stderr") return Stream::err;
  if (text == "watcher") return Stream::watcher;
  return std::nullopt;
}

std::string printable(std::string_view line, std::size_t max_bytes) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (const auto cr = line.rfind('\r'); cr != std::string_view::npos) line.remove_prefix(cr + 1);
  std::string out;
  out.reserve(std::min(line.size(), max_bytes));
  std::size_t columns = 0;  // characters so far, for tab stops
  for (std::size_t i = 0; i < line.size() && out.size() < max_bytes;) {
    const auto byte = static_cast<unsigned char>(line[i]);
    if (byte == 0x1b) {
      i += escape_length(line, i);
      continue;
    }
    if (byte == '\t') {
      const std::size_t spaces = k_tab - columns % k_tab;
      out.append(std::min(spaces, max_bytes - out.size()), ' ');
      columns += spaces;
      ++i;
      continue;
    }
    if (byte < 0x20 || byte == 0x7f) {
      ++i;
      continue;
    }
    // A C1 control (U+0080..U+009F, 0xC2 0x80..0x9F in UTF-8) moves a terminal's cursor too.
    if (byte == 0xc2 && i + 1 < line.size()) {
      const auto next = static_cast<unsigned char>(line[i + 1]);
      if (next >= 0x80 && next <= 0x9f) {
        i += 2;
        continue;
      }
    }
    // Whole characters only: a lead byte and its continuation bytes.
    std::size_t end = i + 1;
    while (end < line.size() && (static_cast<unsigned char>(line[end]) & 0xc0) == 0x80) ++end;
    if (out.size() + (end - i) > max_bytes) break;
    out.append(line.substr(i, end - i));
    ++columns;
    i = end;
  }
  return out;
}

LogBuffer::LogBuffer(Limits limits) : limits_(limits) {
  limits_.capacity = std::max<std::size_t>(limits_.capacity, 1);
  limits_.burst = std::max<std::size_t>(limits_.burst, 2);
}

void LogBuffer::clear() {
  lines_.clear();
  for (auto& held : held_) held.clear();
  markers_.clear();
  window_lines_ = 0;
  window_tail_.clear();
  window_skipped_ = 0;
  added_ = 0;
  skipped_ = 0;
}

void LogBuffer::add_history(Stream stream, std::string_view text) {
  while (!text.empty()) {
    const auto newline = text.find('\n');
    add_line(stream, text.substr(0, newline), std::nullopt);
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
}

void LogBuffer::add_chunk(Stream stream, std::string_view data,
                          std::chrono::system_clock::time_point now) {
  std::string& held = held_[index_of(stream)];
  // Raw bytes kept of one line: twice what is shown, since escape sequences are dropped later.
  const std::size_t cap = limits_.line_bytes * 2;
  const auto keep = [&](std::string_view part) {
    held.append(part.substr(0, cap - std::min(held.size(), cap)));
  };
  while (!data.empty()) {
    const auto newline = data.find('\n');
    const std::string_view part = data.substr(0, newline);
    if (newline == std::string_view::npos) {
      keep(part);  // the rest of an over-long line is never shown: dropped as it comes
      return;
    }
    if (held.empty()) {
      add_line(stream, part, now);
    } else {
      keep(part);
      add_line(stream, held, now);
      held.clear();
    }
    data.remove_prefix(newline + 1);
  }
}

void LogBuffer::add_line(Stream stream, std::string_view raw,
                         std::optional<std::chrono::system_clock::time_point> time) {
  if (window_lines_ < limits_.burst) {
    ++window_lines_;
    append(stream, raw, time);
    return;
  }
  // A flood: only the window's newest lines are kept, raw, and made printable when the window
  // ends; the cost of a line that is skipped is one copy.
  window_tail_.push_back(Pending{stream, std::string(raw), time});
  if (window_tail_.size() > limits_.burst / 2) {
    window_tail_.pop_front();
    ++window_skipped_;
  }
}

void LogBuffer::append(Stream stream, std::string_view raw,
                       std::optional<std::chrono::system_clock::time_point> time) {
  LogLine line{stream, printable(raw, limits_.line_bytes), time, false, 0};
  if (is_start_marker(line.text)) {
    // The same marker comes on stdout and on stderr: show it once (with its blank line).
    if (std::find(markers_.begin(), markers_.end(), line.text) != markers_.end()) {
      if (!lines_.empty() && lines_.back().text.empty() && lines_.back().stream == stream) {
        lines_.pop_back();
      }
      return;
    }
    markers_.push_back(line.text);
    if (markers_.size() > k_markers_kept) markers_.pop_front();
    line.marker = true;
  }
  push(std::move(line));
}

void LogBuffer::end_window() {
  if (window_skipped_ > 0) {
    LogLine marker;
    marker.skipped = window_skipped_;
    skipped_ += window_skipped_;
    push(std::move(marker));
  }
  for (const Pending& pending : window_tail_) append(pending.stream, pending.raw, pending.time);
  window_tail_.clear();
  window_skipped_ = 0;
  window_lines_ = 0;
}

void LogBuffer::push(LogLine line) {
  lines_.push_back(std::move(line));
  ++added_;
  if (lines_.size() > limits_.capacity) lines_.pop_front();
}

}  // namespace bgo::client::monit
