// SPDX-License-Identifier: MIT
// parse_size: the units, fractions, and everything it refuses.
#include "common/size.hpp"

#include <gtest/gtest.h>

namespace bgo {
namespace {

TEST(ParseSize, PlainBytes) {
  EXPECT_EQ(parse_size("0"), 0U);
  EXPECT_EQ(parse_size("512"), 512U);
  EXPECT_EQ(parse_size("512B"), 512U);
  EXPECT_EQ(parse_size("512b"), 512U);
}

TEST(ParseSize, BinaryUnitsInEverySpelling) {
  for (const char* k : {"1K", "1k", "1KB", "1kb", "1KiB", "1kib", "1Ki"}) {
    EXPECT_EQ(parse_size(k), 1024U) << k;
  }
  EXPECT_EQ(parse_size("10M"), 10U * 1024 * 1024);
  EXPECT_EQ(parse_size("10MiB"), 10U * 1024 * 1024);
  EXPECT_EQ(parse_size("1G"), 1024ULL * 1024 * 1024);
  EXPECT_EQ(parse_size("2gb"), 2ULL * 1024 * 1024 * 1024);
}

TEST(ParseSize, FractionsDropPartialBytes) {
  EXPECT_EQ(parse_size("1.5K"), 1536U);
  EXPECT_EQ(parse_size("0.5"), 0U);
  EXPECT_EQ(parse_size(".5K"), 512U);
  EXPECT_EQ(parse_size("1.K"), 1024U);
  EXPECT_EQ(parse_size("1.0000000001G"), 1024ULL * 1024 * 1024);
}

TEST(ParseSize, RefusesWhatIsNotASize) {
  for (const char* bad : {"", ".", "K", "-1", "+1", " 1", "1 ", "1e3", "0x10", "nan", "inf", "1T",
                          "1KK", "1.2.3", "1iB", "10 M", "ten"}) {
    EXPECT_FALSE(parse_size(bad).has_value()) << bad;
  }
}

TEST(ParseSize, RefusesMoreThanTheMaximum) {
  EXPECT_EQ(parse_size("1000000000000000000"), k_max_size_bytes);
  EXPECT_FALSE(parse_size("1000000000000000001").has_value());
  EXPECT_FALSE(parse_size("99999999999999999999999").has_value());
  EXPECT_FALSE(parse_size("1000000000G").has_value());
  EXPECT_EQ(parse_size("931322574G"), 931322574ULL * 1024 * 1024 * 1024);
}

TEST(Size, FormatsExactly) {
  EXPECT_EQ(format_size(uint64_t{8} << 20), "8M");
  EXPECT_EQ(format_size(uint64_t{512} << 10), "512K");
  EXPECT_EQ(format_size(uint64_t{1} << 30), "1G");
  EXPECT_EQ(format_size(1000), "1000");
  EXPECT_EQ(format_size(0), "0");
  for (uint64_t v : {0ULL, 1536ULL, 8ULL << 20, 3ULL << 30})
    EXPECT_EQ(parse_size(format_size(v)), v);
}

}  // namespace
}  // namespace bgo
