// SPDX-License-Identifier: MIT
// Tests for display width, padding, truncation (§6.4, §11.2 #10-#13, #20-#23) and sizes.
#include "client/render/text.hpp"

#include <string>

#include <gtest/gtest.h>

namespace bgo::client {
namespace {

TEST(VisibleWidth, IgnoresAnsiCodes) {
  EXPECT_EQ(visible_width("\x1b[31mhello\x1b[0m"), 5U);  // §11.2 #10
  EXPECT_EQ(visible_width("\x1b[1;31m\x1b[mab"), 2U);
  EXPECT_EQ(visible_width(""), 0U);
}

TEST(VisibleWidth, CountsDisplayColumns) {
  EXPECT_EQ(visible_width("caf\u00e9"), 4U);
  EXPECT_EQ(visible_width("cafe\u0301"), 4U);                    // combining acute
  EXPECT_EQ(visible_width("\u540d\u524d"), 4U);                  // CJK: wide
  EXPECT_EQ(visible_width("\U0001F680"), 2U);                    // emoji: wide
  EXPECT_EQ(visible_width("\u26a0\ufe0f"), 1U);                  // VS16 adds nothing
  EXPECT_EQ(visible_width("a\u200bb"), 2U);                      // zero-width space
  EXPECT_EQ(visible_width("\u25cf online \u2713 \u2501"), 12U);  // table glyphs: narrow
  EXPECT_EQ(visible_width("\xff"), 1U);                          // malformed byte: one column
}

TEST(NextCodePoint, DecodesAndRejectsMalformedInput) {
  const std::string s = "a\u00e9\u540d\U0001F680";
  std::size_t pos = 0;
  EXPECT_EQ(next_code_point(s, pos), U'a');
  EXPECT_EQ(next_code_point(s, pos), U'\u00e9');
  EXPECT_EQ(next_code_point(s, pos), U'\u540d');
  EXPECT_EQ(next_code_point(s, pos), U'\U0001F680');
  EXPECT_EQ(pos, s.size());
  for (const std::string bad : {"\xc3", "\xe5\x90", "\xc0\xaf", "\xed\xa0\x80", "\x80"}) {
    pos = 0;
    EXPECT_EQ(next_code_point(bad, pos), U'\uFFFD');
    EXPECT_EQ(pos, 1U);
  }
}

TEST(Pad, RightAndLeft) {
  EXPECT_EQ(pad_right("ab", 5), "ab   ");  // §11.2 #11
  EXPECT_EQ(pad_left("ab", 5), "   ab");   // #12
  EXPECT_EQ(pad_right("abcdef", 3), "abcdef");
  EXPECT_EQ(pad_left("abcdef", 3), "abcdef");
  EXPECT_EQ(pad_right("\u540d", 4), "\u540d  ");
}

TEST(Pad, ColouredTextReachesVisibleWidth) {
  // #13: padding goes outside the colour codes.
  const std::string padded = pad_right("\x1b[32mok\x1b[0m", 6);
  EXPECT_EQ(padded, "\x1b[32mok\x1b[0m    ");
  EXPECT_EQ(visible_width(padded), 6U);
}

TEST(Truncate, SpecExamples) {
  // §11.2 #20.
  EXPECT_EQ(truncate("hello world", 8), "hello...");
  EXPECT_EQ(truncate("short", 10), "short");
  EXPECT_EQ(truncate("anything", 3), "...");
  EXPECT_EQ(truncate("anything", 0), "");
  EXPECT_EQ(truncate("anything", -4), "");
  EXPECT_EQ(truncate("ab", 2), "..");  // even when it would fit
  EXPECT_EQ(truncate("exactly8", 8), "exactly8");
}

TEST(Truncate, NeverSplitsAnEscapeAndClosesOpenColour) {
  // #21.
  EXPECT_EQ(truncate("abc\x1b[31mdefghij\x1b[0m", 8), "abc\x1b[31mde...\x1b[0m");
}

TEST(Truncate, ColouredStringStaysWithinWidthAndEndsWithReset) {
  // #22.
  const std::string out = truncate("\x1b[90m/usr/local/bin/very-long-command --flag\x1b[0m", 12);
  EXPECT_EQ(visible_width(out), 12U);
  EXPECT_EQ(out, "\x1b[90m/usr/loca...\x1b[0m");
}

TEST(Truncate, NoSecondResetWhenPrefixClosedTheColour) {
  // #23.
  EXPECT_EQ(truncate("\x1b[31mab\x1b[0mcdefghi", 6), "\x1b[31mab\x1b[0mc...");
  EXPECT_EQ(truncate("\x1b[31mab\x1b[mcdefghi", 6), "\x1b[31mab\x1b[mc...");
}

TEST(Truncate, CountsColumnsForWideAndCombiningCharacters) {
  // 日本語日本語 is 12 columns; 7 columns leave room for two wide characters and "...".
  EXPECT_EQ(truncate("\u65e5\u672c\u8a9e\u65e5\u672c\u8a9e", 7), "\u65e5\u672c...");
  // A wide character that would straddle the limit is dropped rather than split.
  EXPECT_EQ(truncate("\u65e5\u672c\u8a9e\u65e5\u672c\u8a9e", 8), "\u65e5\u672c...");
  // A combining mark stays with the character it modifies.
  EXPECT_EQ(truncate("cafe\u0301 noir", 7), "cafe\u0301...");
}

TEST(HumanSize, Units) {
  EXPECT_EQ(human_size(0), "0B");
  EXPECT_EQ(human_size(512), "512B");
  EXPECT_EQ(human_size(1023), "1023B");
  EXPECT_EQ(human_size(1024), "1.0KB");
  EXPECT_EQ(human_size(1536), "1.5KB");
  EXPECT_EQ(human_size(3565158), "3.4MB");
  EXPECT_EQ(human_size(1048575), "1024.0KB");  // below 1024 KB before rounding, as Python
  EXPECT_EQ(human_size(5ULL << 30), "5.0GB");
  EXPECT_EQ(human_size(3ULL << 40), "3.0TB");
  EXPECT_EQ(human_size(2048ULL << 40), "2048.0TB");
}

TEST(FitToScreen, CutsWideLinesAndClearsEachLine) {
  EXPECT_EQ(fit_to_screen("abcdefghij\nxy\n", 8, 10), "abcde...\x1b[K\nxy\x1b[K");
  // Colour survives the cut and is closed.
  EXPECT_EQ(fit_to_screen("\x1b[31mabcdefghij\x1b[0m\n", 6, 10), "\x1b[31mabc...\x1b[0m\x1b[K");
}

TEST(FitToScreen, KeepsTheLastLineWhenTooTall) {
  EXPECT_EQ(fit_to_screen("1\n2\n3\n4\nfooter\n", 80, 3), "1\x1b[K\n2\x1b[K\nfooter\x1b[K");
  EXPECT_EQ(fit_to_screen("1\n2\n", 80, 0), "1\x1b[K\n2\x1b[K");
}

TEST(Fill, WrapsWordsAtTheWidthWithTheContinuationPrefix) {
  EXPECT_EQ(fill("one two three four", 14, "  ", "    "), "  one two\n    three four\n");
  EXPECT_EQ(fill("a comment that wraps", 12, "x # ", "  # "),
            "x # a\n  # comment\n  # that\n  # wraps\n");
  EXPECT_EQ(fill("", 10, "term", ""), "term\n");
  // A word wider than a line stays whole; runs of spaces collapse.
  EXPECT_EQ(fill("short averyveryverylongword  end", 10, "", ""),
            "short\naveryveryverylongword\nend\n");
  // Display columns, not bytes.
  EXPECT_EQ(fill("\u540d\u524d \u540d\u524d", 9, "", ""), "\u540d\u524d \u540d\u524d\n");
  EXPECT_EQ(fill("\u540d\u524d \u540d\u524d", 8, "", ""), "\u540d\u524d\n\u540d\u524d\n");
}

}  // namespace
}  // namespace bgo::client
