// SPDX-License-Identifier: MIT
// The interactive multi-select of restart-stopped / restart-last (spec §3.14, TTY mode).
#include "client/render/menu.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <unistd.h>
#include <utility>

#include "client/render/text.hpp"
#include "client/terminal.hpp"

namespace bgo::client {
namespace {

constexpr char k_escape = '\x1b';
constexpr char k_ctrl_c = '\x03';
constexpr int k_escape_timeout_ms = 50;
constexpr std::size_t k_label_name_width = 20;
constexpr std::size_t k_label_time_chars = 19;
constexpr std::size_t k_label_command_chars = 60;

// The first `count` code points of `s`.
std::string_view take_code_points(std::string_view s, std::size_t count) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < count && pos < s.size(); ++i) next_code_point(s, pos);
  return s.substr(0, pos);
}

void write_stdout(std::string_view text) {
  // A short write to the terminal leaves a garbled frame at worst; the next one repaints it.
  (void)std::fwrite(text.data(), 1, text.size(), stdout);
  (void)std::fflush(stdout);
}

std::optional<std::vector<std::size_t>> menu_loop(TerminalSession& session, MenuState& state,
                                                  const Style& style) {
  MenuKeyDecoder decoder;
  write_stdout(state.render(style, true, static_cast<std::size_t>(terminal_columns())));
  for (;;) {
    char byte = 0;
    // Only the byte after ESC is timed: a lone ESC is the user pressing Escape.
    const int timeout = decoder.awaiting_escape() ? k_escape_timeout_ms : -1;
    std::optional<MenuKey> key;
    switch (session.read_byte(byte, timeout)) {
      case TerminalSession::Read::byte:
        key = decoder.feed(byte);
        break;
      case TerminalSession::Read::timeout:
        key = decoder.on_escape_timeout();
        break;
      case TerminalSession::Read::cancelled:
        return std::nullopt;
    }
    if (!key) continue;
    switch (state.on_key(*key)) {
      case MenuOutcome::confirm:
        return state.selected();
      case MenuOutcome::cancel:
        return std::nullopt;
      case MenuOutcome::keep_going:
        break;
    }
    if (*key != MenuKey::ignore && *key != MenuKey::confirm) {
      write_stdout(state.render(style, false, static_cast<std::size_t>(terminal_columns())));
    }
  }
}

}  // namespace

std::optional<MenuKey> MenuKeyDecoder::feed(char byte) {
  switch (state_) {
    case State::escape:
      state_ = byte == '[' ? State::csi : State::ground;
      return state_ == State::csi ? std::nullopt : std::optional{MenuKey::ignore};
    case State::csi:
      state_ = State::ground;
      if (byte == 'A') return MenuKey::up;
      if (byte == 'B') return MenuKey::down;
      return MenuKey::ignore;
    case State::ground:
      break;
  }
  switch (byte) {
    case k_escape:
      state_ = State::escape;
      return std::nullopt;
    case ' ':
      return MenuKey::toggle;
    case 'a':
    case 'A':
      return MenuKey::toggle_all;
    case '\r':
    case '\n':
      return MenuKey::confirm;
    case 'q':
    case 'Q':
    case k_ctrl_c:
      return MenuKey::cancel;
    default:
      return MenuKey::ignore;
  }
}

MenuKey MenuKeyDecoder::on_escape_timeout() {
  state_ = State::ground;
  return MenuKey::cancel;
}

MenuState::MenuState(std::string title, std::vector<std::string> labels)
    : title_(std::move(title)), labels_(std::move(labels)), selected_(labels_.size(), false) {}

MenuOutcome MenuState::on_key(MenuKey key) {
  const std::size_t n = labels_.size();
  switch (key) {
    case MenuKey::up:
      if (n > 0) cursor_ = (cursor_ + n - 1) % n;
      return MenuOutcome::keep_going;
    case MenuKey::down:
      if (n > 0) cursor_ = (cursor_ + 1) % n;
      return MenuOutcome::keep_going;
    case MenuKey::toggle:
      if (n > 0) selected_[cursor_] = !selected_[cursor_];
      return MenuOutcome::keep_going;
    case MenuKey::toggle_all: {
      const bool all = std::all_of(selected_.begin(), selected_.end(), [](bool s) { return s; });
      std::fill(selected_.begin(), selected_.end(), !all);
      return MenuOutcome::keep_going;
    }
    case MenuKey::confirm:
      return MenuOutcome::confirm;
    case MenuKey::cancel:
      return MenuOutcome::cancel;
    case MenuKey::ignore:
      return MenuOutcome::keep_going;
  }
  return MenuOutcome::keep_going;
}

