// SPDX-License-Identifier: MIT
// Tests for `bgo monit`'s log pane buffer: lines out of chunks, bounds, and the markers of
// lines skipped in a flood.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "client/monit/log_buffer.hpp"

namespace bgo::client::monit {
namespace {

const std::chrono::system_clock::time_point k_now{std::chrono::seconds(1'700'000'000)};

std::vector<std::string> texts(const LogBuffer& log) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < log.size(); ++i) {
    out.push_back(log[i].skipped > 0 ? "<" + std::to_string(log[i].skipped) + ">" : log[i].text);
  }
  return out;
}

TEST(MonitPrintable, DropsWhatWouldMoveTheCursor) {
  EXPECT_EQ(printable("\x1b[31mred\x1b[0m text", 100), "red text");
  EXPECT_EQ(printable("\x1b]0;title\a after", 100), " after");
  EXPECT_EQ(printable("10%\r50%\r100%", 100), "100%");
  EXPECT_EQ(printable("line\r", 100), "line");
  EXPECT_EQ(printable("a\tb", 100), "a       b");
  EXPECT_EQ(printable("bell\a and \x01 nul", 100), "bell and  nul");
  EXPECT_EQ(printable("c1 \xc2\x9b here", 100), "c1  here");
  // Cut on a character boundary: "é" is two bytes.
  EXPECT_EQ(printable("abcé", 4), "abc");
  EXPECT_EQ(printable("abcé", 5), "abcé");
}

TEST(MonitLogBuffer, ChunksBecomeLinesAcrossBoundaries) {
  LogBuffer log;
  log.add_chunk(Stream::out, "one\ntw", k_now);
  EXPECT_EQ(texts(log), (std::vector<std::string>{"one"}));
  log.add_chunk(Stream::err, "oops\n", k_now);
  log.add_chunk(Stream::out, "o\nthree\n", k_now);
  EXPECT_EQ(texts(log), (std::vector<std::string>{"one", "oops", "two", "three"}));
  EXPECT_EQ(log[1].stream, Stream::err);
  EXPECT_TRUE(log[0].time.has_value());
}

TEST(MonitLogBuffer, HistoryHasNoTimeAndKeepsALastLineWithoutNewline) {
  LogBuffer log;
  log.add_history(Stream::out, "a\nb\nc");
  EXPECT_EQ(texts(log), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(log[0].time.has_value());
}

TEST(MonitLogBuffer, ShowsEachStartMarkerOnce) {
  LogBuffer log;
  const std::string marker = "=== [2025-03-01T10:15:42.123456+00:00] [Starting] app ===";
  log.add_history(Stream::out, "x\n\n" + marker + "\ny\n");
  log.add_history(Stream::err, "\n" + marker + "\nz\n");
  EXPECT_EQ(texts(log), (std::vector<std::string>{"x", "", marker, "y", "z"}));
  EXPECT_TRUE(log[2].marker);
}

TEST(MonitLogBuffer, CapacityDropsTheOldest) {
  LogBuffer log(LogBuffer::Limits{3, 100, 100});
  for (int i = 1; i <= 5; ++i) log.add_chunk(Stream::out, std::to_string(i) + "\n", k_now);
  EXPECT_EQ(texts(log), (std::vector<std::string>{"3", "4", "5"}));
  EXPECT_EQ(log.added(), 5U);
}

TEST(MonitLogBuffer, AFloodBecomesAMarkerBetweenItsFirstAndLastLines) {
  LogBuffer log(LogBuffer::Limits{1000, 4, 100});
  std::string chunk;
  for (int i = 1; i <= 10; ++i) chunk += "seq " + std::to_string(i) + "\n";
  log.add_chunk(Stream::out, chunk, k_now);
  // The window's first `burst` lines went in at once; the rest wait for the frame.
  EXPECT_EQ(texts(log), (std::vector<std::string>{"seq 1", "seq 2", "seq 3", "seq 4"}));
  log.end_window();
  EXPECT_EQ(texts(log), (std::vector<std::string>{"seq 1", "seq 2", "seq 3", "seq 4", "<4>",
                                                  "seq 9", "seq 10"}));
  EXPECT_EQ(log.skipped(), 4U);
  // A new window starts afresh.
  log.add_chunk(Stream::out, "next\n", k_now);
  EXPECT_EQ(log[log.size() - 1].text, "next");
}

TEST(MonitLogBuffer, AnOverlongLineIsCutAndItsRestDropped) {
  LogBuffer log(LogBuffer::Limits{100, 100, 8});
  log.add_chunk(Stream::out, std::string(10, 'a'), k_now);
  log.add_chunk(Stream::out, std::string(1000, 'b'), k_now);
  log.add_chunk(Stream::out, "c\nnext\n", k_now);
  EXPECT_EQ(texts(log), (std::vector<std::string>{"aaaaaaaa", "next"}));
}

TEST(MonitLogBuffer, ParsesStreamNames) {
  EXPECT_EQ(parse_stream("stdout"), Stream::out);
  EXPECT_EQ(parse_stream("stderr"), Stream::err);
  EXPECT_EQ(parse_stream("watcher"), Stream::watcher);
  EXPECT_FALSE(parse_stream("other"));
}

}  // namespace
}  // namespace bgo::client::monit
