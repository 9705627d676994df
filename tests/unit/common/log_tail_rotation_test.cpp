// SPDX-License-Identifier: MIT
// Tests for the bounded tail (max_bytes) and tail_log (a log rotated a moment ago).
#include <fstream>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): POSIX mkdtemp()
#include <string>

#include <gtest/gtest.h>

#include "common/log_tail.hpp"

namespace bgo {
namespace {

namespace fs = std::filesystem;

class LogTailRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "bgo_tail_rot_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  fs::path write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary | std::ios::trunc) << content;
    return dir_ / name;
  }
  fs::path dir_;
};

TEST_F(LogTailRotationTest, MaxBytesBoundsTheRead) {
  const auto path = write("a.log", std::string(100000, 'x') + "\nlast\n");
  auto t = tail_lines(path, 5, 1000);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "last\n");  // the cut line is dropped
  EXPECT_TRUE(t->truncated);
  // A window without any line end is returned as it is.
  t = tail_lines(write("b.log", std::string(5000, 'y')), 5, 100);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, std::string(100, 'y'));
  // n <= 0 with a bound: as many whole lines as fit.
  t = tail_lines(write("c.log", "1\n2\n3\n4\n"), 0, 5);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "3\n4\n");
  EXPECT_TRUE(t->truncated);
}

TEST_F(LogTailRotationTest, TailLogCompletesFromTheRotatedFile) {
  const auto path = write("x.out.log", "5\n6\n");
  write("x.out.log.1", "1\n2\n3\n4\n");
  auto t = tail_log(path, 4);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "3\n4\n5\n6\n");
  EXPECT_TRUE(t->truncated);
  t = tail_log(path, 2);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "5\n6\n");
  t = tail_log(path, 10);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "1\n2\n3\n4\n5\n6\n");
  EXPECT_FALSE(t->truncated);
}

TEST_F(LogTailRotationTest, TailLogOfAFileJustRotatedAway) {
  write("y.out.log", "");
  write("y.out.log.1", "a\nb\n");
  auto t = tail_log(dir_ / "y.out.log", 1);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "b\n");
  EXPECT_FALSE(tail_log(dir_ / "missing.log", 3));
}

}  // namespace
}  // namespace bgo