std::string MenuState::render(const Style& style, bool first_draw, std::size_t columns) const {
  const auto line = [columns](const std::string& text) {
    if (columns == 0 || visible_width(text) <= columns) return text + "\n";
    return truncate(text, static_cast<int>(columns)) + "\n";
  };
  std::string out = first_draw ? "" : "\x1b[" + std::to_string(labels_.size() + 3) + "A";
  out += "\x1b[J";
  out += line(title_);
  out += line(paint(style, Color::gray,
                    "  \u2191/\u2193 move \u00b7 space toggle \u00b7 a all \u00b7 enter confirm "
                    "\u00b7 q cancel"));
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    const std::string box = selected_[i] ? paint(style, Color::green, "[x]") : "[ ]";
    out += line((i == cursor_ ? paint(style, Color::blue, "\u25b6 ") : "    ") + box + " " +
                labels_[i]);
  }
  const auto count = std::count(selected_.begin(), selected_.end(), true);
  out += line(paint(style, Color::gray, "  (" + std::to_string(count) + " selected)"));
  return out;
}

std::vector<std::size_t> MenuState::selected() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < selected_.size(); ++i) {
    if (selected_[i]) out.push_back(i);
  }
  return out;
}

std::optional<std::vector<std::size_t>> run_menu(std::string title, std::vector<std::string> labels,
                                                 const Style& style) {
  MenuState state(std::move(title), std::move(labels));
  std::optional<std::vector<std::size_t>> picked;
  {
    TerminalSession session;
    if (!session.active()) return std::nullopt;
    picked = menu_loop(session, state, style);
  }  // the terminal is restored before the newline that ends the menu
  write_stdout("\n");
  return picked;
}

std::optional<std::vector<std::size_t>> parse_menu_answer(const std::optional<std::string>& answer,
                                                          std::size_t count) {
  if (!answer) return std::nullopt;
  const std::string_view text(*answer);
  const auto first = text.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return std::nullopt;
  const auto last = text.find_last_not_of(" \t\r\n\f\v");
  const std::string_view trimmed = text.substr(first, last - first + 1);
  std::vector<std::size_t> picked;
  if (trimmed == "a" || trimmed == "A") {
    for (std::size_t i = 0; i < count; ++i) picked.push_back(i);
    return picked;
  }
  std::size_t pos = 0;
  while (pos < trimmed.size()) {
    const auto start = trimmed.find_first_not_of(", \t\r\n\f\v", pos);
    if (start == std::string_view::npos) break;
    auto end = trimmed.find_first_of(", \t\r\n\f\v", start);
    if (end == std::string_view::npos) end = trimmed.size();
    std::string_view token = trimmed.substr(start, end - start);
    pos = end;
    // Python int(): an optional sign, then digits.
    bool negative = false;
    if (!token.empty() && (token.front() == '+' || token.front() == '-')) {
      negative = token.front() == '-';
      token.remove_prefix(1);
    }
    if (token.empty() || token.size() > 9 ||
        !std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    const auto k = static_cast<std::size_t>(std::stoul(std::string(token)));
    if (!negative && k >= 1 && k <= count) picked.push_back(k - 1);
  }
  return picked;
}

std::optional<std::vector<std::size_t>> run_numbered_menu(const std::string& title,
                                                          const std::vector<std::string>& labels) {
  std::string out = title + "\n";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out += "  " + std::to_string(i + 1) + ") " + labels[i] + "\n";
  }
  out += "Enter numbers (comma/space separated), 'a' for all, blank to cancel:\n> ";
  write_stdout(out);
  std::string line;
  std::optional<std::string> answer;
  // Byte by byte from fd 0, so nothing beyond this line is consumed.
  for (;;) {
    char c = 0;
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (!line.empty()) answer = line;
      break;
    }
    if (c == '\n') {
      answer = line;
      break;
    }
    line += c;
  }
  return parse_menu_answer(answer, labels.size());
}

std::string menu_label(std::string_view name, std::string_view timestamp, std::string_view command,
                       const Style& style) {
  const std::string_view stamp =
      timestamp.empty() ? std::string_view{"?"} : take_code_points(timestamp, k_label_time_chars);
  return pad_right(name, k_label_name_width) + " " + paint(style, Color::gray, stamp) + "  " +
         std::string{take_code_points(command, k_label_command_chars)};
}

}  // namespace bgo::client
