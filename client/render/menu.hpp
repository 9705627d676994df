// SPDX-License-Identifier: MIT
// The interactive multi-select of restart-stopped / restart-last (spec §3.14, TTY mode).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/render/style.hpp"

namespace bgo::client {

enum class MenuKey { up, down, toggle, toggle_all, confirm, cancel, ignore };

enum class MenuOutcome { keep_going, confirm, cancel };

// Turns input bytes into keys: `ESC [ A` up, `ESC [ B` down (other `ESC [ x` ignored), space
// toggle, a/A all, '\r'/'\n' confirm, q/Q/0x03 cancel. After a lone ESC the caller waits at
// most 50 ms for the next byte and calls on_escape_timeout() if none came (that cancels).
class MenuKeyDecoder {
 public:
  // The key completed by `byte`, or nullopt while inside an escape sequence.
  std::optional<MenuKey> feed(char byte);
  // True right after an ESC byte: the next read must be the timed one.
  bool awaiting_escape() const { return state_ == State::escape; }
  MenuKey on_escape_timeout();

 private:
  enum class State { ground, escape, csi };
  State state_ = State::ground;
};

// Cursor and selection of the menu; pure, so every key and every frame is unit-testable.
class MenuState {
 public:
  MenuState(std::string title, std::vector<std::string> labels);

  // Up/down wrap around; toggle flips the current row; toggle_all selects all unless all are
  // selected, in which case it clears all. With no options, moves and toggles do nothing.
  MenuOutcome on_key(MenuKey key);

  // One frame: title, gray help line, one line per option, gray "(<k> selected)" line, each
  // ending in '\n'. The first frame starts with `ESC[J`; later ones with `ESC[<n+3>A ESC[J`
  // to overwrite the previous frame. With `columns` > 0 every line is cut to that width
  // (truncate()), so none wraps and the cursor-up count stays right.
  std::string render(const Style& style, bool first_draw, std::size_t columns = 0) const;

  // Indices of the selected options in display order.
  std::vector<std::size_t> selected() const;
  std::size_t cursor() const { return cursor_; }

 private:
  std::string title_;
  std::vector<std::string> labels_;
  std::vector<bool> selected_;
  std::size_t cursor_ = 0;
};

// Runs the menu on the controlling terminal: cbreak mode on fd 0 (signals stay enabled),
// frames written to stdout. Returns the selected indices (possibly empty) on Enter, nullopt on
// cancel (q, Ctrl-C byte or SIGINT, lone ESC, end of input) or when fd 0 is not a terminal.
// Restores the terminal and prints a newline on every path. Blocks on user input.
std::optional<std::vector<std::size_t>> run_menu(std::string title, std::vector<std::string> labels,
                                                 const Style& style);

// The original's non-interactive selection (spec §3.14), used when stdin is a terminal but
// stdout is not: prints `title`, `  <i>) <label>` for each option, the instruction line and the
// prompt `> ` on stdout, then reads one line from stdin. Same result convention as run_menu.
std::optional<std::vector<std::size_t>> run_numbered_menu(const std::string& title,
                                                          const std::vector<std::string>& labels);

// The answer typed at that prompt, for `count` options: nullopt (cancel) for end of input
// (`answer` nullopt) or a blank line; every option in order for `a`/`A`; else each token
// (split on runs of commas and whitespace) that is an integer k with 1 <= k <= count selects
// option k - 1, in typed order, duplicates kept; other tokens are ignored.
std::optional<std::vector<std::size_t>> parse_menu_answer(const std::optional<std::string>& answer,
                                                          std::size_t count);

// One option label: `name` padded to 20 columns, a space, the first 19 characters of
// `timestamp` (or "?" when empty) in gray, two spaces, the first 60 characters of `command`.
std::string menu_label(std::string_view name, std::string_view timestamp, std::string_view command,
                       const Style& style);

}  // namespace bgo::client
