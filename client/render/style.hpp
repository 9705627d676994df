// SPDX-License-Identifier: MIT
// Rendering level (plain/normal/fancy), colour decision, SGR painting and the glyph sets.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace bgo::client {

// How much decoration the status output uses. `plain` is pure ASCII without colour; `normal`
// keeps ASCII rules with colour; `fancy` uses heavy box drawing (spec §6.1 bgo decision).
enum class Level { plain, normal, fancy };

std::string_view to_string(Level level);
// Accepts exactly "plain", "normal" or "fancy".
std::optional<Level> parse_level(std::string_view text);

struct Style {
  Level level = Level::plain;
  bool color = false;
};

// Reads one environment variable; nullopt when unset. Injected so resolution stays pure.
using EnvGetter = std::function<std::optional<std::string>(std::string_view)>;

// The real process environment (std::getenv).
EnvGetter process_env();

// Spec §6.1: `flag` (--plain/--fancy), then BGO_TABLE (trimmed, lower-cased, only if valid),
// then stdout not a TTY -> plain (unless CLICOLOR_FORCE asks for colour: normal), TERM == "dumb" ->
// plain, then the first non-empty of LC_ALL/LC_CTYPE/LANG containing UTF-8/UTF8 (case-insensitive)
// -> fancy, else normal.
Level resolve_level(std::optional<Level> flag, const EnvGetter& env, bool stdout_is_tty);

// Whether output to a stream may be coloured (issue #19): never with a non-empty NO_COLOR
// (no-color.org; `--no-color` sets it) or TERM=dumb; always with a non-empty CLICOLOR_FORCE
// other than "0"; else when the stream is a TTY.
bool color_wanted(const EnvGetter& env, bool is_tty);

// The table's colour: color_wanted() and a level that is not plain.
bool resolve_color(Level level, const EnvGetter& env, bool stdout_is_tty);

// resolve_level + resolve_color.
Style resolve_style(std::optional<Level> flag, const EnvGetter& env, bool stdout_is_tty);

enum class Color { red, green, yellow, blue, gray, bold };

std::string_view to_string(Color color);

// `ESC[<n>m` + `text` + `ESC[0m` when `style.color`, else `text` unchanged. A `text` of several
// lines is painted line by line (`ESC[<n>m` + line + `ESC[0m`, empty lines left bare), so no
// colour is open across a newline.
std::string paint(const Style& style, Color color, std::string_view text);

// The glyphs the status table, WATCH cell and detail view draw with. Every level has the same
// fields; the plain set is pure ASCII.
struct Glyphs {
  std::string_view hline, vline, cross;
  std::string_view tl, tr, bl, br;
  std::string_view tdown, tup, tleft, tright;
  std::string_view online, stopped;
  std::string_view crashed;   // a process that exited on its own with a failure (issue #13)
  std::string_view waiting;   // a start waiting for its dependencies (issue #14)
  std::string_view starting;  // running, its readiness check not passed yet (issue #14)
  std::string_view watching, errored, watcher_dead, watch_none;
  std::string_view dash;  // separates a name from its error reason ("-" in plain, else em dash)
};

const Glyphs& glyphs(Level level);

}  // namespace bgo::client
