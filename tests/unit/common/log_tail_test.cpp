// SPDX-License-Identifier: MIT
// Tests for tail_lines (logs -n) and stderr_tail (watch.last_stderr_tail).
#include "common/log_tail.hpp"

#include <fstream>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): POSIX mkdtemp()
#include <string>
#include <system_error>

#include <gtest/gtest.h>

namespace bgo {
namespace {

namespace fs = std::filesystem;

class LogTailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "bgo_log_tail_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  fs::path write(const std::string& content) {
    fs::path path = dir_ / "x.log";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    return path;
  }

  static std::string numbered_lines(int first, int last, const char* prefix = "line") {
    std::string text;
    for (int i = first; i <= last; ++i) text += prefix + std::to_string(i) + "\n";
    return text;
  }

  fs::path dir_;
};

TEST_F(LogTailTest, LastLinesOfSixty) {
  // As upstream: line0 .. line59; `-n 10` shows line50 .. line59, not line10.
  const auto tail = tail_lines(write(numbered_lines(0, 59)), 10);
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->text, numbered_lines(50, 59));
  EXPECT_TRUE(tail->truncated);
  EXPECT_NE(tail->text.find("line50"), std::string::npos);
  EXPECT_EQ(tail->text.find("line10"), std::string::npos);
}

TEST_F(LogTailTest, FinalLineWithoutNewlineIsKept) {
  const auto tail = tail_lines(write("aaa\nbbb\nccc"), 2);
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->text, "bbb\nccc");
  EXPECT_TRUE(tail->truncated);
}

TEST_F(LogTailTest, ShortFileIsNotTruncated) {
  const auto tail = tail_lines(write("one\ntwo\n"), 50);
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->text, "one\ntwo\n");
  EXPECT_FALSE(tail->truncated);
}

TEST_F(LogTailTest, ExactlyNLinesIsNotTruncated) {
  const fs::path path = write("a\nb\nc\n");
  const auto with_newline = tail_lines(path, 3);
  ASSERT_TRUE(with_newline);
  EXPECT_EQ(with_newline->text, "a\nb\nc\n");
  EXPECT_FALSE(with_newline->truncated);

  const auto without_newline = tail_lines(write("a\nb\nc"), 3);
  ASSERT_TRUE(without_newline);
  EXPECT_EQ(without_newline->text, "a\nb\nc");
  EXPECT_FALSE(without_newline->truncated);
}

TEST_F(LogTailTest, NonPositiveNMeansWholeFile) {
  const std::string content = numbered_lines(1, 60);
  for (const long n : {0L, -1L}) {
    const auto tail = tail_lines(write(content), n);
    ASSERT_TRUE(tail);
    EXPECT_EQ(tail->text, content);
    EXPECT_FALSE(tail->truncated);
  }
}

TEST_F(LogTailTest, EmptyFile) {
  const auto tail = tail_lines(write(""), 5);
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->text, "");
  EXPECT_FALSE(tail->truncated);
}

TEST_F(LogTailTest, NormalisesCarriageReturns) {
  const auto tail = tail_lines(write("a\r\nb\rc\r\nd"), 10);
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->text, "a\nb\nc\nd");
  EXPECT_FALSE(tail->truncated);

  const auto last_two = tail_lines(write("a\r\nb\rc\r\n"), 2);
  ASSERT_TRUE(last_two);
  EXPECT_EQ(last_two->text, "b\nc\n");
  EXPECT_TRUE(last_two->truncated);
}

TEST_F(LogTailTest, BlankLinesCount) {
  const auto tail = tail_lines(write("a\n\n\nb\n"), 2);
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->text, "\nb\n");
  EXPECT_TRUE(tail->truncated);
}

