// SPDX-License-Identifier: MIT
// Tests for LinePrefixer and LineAssembler (bgo logs over several processes, issue #13.7).
#include "client/commands/log_lines.hpp"

#include <gtest/gtest.h>

namespace bgo::client {
namespace {

const Style k_plain{Level::plain, false};
const Style k_coloured{Level::normal, true};

TEST(LinePrefixer, PadsToTheLongestNameAndColoursByArrival) {
  LinePrefixer p(k_coloured, Prefixes::shown);
  p.add("api");
  p.add("worker");
  EXPECT_EQ(p.prefix("api"), "\x1b[34mapi   \x1b[0m | ");
  EXPECT_EQ(p.prefix("worker"), "\x1b[32mworker\x1b[0m | ");
  // A name seen later gets the next colour and may widen the column.
  EXPECT_EQ(p.prefix("scheduler"), "\x1b[33mscheduler\x1b[0m | ");
  EXPECT_EQ(p.prefix("api"), "\x1b[34mapi      \x1b[0m | ");
  LinePrefixer plain(k_plain, Prefixes::shown);
  EXPECT_EQ(plain.prefix("api"), "api | ");
  LinePrefixer raw(k_coloured, Prefixes::none);
  EXPECT_EQ(raw.prefix("api"), "");
}

TEST(LineAssembler, HoldsEachSourcesUnfinishedLine) {
  LinePrefixer p(k_plain, Prefixes::shown);
  p.add("a");
  p.add("b");
  LineAssembler lines(p);
  EXPECT_EQ(lines.add("a", "stdout", "one\ntw"), "a | one\n");
  EXPECT_EQ(lines.add("b", "stdout", "x\n"), "b | x\n");
  EXPECT_EQ(lines.add("a", "stderr", "err\n"), "a | err\n");  // another stream, its own line
  EXPECT_EQ(lines.add("a", "stdout", "o"), "");
  EXPECT_EQ(lines.add("a", "stdout", "\nthree\n\n"), "a | two\na | three\na | \n");
  EXPECT_EQ(lines.add("b", "stderr", "half"), "");
  EXPECT_EQ(lines.finish(), "b | half\n");
  EXPECT_EQ(lines.finish(), "");
}

TEST(LineAssembler, ALineWithoutEndIsLetOutPastTheBound) {
  LinePrefixer p(k_plain, Prefixes::none);
  LineAssembler lines(p, 8);
  EXPECT_EQ(lines.add("a", "stdout", "12345"), "");
  EXPECT_EQ(lines.add("a", "stdout", "6789"), "123456789\n");
  EXPECT_EQ(lines.add("a", "stdout", "0\n"), "0\n");
}

}  // namespace
}  // namespace bgo::client
