// SPDX-License-Identifier: MIT
// LogSink's watcher log: identical lines in a burst are counted instead of written.
#include "daemon/os/log_sink.hpp"

#include <fstream>
#include <iterator>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace bgo::daemon {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(LogSink, RepeatedWatcherLinesAreCountedNotWritten) {
  test::TempDir dir("bgo_log_sink");
  const Paths paths(dir.path() / "home");
  ASSERT_TRUE(paths.ensure_dirs());
  boost::asio::io_context io;
  LogSink sink(io, paths, [](pid_t) {});
  for (int i = 0; i < 50; ++i) sink.watcher_line("api", "restart failed: command not found: x");
  sink.watcher_line("api", "watcher started for pid=42");
  const std::string log = slurp(paths.log_file("api", LogStream::watcher));
  EXPECT_EQ(count(log, "restart failed: command not found: x"), 1u) << log;
  EXPECT_EQ(count(log, "(last message repeated 49 more times)"), 1u) << log;
  EXPECT_EQ(count(log, "watcher started for pid=42"), 1u) << log;
  // A different line in between: both are written each time.
  sink.watcher_line("api", "a");
  sink.watcher_line("api", "b");
  sink.watcher_line("api", "a");
  EXPECT_EQ(count(slurp(paths.log_file("api", LogStream::watcher)), "] a\n"), 2u);
}

}  // namespace
}  // namespace bgo::daemon