TEST_F(LogTailTest, LargeFileAcrossChunks) {
  // ~46 KB, as the upstream test: 200 lines of ~230 bytes.
  std::string content;
  for (int i = 0; i < 200; ++i) {
    content += "line " + std::to_string(i) + " " + std::string(225, 'x') + "\n";
  }
  ASSERT_GT(content.size(), 4 * k_tail_chunk_bytes);
  const auto tail = tail_lines(write(content), 5);
  ASSERT_TRUE(tail);
  EXPECT_TRUE(tail->truncated);
  EXPECT_EQ(tail->text.rfind("line 195 ", 0), 0U);
  EXPECT_NE(tail->text.find("line 199 "), std::string::npos);
  EXPECT_EQ(tail->text.find("line 194 "), std::string::npos);

  const auto most = tail_lines(write(content), 199);
  ASSERT_TRUE(most);
  EXPECT_EQ(most->text, content.substr(content.find('\n') + 1));
  EXPECT_TRUE(most->truncated);
  const auto all = tail_lines(write(content), 200);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->text, content);
  EXPECT_FALSE(all->truncated);
}

TEST_F(LogTailTest, CrLfSplitAcrossAChunkBoundary) {
  // The "\r\n" straddles the boundary k_tail_chunk_bytes from the end: it must stay one line end.
  std::string content = std::string(100, 'a') + "\r\n";
  const std::string last = std::string(k_tail_chunk_bytes - 1, 'b');
  content.insert(0, numbered_lines(1, 3000));  // enough that the reads stop before the start
  content += last;
  const auto tail = tail_lines(write(content), 1);
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->text, last);
  EXPECT_TRUE(tail->truncated);
  const auto two = tail_lines(write(content), 2);
  ASSERT_TRUE(two);
  EXPECT_EQ(two->text, std::string(100, 'a') + "\n" + last);
}

TEST_F(LogTailTest, PassesBytesThrough) {
  const auto tail = tail_lines(write("caf\xc3\xa9\n\xff\xfe\n"), 5);
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->text, "caf\xc3\xa9\n\xff\xfe\n");
}

TEST_F(LogTailTest, MissingFileOrDirectoryIsNullopt) {
  EXPECT_FALSE(tail_lines(dir_ / "missing.log", 10));
  EXPECT_FALSE(tail_lines(dir_, 10));
}

TEST_F(LogTailTest, StderrTailOfMissingFileIsEmpty) {
  EXPECT_EQ(stderr_tail(dir_ / "missing.err.log"), "");
}

TEST_F(LogTailTest, StderrTailStripsWhitespace) {
  EXPECT_EQ(stderr_tail(write("hello\nworld\n")), "hello\nworld");
  EXPECT_EQ(stderr_tail(write("  \n\t hello \r\n\n")), "hello");
}

TEST_F(LogTailTest, StderrTailDropsThePartialFirstLine) {
  EXPECT_EQ(stderr_tail(write("line1\nline2\nline3\n"), 13), "line2\nline3");
  const std::string tail = stderr_tail(write("aaaa\nbbbb\ncccc\n"), 8);
  EXPECT_NE(tail.rfind("aaaa", 0), 0U);
  EXPECT_EQ(tail, "cccc");
}

TEST_F(LogTailTest, StderrTailOfALongLine) {
  const std::string tail = stderr_tail(write(std::string(5000, 'x') + "\nlast line"), 64);
  EXPECT_EQ(tail, "last line");
  // No newline in the window: the whole window is kept.
  EXPECT_EQ(stderr_tail(write(std::string(5000, 'y')), 64), std::string(64, 'y'));
}

TEST_F(LogTailTest, StderrTailKeepsAFirstLineWhenTheWholeFileFits) {
  EXPECT_EQ(stderr_tail(write("line1\nline2\n"), 12), "line1\nline2");
}

TEST_F(LogTailTest, StderrTailReplacesInvalidUtf8) {
  // The window starts inside "é" (0xC3 0xA9): the orphan continuation byte becomes U+FFFD.
  EXPECT_EQ(stderr_tail(write("caf\xc3\xa9!"), 2), "\uFFFD!");
}

}  // namespace
}  // namespace bgo
