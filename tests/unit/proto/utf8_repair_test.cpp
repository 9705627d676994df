// SPDX-License-Identifier: MIT
// UTF-8 validation, repair and the held-back tail of a chunk.
#include "proto/utf8_repair.hpp"

#include <gtest/gtest.h>

namespace bgo::proto {
namespace {

std::string repaired(std::string s) {
  repair_utf8(s);
  return s;
}

TEST(Utf8Repair, ValidTextIsUntouched) {
  for (const std::string s :
       {"", "plain", "h\xC3\xA9llo", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xEF\xBF\xBD"}) {
    EXPECT_TRUE(is_valid_utf8(s)) << s;
    EXPECT_EQ(repaired(s), s);
  }
}

TEST(Utf8Repair, EachBadByteBecomesOneReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(repaired("a\xFF"
                     "b"),
            "a" + r + "b");
  EXPECT_EQ(repaired("\xC3"), r);                          // truncated
  EXPECT_EQ(repaired("\xC0\xAF"), r + r);                  // overlong
  EXPECT_EQ(repaired("\xED\xA0\x80"), r + r + r);          // surrogate
  EXPECT_EQ(repaired("\xF4\x90\x80\x80"), r + r + r + r);  // > U+10FFFF
  EXPECT_EQ(repaired("\x80x\xE2\x82\xAC"), r + "x\xE2\x82\xAC");
  for (const std::string s : {"\xFF", "\xC3", "\xC0\xAF", "\xED\xA0\x80"}) {
    EXPECT_FALSE(is_valid_utf8(s));
    EXPECT_TRUE(is_valid_utf8(repaired(s)));
  }
}

TEST(Utf8Repair, IncompleteTailIsTheStartOfACutSequence) {
  EXPECT_EQ(incomplete_utf8_tail(""), 0u);
  EXPECT_EQ(incomplete_utf8_tail("abc"), 0u);
  EXPECT_EQ(incomplete_utf8_tail("a\xC3"), 1u);
  EXPECT_EQ(incomplete_utf8_tail("a\xE2\x82"), 2u);
  EXPECT_EQ(incomplete_utf8_tail("a\xF0\x9F\x98"), 3u);
  EXPECT_EQ(incomplete_utf8_tail("a\xE2\x82\xAC"), 0u);      // complete
  EXPECT_EQ(incomplete_utf8_tail("a\xF0\x9F\x98\x80"), 0u);  // complete
  EXPECT_EQ(incomplete_utf8_tail("a\xFF"), 0u);              // not a lead byte: repair it now
  EXPECT_EQ(incomplete_utf8_tail("\x80\x80\x80"), 0u);
}

}  // namespace
}  // namespace bgo::proto
