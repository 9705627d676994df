// SPDX-License-Identifier: MIT
// Tests for the multi-select's pure parts (§3.14): keys, selection, frames and labels.
#include "client/render/menu.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "client/render/text.hpp"

namespace bgo::client {
namespace {

constexpr Style k_mono{.level = Level::normal, .color = false};
constexpr Style k_color{.level = Level::normal, .color = true};

MenuState three_options() { return MenuState("Pick:", {"alpha", "beta", "gamma"}); }

std::vector<MenuKey> feed_all(MenuKeyDecoder& decoder, std::string_view bytes) {
  std::vector<MenuKey> keys;
  for (char byte : bytes) {
    if (auto key = decoder.feed(byte)) keys.push_back(*key);
  }
  return keys;
}

TEST(MenuKeyDecoder, ArrowsAndSingleBytes) {
  MenuKeyDecoder decoder;
  EXPECT_EQ(feed_all(decoder, "\x1b[A\x1b[B \naAqQ\x03\rx\x1b[C"),
            (std::vector<MenuKey>{MenuKey::up, MenuKey::down, MenuKey::toggle, MenuKey::confirm,
                                  MenuKey::toggle_all, MenuKey::toggle_all, MenuKey::cancel,
                                  MenuKey::cancel, MenuKey::cancel, MenuKey::confirm,
                                  MenuKey::ignore, MenuKey::ignore}));
  EXPECT_FALSE(decoder.awaiting_escape());
}

TEST(MenuKeyDecoder, LoneEscapeCancelsAfterTimeout) {
  MenuKeyDecoder decoder;
  EXPECT_EQ(decoder.feed('\x1b'), std::nullopt);
  EXPECT_TRUE(decoder.awaiting_escape());
  EXPECT_EQ(decoder.on_escape_timeout(), MenuKey::cancel);
  EXPECT_FALSE(decoder.awaiting_escape());
  EXPECT_EQ(decoder.feed(' '), MenuKey::toggle);
}

TEST(MenuKeyDecoder, EscapeFollowedByOtherByteIsIgnored) {
  MenuKeyDecoder decoder;
  EXPECT_EQ(feed_all(decoder, "\x1bO "), (std::vector<MenuKey>{MenuKey::ignore, MenuKey::toggle}));
}

TEST(MenuState, MovesWrapAround) {
  MenuState menu = three_options();
  EXPECT_EQ(menu.cursor(), 0U);
  EXPECT_EQ(menu.on_key(MenuKey::up), MenuOutcome::keep_going);
  EXPECT_EQ(menu.cursor(), 2U);
  menu.on_key(MenuKey::down);
  EXPECT_EQ(menu.cursor(), 0U);
  menu.on_key(MenuKey::down);
  EXPECT_EQ(menu.cursor(), 1U);
}

TEST(MenuState, ToggleAndSelectAllOrNone) {
  MenuState menu = three_options();
  menu.on_key(MenuKey::down);
  menu.on_key(MenuKey::toggle);
  EXPECT_EQ(menu.selected(), (std::vector<std::size_t>{1}));
  menu.on_key(MenuKey::toggle_all);  // not all selected -> all
  EXPECT_EQ(menu.selected(), (std::vector<std::size_t>{0, 1, 2}));
  menu.on_key(MenuKey::toggle_all);  // all selected -> none
  EXPECT_TRUE(menu.selected().empty());
  menu.on_key(MenuKey::toggle);
  menu.on_key(MenuKey::toggle);
  EXPECT_TRUE(menu.selected().empty());
}

TEST(MenuState, ConfirmCancelAndIgnore) {
  MenuState menu = three_options();
  EXPECT_EQ(menu.on_key(MenuKey::ignore), MenuOutcome::keep_going);
  EXPECT_EQ(menu.on_key(MenuKey::cancel), MenuOutcome::cancel);
  EXPECT_EQ(menu.on_key(MenuKey::confirm), MenuOutcome::confirm);
  EXPECT_TRUE(menu.selected().empty());  // confirming nothing is allowed
}

TEST(MenuState, NoOptionsIsHarmless) {
  MenuState menu("Pick:", {});
  for (MenuKey key : {MenuKey::up, MenuKey::down, MenuKey::toggle, MenuKey::toggle_all}) {
    EXPECT_EQ(menu.on_key(key), MenuOutcome::keep_going);
  }
  EXPECT_EQ(menu.render(k_mono, false),
            "\x1b[3A\x1b[J"
            "Pick:\n"
            "  \u2191/\u2193 move \u00b7 space toggle \u00b7 a all \u00b7 enter confirm \u00b7 q "
            "cancel\n"
            "  (0 selected)\n");
}

TEST(MenuState, FirstFrameOnlyClears) {
  MenuState menu = three_options();
  menu.on_key(MenuKey::toggle);
  EXPECT_EQ(menu.render(k_mono, true),
            "\x1b[J"
            "Pick:\n"
            "  \u2191/\u2193 move \u00b7 space toggle \u00b7 a all \u00b7 enter confirm \u00b7 q "
            "cancel\n"
            "\u25b6 [x] alpha\n"
            "    [ ] beta\n"
            "    [ ] gamma\n"
            "  (1 selected)\n");
}

TEST(MenuState, RedrawMovesUpOverThePreviousFrameInColour) {
  MenuState menu = three_options();
  menu.on_key(MenuKey::up);
  menu.on_key(MenuKey::toggle);
  menu.on_key(MenuKey::up);
  EXPECT_EQ(menu.render(k_color, false),
            "\x1b[6A\x1b[J"
            "Pick:\n"
            "\x1b[90m  \u2191/\u2193 move \u00b7 space toggle \u00b7 a all \u00b7 enter confirm "
            "\u00b7 q cancel\x1b[0m\n"
            "    [ ] alpha\n"
            "\x1b[34m\u25b6 \x1b[0m[ ] beta\n"
            "    \x1b[32m[x]\x1b[0m gamma\n"
            "\x1b[90m  (1 selected)\x1b[0m\n");
}

TEST(MenuLabel, PadsNameAndCutsTimestampAndCommand) {
  EXPECT_EQ(
      menu_label("web", "2025-03-01T10:15:42.123456+00:00", "/usr/bin/python3 app.py", k_mono),
      "web                  2025-03-01T10:15:42  /usr/bin/python3 app.py");
  EXPECT_EQ(menu_label("web", "", "x", k_color), "web                  \x1b[90m?\x1b[0m  x");
  const std::string long_name(25, 'n');
  const std::string command(70, 'c');
  EXPECT_EQ(menu_label(long_name, "2025", command, k_mono),
            long_name + " 2025  " + std::string(60, 'c'));
  // Characters, not bytes: a multi-byte command is cut on a code-point boundary.
  std::string accents;
  for (int i = 0; i < 61; ++i) accents += "\u00e9";
  std::string expected_accents;
  for (int i = 0; i < 60; ++i) expected_accents += "\u00e9";
  EXPECT_EQ(menu_label("a", "t", accents, k_mono), "a                    t  " + expected_accents);
}

TEST(MenuState, LinesAreCutToTheTerminalWidth) {
  MenuState menu("A title longer than twenty", {"alpha", std::string(40, 'x')});
  std::string frame = menu.render(k_color, true, 20);
  ASSERT_TRUE(frame.starts_with("\x1b[J"));
  frame.erase(0, 3);  // not an SGR sequence, so visible_width would count it
  std::size_t start = 0;
  int lines = 0;
  while (start < frame.size()) {
    const std::size_t end = frame.find('\n', start);
    EXPECT_LE(visible_width(frame.substr(start, end - start)), 20U) << frame;
    start = end + 1;
    ++lines;
  }
  EXPECT_EQ(lines, 5);
  EXPECT_NE(frame.find("    [ ] xxxxxxxxx...\n"), std::string::npos) << frame;
}

TEST(MenuAnswer, EndOfInputAndBlankCancel) {
  EXPECT_EQ(parse_menu_answer(std::nullopt, 3), std::nullopt);
  EXPECT_EQ(parse_menu_answer(std::string{""}, 3), std::nullopt);
  EXPECT_EQ(parse_menu_answer(std::string{"  \t "}, 3), std::nullopt);
}

TEST(MenuAnswer, AllSelectsEveryOptionInOrder) {
  using V = std::vector<std::size_t>;
  EXPECT_EQ(parse_menu_answer(std::string{"a"}, 3), (V{0, 1, 2}));
  EXPECT_EQ(parse_menu_answer(std::string{" A "}, 2), (V{0, 1}));
}

TEST(MenuAnswer, NumbersInTypedOrderDuplicatesKeptJunkIgnored) {
  using V = std::vector<std::size_t>;
  EXPECT_EQ(parse_menu_answer(std::string{"3, 1 1,,x 0 4 -1 +2"}, 3), (V{2, 0, 0, 1}));
  // Only junk: an empty selection, not a cancel ("Nothing selected.").
  EXPECT_EQ(parse_menu_answer(std::string{"x y"}, 3), V{});
}

}  // namespace
}  // namespace bgo::client
