// SPDX-License-Identifier: MIT
// LineDecoder: splitting, the cap, poisoning, linear cost.
#include "proto/framing.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace bgo::proto {
namespace {

std::vector<std::string> drain(LineDecoder& d) {
  std::vector<std::string> out;
  while (auto line = d.next_line()) out.push_back(*line);
  return out;
}

TEST(LineDecoder, SplitsLinesAcrossFeeds) {
  LineDecoder d;
  d.feed("ab");
  EXPECT_TRUE(drain(d).empty());
  d.feed("c\nde\r\n\nf");
  EXPECT_EQ(drain(d), (std::vector<std::string>{"abc", "de", ""}));
  EXPECT_EQ(d.buffered(), 1u);
  d.feed("\n");
  EXPECT_EQ(drain(d), (std::vector<std::string>{"f"}));
  EXPECT_EQ(d.buffered(), 0u);
  EXPECT_FALSE(d.overflowed());
}

TEST(LineDecoder, OnlyOneTrailingCarriageReturnIsDropped) {
  LineDecoder d;
  d.feed("a\r\r\n\rb\n");
  EXPECT_EQ(drain(d), (std::vector<std::string>{"a\r", "\rb"}));
}

TEST(LineDecoder, ALineOfExactlyTheCapIsAccepted) {
  LineDecoder d(8);
  d.feed(std::string(8, 'x'));
  EXPECT_FALSE(d.next_line());
  EXPECT_FALSE(d.overflowed());
  d.feed("\n");
  EXPECT_EQ(d.next_line(), std::string(8, 'x'));
}

TEST(LineDecoder, OverflowIsDetectedBeforeTheNewlineArrives) {
  LineDecoder d(8);
  d.feed("ok\n");
  d.feed(std::string(9, 'x'));
  EXPECT_EQ(d.next_line(), "ok");  // lines before the long one still come out
  EXPECT_FALSE(d.next_line());
  EXPECT_TRUE(d.overflowed());
  EXPECT_EQ(d.buffered(), 0u);  // memory released
  d.feed("\nlater\n");
  EXPECT_FALSE(d.next_line());  // poisoned for good
}

TEST(LineDecoder, OverflowWithTheNewlineInTheSameFeed) {
  LineDecoder d(8);
  d.feed(std::string(20, 'x') + "\nnext\n");
  EXPECT_FALSE(d.next_line());
  EXPECT_TRUE(d.overflowed());
}

TEST(LineDecoder, TheDefaultCapIsOneMebibyte) {
  LineDecoder d;
  d.feed(std::string(k_max_frame_bytes, '7') + "\n");
  auto line = d.next_line();
  ASSERT_TRUE(line);
  EXPECT_EQ(line->size(), k_max_frame_bytes);
  d.feed(std::string(k_max_frame_bytes + 1, '7'));
  EXPECT_FALSE(d.next_line());
  EXPECT_TRUE(d.overflowed());
}

// Many short lines in one feed, fed byte by byte: cost stays linear (this would take
// minutes with a quadratic erase-per-line or rescan-per-byte decoder).
TEST(LineDecoder, ManySmallLinesAreCheap) {
  std::string input;
  for (int i = 0; i < 200000; ++i) input += "{\"id\":" + std::to_string(i) + "}\n";
  LineDecoder d;
  d.feed(input);
  size_t count = 0;
  while (d.next_line()) ++count;
  EXPECT_EQ(count, 200000u);
  LineDecoder bytewise;
  size_t count2 = 0;
  for (char c : input.substr(0, 400000)) {
    bytewise.feed(std::string_view(&c, 1));
    while (bytewise.next_line()) ++count2;
  }
  EXPECT_GT(count2, 10000u);
}

}  // namespace
}  // namespace bgo::proto
