// SPDX-License-Identifier: MIT
// binding_for and the help lines.
#include "client/monit/keymap.hpp"

#include <array>
#include <utility>

namespace bgo::client::monit {

namespace {

// Sort keys are capitals, so that they never clash with the actions' lower-case letters
// (`W`, watch, is the one capital action).
constexpr std::array<std::pair<char, Column>, 8> k_sort_keys = {{
    {'N', Column::name},
    {'J', Column::project},
    {'S', Column::state},
    {'P', Column::pid},
    {'R', Column::restarts},
    {'U', Column::uptime},
    {'C', Column::cpu},
    {'M', Column::memory},
}};

Binding list_binding(Key key) {
  switch (key) {
    case 'q':
    case k_key_ctrl_c:
      return {Action::quit};
    case k_key_up:
    case 'k':
      return {Action::up};
    case k_key_down:
    case 'j':
      return {Action::down};
    case k_key_home:
    case 'g':
      return {Action::first};
    case k_key_end:
    case 'G':
      return {Action::last};
    case k_key_page_up:
      return {Action::log_older};
    case k_key_page_down:
      return {Action::log_newer};
    case '<':
    case k_key_left:
      return {Action::sort_left};
    case '>':
    case k_key_right:
      return {Action::sort_right};
    case '/':
      return {Action::filter_start};
    case 'r':
      return {Action::restart};
    case 's':
      return {Action::stop_start};
    case 'd':
      return {Action::remove};
    case 'W':
      return {Action::watch_toggle};
    case 'f':
      return {Action::flush};
    case 't':
      return {Action::toggle_timestamps};
    case 'w':
      return {Action::toggle_watcher};
    case '?':
    case 'h':
      return {Action::help};
    case k_key_enter:
    case '\r':
      return {Action::detail};
    case k_key_escape:
      return {Action::close};
    default:
      break;
  }
  for (const auto& [letter, column] : k_sort_keys) {
    if (key == letter) return {Action::sort_by, column};
  }
  return {};
}

}  // namespace

Binding binding_for(Mode mode, Key key) {
  switch (mode) {
    case Mode::list:
      return list_binding(key);
    case Mode::filter:
      if (key == k_key_enter || key == '\r') return {Action::filter_accept};
      if (key == k_key_escape || key == k_key_ctrl_c) return {Action::filter_clear};
      if (key == k_key_backspace || key == 0x7f || key == 0x08) return {Action::filter_erase};
      if (key == k_key_up || key == k_key_down) return list_binding(key);
      if (key >= 0x20) return {Action::filter_type};
      return {};
    case Mode::confirm:
      if (key == 'y' || key == 'Y') return {Action::yes};
      if (key == k_key_ctrl_c) return {Action::quit};
      return {Action::no};  // anything else keeps what would be lost
    case Mode::help:
      if (key == 'q' || key == k_key_ctrl_c) return {Action::quit};
      return {Action::close};  // any key closes the help
    case Mode::disconnected:
      if (key == 'r') return {Action::reconnect};
      if (key == 'q' || key == k_key_ctrl_c || key == k_key_escape) return {Action::quit};
      return {};
  }
  return {};
}

const std::vector<HelpLine>& help_lines() {
  static const std::vector<HelpLine> k_lines = {
      {"Up Down  j k", "select a process"},
      {"Home End  g G", "first, last process"},
      {"PgUp PgDn", "scroll its log back, forward (following again at the end)"},
      {"Enter", "its detail (as bgo NAME), Enter or Esc again: the log"},
      {"r", "restart"},
      {"s", "stop it, or start it when stopped"},
      {"d", "delete it (asks first)"},
      {"W", "watch or unwatch it (auto-restart)"},
      {"f", "empty its logs (asks first)"},
      {"t", "timestamps in the log pane on or off"},
      {"w", "watcher log instead of stdout and stderr, or back"},
      {"/", "filter by name or project (Enter keeps it, Esc clears it)"},
      {"N J S P R U C M",
       "sort by name, project, state, pid, restarts, uptime, CPU, memory (again: the other way)"},
      {"< >  Left Right", "sort by the column to the left, right"},
      {"?", "this help"},
      {"q  Ctrl-C", "quit"},
  };
  return k_lines;
}

char sort_key(Column column) {
  for (const auto& [letter, c] : k_sort_keys) {
    if (c == column) return letter;
  }
  return '?';
}

}  // namespace bgo::client::monit
