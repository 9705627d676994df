// SPDX-License-Identifier: MIT
// Tests for the tail options of issue #13: marker lines that do not count toward -n, and the
// tail of the newest run only (--since-start).
#include <fstream>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): POSIX mkdtemp()
#include <string>
#include <system_error>

#include <gtest/gtest.h>

#include "common/log_tail.hpp"

namespace bgo {
namespace {

namespace fs = std::filesystem;

constexpr TailOptions k_uncounted{0, MarkerLines::uncounted, TailFrom::anywhere};
constexpr TailOptions k_since_start{0, MarkerLines::uncounted, TailFrom::last_start};

// A start marker as bgod writes it: an empty line, then the marker line.
std::string marker(const std::string& tag = "[Starting] /bin/app --flag") {
  return "\n=== [2025-03-01T10:15:42.123456+00:00] " + tag + " ===\n";
}

class LogTailMarkersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "bgo_tail_markers_XXXXXX").string();
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

TEST_F(LogTailMarkersTest, MarkersInTheWindowAreShownButNotCounted) {
  const std::string log = "a\nb\n" + marker() + "c\n" + marker("[watch restart] /bin/app") + "d\n";
  const auto path = write("x.log", log);
  auto t = tail_lines(path, 2, k_uncounted);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "c\n" + marker("[watch restart] /bin/app") + "d\n");
  EXPECT_TRUE(t->truncated);
  // A marker just before the window's first line stays outside it.
  t = tail_lines(path, 3, k_uncounted);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "b\n" + marker() + "c\n" + marker("[watch restart] /bin/app") + "d\n");
  // Counted, the markers and their empty lines take the place of output lines.
  t = tail_lines(path, 2, TailOptions{});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "=== [2025-03-01T10:15:42.123456+00:00] [watch restart] /bin/app ===\nd\n");
  // More lines asked for than there are: everything, not truncated.
  t = tail_lines(path, 4, k_uncounted);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, log);
  EXPECT_FALSE(t->truncated);
}

TEST_F(LogTailMarkersTest, TrailingMarkersAndEveryKindOfMarker) {
  const std::string tail = marker("[bgod] logging paused: less than 8M free") +
                           marker("[bgod] logging resumed: 10 bytes dropped") +
                           "\n=== [2025-03-01T11:15:42.123456] Starting: app ===\n";
  auto t = tail_lines(write("x.log", "old\nlast\n" + tail), 1, k_uncounted);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "last\n" + tail);
  // A blank line of the program's own still counts; only the one before a marker does not.
  t = tail_lines(write("y.log", "a\n\n" + marker() + "b\n"), 2, k_uncounted);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "\n" + marker() + "b\n");
  // Lines that only look a little like markers are output.
  t = tail_lines(write("z.log", "a\n=== [x ===\n=== done\n"), 2, k_uncounted);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "=== [x ===\n=== done\n");
}

TEST_F(LogTailMarkersTest, ManyMarkersAcrossChunks) {
  // A crash loop: one output line per run, far more marker bytes than one read chunk.
  std::string log;
  for (int run = 1; run <= 600; ++run) log += marker() + "run " + std::to_string(run) + "\n";
  ASSERT_GT(log.size(), 4 * k_tail_chunk_bytes);
  auto t = tail_lines(write("x.log", log), 300, k_uncounted);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text.rfind("run 301\n", 0), 0U) << t->text.substr(0, 80);
  EXPECT_TRUE(t->text.ends_with("run 600\n"));
  EXPECT_TRUE(t->truncated);
}

TEST_F(LogTailMarkersTest, SinceStartBeginsAtTheLastStartMarker) {
  const std::string run2 =
      "=== [2025-03-01T10:15:42.123456+00:00] [watch restart] /bin/app ===\n"
      "two\n" +
      marker("[bgod] logging paused: less than 8M free") + "three";
  const auto path = write("x.log", marker() + "one\n" + "\n" + run2);
  auto t = tail_log(path, 0, k_since_start);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, run2);
  EXPECT_FALSE(t->truncated);
  // With a line count, at most that many lines of the run.
  t = tail_log(path, 1, k_since_start);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "three");
  EXPECT_TRUE(t->truncated);
  t = tail_log(path, 5, k_since_start);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, run2);
  EXPECT_FALSE(t->truncated);
  // No marker at all: the whole file is the run.
  t = tail_log(write("plain.log", "a\nb\n"), 0, k_since_start);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "a\nb\n");
  EXPECT_FALSE(t->truncated);
}

TEST_F(LogTailMarkersTest, SinceStartLooksIntoTheRotatedFile) {
  // The newest run began in x.log.1 and went on after the rotation.
  write("x.log.1", "old\n" + marker() + "new 1\nnew 2\n");
  const auto path = write("x.log", "new 3\n");
  auto t = tail_log(path, 0, k_since_start);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text,
            "=== [2025-03-01T10:15:42.123456+00:00] [Starting] /bin/app --flag ===\n"
            "new 1\nnew 2\nnew 3\n");
  EXPECT_FALSE(t->truncated);
  t = tail_log(path, 2, k_since_start);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "new 2\nnew 3\n");
  EXPECT_TRUE(t->truncated);
  // A byte bound still holds (the 13 bytes end with "\nnew 2\nnew 3\n").
  t = tail_log(path, 0, TailOptions{13, MarkerLines::uncounted, TailFrom::last_start});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "new 2\nnew 3\n");
  EXPECT_TRUE(t->truncated);
}

TEST_F(LogTailMarkersTest, UncountedMarkersContinueIntoTheRotatedFile) {
  write("y.log.1", "a\nb\n");
  const auto path = write("y.log", marker() + "c\n");
  auto t = tail_log(path, 2, k_uncounted);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "b\n" + marker() + "c\n");
}

}  // namespace
}  // namespace bgo
