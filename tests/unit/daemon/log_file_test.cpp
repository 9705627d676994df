// SPDX-License-Identifier: MIT
// Tests for LogFile: rotation at line boundaries, the kept copies, --time stamping.
#include "daemon/os/log_file.hpp"

#include <fstream>
#include <sstream>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): POSIX mkdtemp()
#include <unistd.h>

#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PlanAppend, FitsWithoutRotation) {
  const AppendPlan p = plan_append(10, true, "abc\n", 100);
  EXPECT_EQ(p.before, 4u);
  EXPECT_FALSE(p.rotate);
  EXPECT_FALSE(plan_append(1000, true, "abc\n", 0).rotate);  // 0 = never
}

TEST(PlanAppend, CompleteLinesThatFitFinishTheFile) {
  // 6 bytes of room: "aa\nbb\n" fits, "cc\n" goes to the next file.
  const AppendPlan p = plan_append(4, true, "aa\nbb\ncc\n", 10);
  EXPECT_EQ(p.before, 6u);
  EXPECT_TRUE(p.rotate);
}

TEST(PlanAppend, RotatesFirstWhenNoLineFits) {
  const AppendPlan p = plan_append(9, true, "a long line\n", 10);
  EXPECT_EQ(p.before, 0u);
  EXPECT_TRUE(p.rotate);
}

TEST(PlanAppend, AnOpenLineIsFinishedBeforeRotating) {
  // The file ends inside a line: its end goes to the same file, even past the limit.
  const AppendPlan p = plan_append(10, false, "end\nnext\n", 10);
  EXPECT_EQ(p.before, 4u);
  EXPECT_TRUE(p.rotate);
  // No line end yet: keep writing the line ...
  EXPECT_FALSE(plan_append(10, false, "more", 10).rotate);
  // ... until it runs past twice the limit.
  EXPECT_TRUE(plan_append(18, false, "more", 10).rotate);
}

TEST(PlanAppend, AFirstLineLongerThanTheLimitStaysWhole) {
  const AppendPlan p = plan_append(0, true, "0123456789abcdef\nx\n", 10);
  EXPECT_EQ(p.before, 17u);
  EXPECT_TRUE(p.rotate);
}

TEST(StampLines, PrefixesEveryLineStartAcrossChunks) {
  std::string out;
  bool at_start = true;
  stamp_lines("a\nb", "T ", at_start, out);
  EXPECT_FALSE(at_start);
  stamp_lines("c\n\nd\n", "U ", at_start, out);
  EXPECT_TRUE(at_start);
  EXPECT_EQ(out, "T a\nT bc\nU \nU d\n");
}

TEST(TimestampPrefix, IsIsoUtcWithMilliseconds) {
  const std::string p = timestamp_prefix();
  ASSERT_EQ(p.size(), 25u) << p;
  EXPECT_EQ(p[10], 'T');
  EXPECT_EQ(p.substr(19, 1), ".");
  EXPECT_EQ(p.substr(23), "Z ");
}

class LogFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "bgo_log_file_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  fs::path dir_;
};

TEST_F(LogFileTest, EveryLineLandsOnceInOrderAcrossRotations) {
  const fs::path path = dir_ / "a.out.log";
  LogFile file(path);
  std::string expected;
  for (int i = 0; i < 500; ++i) {
    const std::string line = "line " + std::to_string(i) + "\n";
    expected += line;
  }
  // Written in odd-sized chunks that cut lines anywhere.
  for (size_t pos = 0; pos < expected.size(); pos += 37) {
    file.append(std::string_view(expected).substr(pos, 37), 100, 1000);
  }
  std::string all;
  int k = 1;
  while (fs::exists(path.string() + "." + std::to_string(k))) ++k;
  for (--k; k >= 1; --k) {
    const std::string part = slurp(path.string() + "." + std::to_string(k));
    // The line that crosses the limit ends in the file it started in (lines are <= 9 bytes).
    EXPECT_LE(part.size(), 100u + 9);
    EXPECT_EQ(part.back(), '\n');
    all += part;
  }
  all += slurp(path);
  EXPECT_EQ(all, expected);
}

TEST_F(LogFileTest, KeepsOnlyTheNewestCopies) {
  const fs::path path = dir_ / "b.out.log";
  LogFile file(path);
  for (int i = 0; i < 10; ++i) file.append("0123456789\n", 11, 2);
  EXPECT_TRUE(fs::exists(path.string() + ".1"));
  EXPECT_TRUE(fs::exists(path.string() + ".2"));
  EXPECT_FALSE(fs::exists(path.string() + ".3"));
  file.truncate_all();
  EXPECT_EQ(fs::file_size(path), 0u);
  EXPECT_FALSE(fs::exists(path.string() + ".1"));
  file.append("again\n", 11, 2);
  EXPECT_EQ(slurp(path), "again\n");
}

TEST_F(LogFileTest, ZeroKeptDropsTheOldFile) {
  const fs::path path = dir_ / "c.out.log";
  LogFile file(path);
  file.append("first line\n", 12, 0);
  file.append("second line\n", 12, 0);
  EXPECT_FALSE(fs::exists(path.string() + ".1"));
  EXPECT_EQ(slurp(path), "second line\n");
}

TEST_F(LogFileTest, ContinuesAnExistingFile) {
  const fs::path path = dir_ / "d.out.log";
  std::ofstream(path) << "partial";
  LogFile file(path);
  // The file ends inside a line: that line is finished before the rotation.
  file.append(" end\nnext\n", 10, 5);
  EXPECT_EQ(slurp(path.string() + ".1"), "partial end\n");
  EXPECT_EQ(slurp(path), "next\n");
}

TEST_F(LogFileTest, SplicedBytesCountForTheLineBoundary) {
  const fs::path path = dir_ / "e.out.log";
  LogFile file(path);
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ASSERT_EQ(::write(p[1], "abc", 3), 3);
  ASSERT_EQ(file.splice_from(p[0], 3), 3);
  ::close(p[0]);
  ::close(p[1]);
  EXPECT_EQ(file.size(), 3u);
  EXPECT_FALSE(file.at_line_start());  // read back from the file
  // The spliced line is open: it ends in this file before the rotation.
  file.append("def\nghi\n", 5, 5);
  EXPECT_EQ(slurp(path.string() + ".1"), "abcdef\n");
  EXPECT_EQ(slurp(path), "ghi\n");
}

}  // namespace
}  // namespace bgo::daemon
