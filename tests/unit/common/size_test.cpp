// SPDX-License-Identifier: MIT
// Tests for parse_size() and format_size().
#include "common/size.hpp"

#include <gtest/gtest.h>

namespace bgo {
namespace {

TEST(Size, Parses) {
  EXPECT_EQ(parse_size("1048576"), 1048576u);
  EXPECT_EQ(parse_size("512K"), 512u * 1024);
  EXPECT_EQ(parse_size("8M"), 8u * 1024 * 1024);
  EXPECT_EQ(parse_size("8mib"), 8u * 1024 * 1024);
  EXPECT_EQ(parse_size("1G"), 1024u * 1024 * 1024);
  EXPECT_EQ(parse_size("1.5K"), 1536u);
  EXPECT_EQ(parse_size("0"), 0u);
  EXPECT_EQ(parse_size("10B"), 10u);
  EXPECT_FALSE(parse_size("ten"));
  EXPECT_FALSE(parse_size("-1M"));
  EXPECT_FALSE(parse_size("5X"));
  EXPECT_FALSE(parse_size("1e30"));
}

TEST(Size, FormatsExactly) {
  EXPECT_EQ(format_size(uint64_t{8} << 20), "8M");
  EXPECT_EQ(format_size(uint64_t{512} << 10), "512K");
  EXPECT_EQ(format_size(uint64_t{1} << 30), "1G");
  EXPECT_EQ(format_size(1000), "1000");
  EXPECT_EQ(format_size(0), "0");
  for (uint64_t v : {0ull, 1536ull, 8ull << 20, 3ull << 30})
    EXPECT_EQ(parse_size(format_size(v)), v);
}

}  // namespace
}  // namespace bgo
