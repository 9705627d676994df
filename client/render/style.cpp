// SPDX-License-Identifier: MIT
// Rendering level (plain/normal/fancy), colour decision, SGR painting and the glyph sets.
#include "client/render/style.hpp"

#include <algorithm>
#include <cstdlib>

namespace bgo::client {
namespace {

constexpr std::string_view k_whitespace = " \t\n\r\f\v";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(k_whitespace);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(k_whitespace);
  return s.substr(first, last - first + 1);
}

std::string to_ascii_lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

std::string to_ascii_upper(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  });
  return out;
}

bool non_empty(const std::optional<std::string>& value) { return value && !value->empty(); }

// clang-format off
constexpr Glyphs k_plain_glyphs{
    .hline = "-", .vline = "|", .cross = "+",
    .tl = "+", .tr = "+", .bl = "+", .br = "+",
    .tdown = "+", .tup = "+", .tleft = "+", .tright = "+",
    .online = "ON", .stopped = "OFF", .crashed = "CRASH",
    .waiting = "WAIT", .starting = "STARTING",
    .watching = "[W]", .errored = "[!]", .watcher_dead = "[?]", .watch_none = "-",
    .dash = "-"};

// Per the bgo decision in §6.1, normal draws ASCII rules but keeps the Unicode status words.
constexpr Glyphs k_normal_glyphs{
    .hline = "-", .vline = "|", .cross = "+",
    .tl = "+", .tr = "+", .bl = "+", .br = "+",
    .tdown = "+", .tup = "+", .tleft = "+", .tright = "+",
    .online = "online", .stopped = "stopped", .crashed = "crashed",
    .waiting = "waiting", .starting = "starting",
    .watching = "\u2713", .errored = "\u26a0", .watcher_dead = "!", .watch_none = "-",
    .dash = "\u2014"};

constexpr Glyphs k_fancy_glyphs{
    .hline = "\u2501", .vline = "\u2503", .cross = "\u254b",
    .tl = "\u250f", .tr = "\u2513", .bl = "\u2517", .br = "\u251b",
    .tdown = "\u2533", .tup = "\u253b", .tleft = "\u252b", .tright = "\u2523",
    .online = "\u25cf online", .stopped = "\u25cb stopped", .crashed = "\u2717 crashed",
    // Between stopped and online: a dotted circle waits, a half-filled one is coming up.
    .waiting = "\u25cc waiting", .starting = "\u25d0 starting",
    .watching = "\u2713", .errored = "\u26a0", .watcher_dead = "!", .watch_none = "\u00b7",
    .dash = "\u2014"};
// clang-format on

int sgr_code(Color color) {
  switch (color) {
    case Color::red:
      return 31;
    case Color::green:
      return 32;
    case Color::yellow:
      return 33;
    case Color::blue:
      return 34;
    case Color::gray:
      return 90;
    case Color::bold:
      return 1;
  }
  return 0;
}

}  // namespace

std::string_view to_string(Level level) {
  switch (level) {
    case Level::plain:
      return "plain";
    case Level::normal:
      return "normal";
    case Level::fancy:
      return "fancy";
  }
  return "plain";
}

std::optional<Level> parse_level(std::string_view text) {
  for (Level level : {Level::plain, Level::normal, Level::fancy}) {
    if (text == to_string(level)) return level;
  }
  return std::nullopt;
}

EnvGetter process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    // The client is single-threaded and never calls setenv.
    const char* value = std::getenv(std::string{name}.c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) return std::nullopt;
    return std::string{value};
  };
}

Level resolve_level(std::optional<Level> flag, const EnvGetter& env, bool stdout_is_tty) {
  if (flag) return *flag;
  if (const auto forced = env("BGO_TABLE")) {
    if (const auto level = parse_level(to_ascii_lower(trim(*forced)))) return *level;
  }
  if (env("TERM") == "dumb") return Level::plain;
  if (!stdout_is_tty) return color_wanted(env, false) ? Level::normal : Level::plain;
  std::string locale;
  for (std::string_view name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    if (auto value = env(name); non_empty(value)) {
      locale = to_ascii_upper(*value);
      break;
    }
  }
  const bool utf8 =
      locale.find("UTF-8") != std::string::npos || locale.find("UTF8") != std::string::npos;
  return utf8 ? Level::fancy : Level::normal;
}

bool color_wanted(const EnvGetter& env, bool is_tty) {
  if (non_empty(env("NO_COLOR")) || env("TERM") == "dumb") return false;
  if (const auto force = env("CLICOLOR_FORCE"); non_empty(force) && *force != "0") return true;
  return is_tty;
}

bool resolve_color(Level level, const EnvGetter& env, bool stdout_is_tty) {
  return color_wanted(env, stdout_is_tty) && level != Level::plain;
}

Style resolve_style(std::optional<Level> flag, const EnvGetter& env, bool stdout_is_tty) {
  const Level level = resolve_level(flag, env, stdout_is_tty);
  return Style{.level = level, .color = resolve_color(level, env, stdout_is_tty)};
}

std::string_view to_string(Color color) {
  switch (color) {
    case Color::red:
      return "red";
    case Color::green:
      return "green";
    case Color::yellow:
      return "yellow";
    case Color::blue:
      return "blue";
    case Color::gray:
      return "gray";
    case Color::bold:
      return "bold";
  }
  return "bold";
}

std::string paint(const Style& style, Color color, std::string_view text) {
  if (!style.color) return std::string{text};
  const std::string on = "\x1b[" + std::to_string(sgr_code(color)) + "m";
  if (text.find('\n') == std::string_view::npos) return on + std::string{text} + "\x1b[0m";
  // Each line is coloured on its own, so the reset always comes before a newline: a line read
  // alone (a pager, a redrawn screen, a terminal that scrolls) never starts inside a colour.
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t newline = std::min(text.find('\n', start), text.size());
    if (newline > start) out += on + std::string{text.substr(start, newline - start)} + "\x1b[0m";
    if (newline < text.size()) out += '\n';
    start = newline + 1;
  }
  return out;
}

const Glyphs& glyphs(Level level) {
  switch (level) {
    case Level::plain:
      return k_plain_glyphs;
    case Level::normal:
      return k_normal_glyphs;
    case Level::fancy:
      return k_fancy_glyphs;
  }
  return k_plain_glyphs;
}

}  // namespace bgo::client
