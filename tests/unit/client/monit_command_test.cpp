// SPDX-License-Identifier: MIT
// Tests for `bgo monit`'s place among the commands: registered with its alias, a first word
// that is a command (not a program to start), listed in the top-level help.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "client/command.hpp"
#include "client/direct_mode.hpp"
#include "client/help_text.hpp"

namespace bgo::client {
namespace {

TEST(MonitCommand, RegisteredAsMonitAndTop) {
  const auto& commands = command_registry();
  const auto it = std::find_if(commands.begin(), commands.end(),
                               [](const Command& c) { return c.name == "monit"; });
  ASSERT_NE(it, commands.end());
  EXPECT_EQ(it->aliases, std::vector<std::string_view>{"top"});
  EXPECT_TRUE(is_known_command("monit"));
  EXPECT_TRUE(is_known_command("top"));
}

TEST(MonitCommand, InTheTopLevelHelp) {
  const std::string help = top_level_help(100);
  EXPECT_NE(help.find("\n  monit (top)          A live full-screen view"), std::string::npos)
      << help;
}

}  // namespace
}  // namespace bgo::client
