// SPDX-License-Identifier: MIT
// Tests for `bgo monit`'s keys: what each does in each mode, and that the help lists them.
#include <string>

#include <gtest/gtest.h>

#include "client/monit/keymap.hpp"

namespace bgo::client::monit {
namespace {

Action action(Mode mode, Key key) { return binding_for(mode, key).action; }

TEST(MonitKeymap, ListKeys) {
  EXPECT_EQ(action(Mode::list, 'q'), Action::quit);
  EXPECT_EQ(action(Mode::list, k_key_ctrl_c), Action::quit);
  EXPECT_EQ(action(Mode::list, k_key_down), Action::down);
  EXPECT_EQ(action(Mode::list, 'k'), Action::up);
  EXPECT_EQ(action(Mode::list, k_key_page_up), Action::log_older);
  EXPECT_EQ(action(Mode::list, 'r'), Action::restart);
  EXPECT_EQ(action(Mode::list, 's'), Action::stop_start);
  EXPECT_EQ(action(Mode::list, 'd'), Action::remove);
  EXPECT_EQ(action(Mode::list, 'W'), Action::watch_toggle);
  EXPECT_EQ(action(Mode::list, 'w'), Action::toggle_watcher);
  EXPECT_EQ(action(Mode::list, 'f'), Action::flush);
  EXPECT_EQ(action(Mode::list, 't'), Action::toggle_timestamps);
  EXPECT_EQ(action(Mode::list, '?'), Action::help);
  EXPECT_EQ(action(Mode::list, '/'), Action::filter_start);
  EXPECT_EQ(action(Mode::list, k_key_enter), Action::detail);
  EXPECT_EQ(action(Mode::list, '<'), Action::sort_left);
  EXPECT_EQ(action(Mode::list, 'x'), Action::none);
  const Binding cpu = binding_for(Mode::list, 'C');
  EXPECT_EQ(cpu.action, Action::sort_by);
  EXPECT_EQ(cpu.column, Column::cpu);
  EXPECT_EQ(sort_key(Column::memory), 'M');
}

TEST(MonitKeymap, TypingAFilterTakesLetters) {
  EXPECT_EQ(action(Mode::filter, 'q'), Action::filter_type);
  EXPECT_EQ(action(Mode::filter, 'r'), Action::filter_type);
  EXPECT_EQ(action(Mode::filter, 0xe9), Action::filter_type);  // é
  EXPECT_EQ(action(Mode::filter, k_key_backspace), Action::filter_erase);
  EXPECT_EQ(action(Mode::filter, 0x7f), Action::filter_erase);
  EXPECT_EQ(action(Mode::filter, k_key_enter), Action::filter_accept);
  EXPECT_EQ(action(Mode::filter, k_key_escape), Action::filter_clear);
  EXPECT_EQ(action(Mode::filter, k_key_down), Action::down);
}

TEST(MonitKeymap, OnlyYConfirms) {
  EXPECT_EQ(action(Mode::confirm, 'y'), Action::yes);
  EXPECT_EQ(action(Mode::confirm, 'Y'), Action::yes);
  EXPECT_EQ(action(Mode::confirm, 'n'), Action::no);
  EXPECT_EQ(action(Mode::confirm, k_key_enter), Action::no);
  EXPECT_EQ(action(Mode::confirm, 'd'), Action::no);
  EXPECT_EQ(action(Mode::confirm, k_key_ctrl_c), Action::quit);
}

TEST(MonitKeymap, DisconnectedOffersReconnectAndQuit) {
  EXPECT_EQ(action(Mode::disconnected, 'r'), Action::reconnect);
  EXPECT_EQ(action(Mode::disconnected, 'q'), Action::quit);
  EXPECT_EQ(action(Mode::disconnected, 'd'), Action::none);
  EXPECT_EQ(action(Mode::help, 'x'), Action::close);
  EXPECT_EQ(action(Mode::help, 'q'), Action::quit);
}

TEST(MonitKeymap, HelpNamesEveryActionKey) {
  std::string keys;
  for (const auto& line : help_lines()) keys += std::string(line.keys) + " ";
  for (const char* key : {"r", "s", "d", "W", "f", "t", "w", "/", "?", "Enter", "PgUp", "< >"}) {
    EXPECT_NE(keys.find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace bgo::client::monit
