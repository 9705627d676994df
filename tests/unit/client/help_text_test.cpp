// SPDX-License-Identifier: MIT
// Tests for the top-level help filled to the terminal (issue #13.8).
#include "client/help_text.hpp"

#include <string>

#include <gtest/gtest.h>

#include "client/render/text.hpp"

namespace bgo::client {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(TopLevelHelp, NoLineIsWiderThanTheWidth) {
  for (std::size_t width = 40; width <= 200; ++width) {
    const std::string help = top_level_help(width);
    std::size_t start = 0;
    while (start < help.size()) {
      const std::size_t end = help.find('\n', start);
      ASSERT_NE(end, std::string::npos);
      EXPECT_LE(visible_width(help.substr(start, end - start)), width)
          << width << ": " << help.substr(start, end - start);
      start = end + 1;
    }
  }
}

TEST(TopLevelHelp, KeepsItsSectionsAndColumns) {
  const std::string help = top_level_help(78);
  EXPECT_TRUE(
      help.starts_with("usage: bgo [-h] [--version] <command> [options] ...\n"
                       "       bgo [-w] <name> -- <command> [args...]\n"));
  for (const char* section : {"\nCommands:\n", "\nExamples:\n",
                              "\nWatch mode (auto-restart on crash):\n", "\nEnvironment: "}) {
    EXPECT_TRUE(contains(help, section)) << section;
  }
  // Summaries at column 23, continued there; comments at column 47.
  EXPECT_TRUE(contains(help, "\n  status (ls, list)    Show process status\n"));
  EXPECT_TRUE(contains(help,
                       "\n  autostart            Per-process autostart policy: set NAME "
                       "POLICY, show\n                       NAME (install, "));
  EXPECT_TRUE(contains(help, "\n  bgo logs myapp -f" + std::string(28, ' ') + "# Follow logs\n"));
  EXPECT_TRUE(contains(help, "\n  bgo start myapp --autostart never -- python3 server.py\n"));
}

TEST(TopLevelHelp, NarrowTerminalsPutCommentsBelowAndContinueThem) {
  const std::string help = top_level_help(58);
  EXPECT_TRUE(contains(help, "\n  bgo logs myapp -f\n      # Follow logs\n")) << help;
  // A comment that wraps starts each line with "# ".
  EXPECT_TRUE(
      contains(top_level_help(30),
               "\n  bgo startup --status\n      # Is the start at login\n      # set up?\n"))
      << top_level_help(30);
  const std::string narrow = top_level_help(40);
  // A command longer than the line wraps at its spaces, indented.
  EXPECT_TRUE(
      contains(narrow, "\n  bgo start myapp --autostart never --\n      python3 server.py\n"))
      << narrow;
}

}  // namespace
}  // namespace bgo::client
