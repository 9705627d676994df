// SPDX-License-Identifier: MIT
// Keys of `bgo monit` and what each does in each mode: the one table the screen, the help
// overlay (`?`) and the tests read.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "client/monit/process_table.hpp"

namespace bgo::client::monit {

// A key as the view hands it over: a Unicode code point, or one of the k_key_* (negative).
using Key = std::int32_t;
inline constexpr Key k_key_up = -1;
inline constexpr Key k_key_down = -2;
inline constexpr Key k_key_left = -3;
inline constexpr Key k_key_right = -4;
inline constexpr Key k_key_page_up = -5;
inline constexpr Key k_key_page_down = -6;
inline constexpr Key k_key_home = -7;
inline constexpr Key k_key_end = -8;
inline constexpr Key k_key_backspace = -9;
inline constexpr Key k_key_enter = '\n';
inline constexpr Key k_key_escape = 0x1b;
inline constexpr Key k_key_ctrl_c = 0x03;

// What the screen is doing, which decides what a key means.
enum class Mode {
  list,          // the process list with the log pane (or the detail pane)
  filter,        // typing the filter after `/`
  confirm,       // a question waits for y or n
  help,          // the key list
  disconnected,  // bgod went away: reconnect or quit
};

enum class Action {
  none,
  quit,
  up,
  down,
  first,
  last,
  log_older,  // the log pane one page back (PageUp)
  log_newer,  // one page forward, following again at the end (PageDown)
  sort_by,    // by `Binding::column`
  sort_left,  // `<`: the column before the sorted one
  sort_right,
  filter_start,
  filter_type,  // the key's character joins the filter
  filter_erase,
  filter_accept,
  filter_clear,
  restart,
  stop_start,
  remove,  // asks first
  watch_toggle,
  flush,  // asks first
  toggle_timestamps,
  toggle_watcher,
  help,
  detail,  // Enter: the detail pane, or back to the log pane
  close,   // Esc: the help, the detail pane, the filter
  yes,
  no,
  reconnect,
};

struct Binding {
  Action action = Action::none;
  Column column = Column::name;  // for Action::sort_by
};

// What `key` does in `mode`.
Binding binding_for(Mode mode, Key key);

// The help overlay: one line per key, "keys" and "what", in the order they are shown (ASCII,
// so that it reads the same in any locale).
struct HelpLine {
  std::string_view keys;
  std::string_view what;
};
const std::vector<HelpLine>& help_lines();

// The sort key of `column` ('N' for name, ...).
char sort_key(Column column);

}  // namespace bgo::client::monit
