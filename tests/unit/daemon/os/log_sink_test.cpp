// SPDX-License-Identifier: MIT
// LogSink's watcher log: identical lines in a burst are counted instead of written.
#include "daemon/os/log_sink.hpp"

#include <chrono>
#include <fstream>
#include <iterator>
#include <unistd.h>

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

// What a run that is gone left in its pipes goes to its logs at once, with timestamps when
// asked; a pipe whose writer is still there is read until the deadline, not forever.
TEST(LogSink, DrainNowReadsPipesToTheirEndBeforeReturning) {
  test::TempDir dir("bgo_log_sink");
  const Paths paths(dir.path() / "home");
  ASSERT_TRUE(paths.ensure_dirs());
  boost::asio::io_context io;
  LogSink sink(io, paths, [](pid_t) {});
  auto out = make_pipe();
  auto err = make_pipe();
  ASSERT_TRUE(out && err);
  std::string lines;
  for (int i = 1; i <= 2000; ++i) lines += "seq " + std::to_string(i) + "\n";
  ASSERT_EQ(::write(out->write.get(), lines.data(), lines.size()),
            static_cast<ssize_t>(lines.size()));
  ASSERT_EQ(::write(err->write.get(), "oops\n", 5), 5);
  out->write.reset();
  err->write.reset();
  LogOptions opts;
  opts.timestamps = true;
  sink.drain_now("gone", std::move(out->read), std::move(err->read), opts,
                 std::chrono::steady_clock::now());
  const std::string log = slurp(paths.log_file("gone", LogStream::out));
  EXPECT_EQ(count(log, "Z seq "), 2000u);
  EXPECT_EQ(count(log, "Z seq 2000\n"), 1u);
  EXPECT_EQ(count(slurp(paths.log_file("gone", LogStream::err)), "Z oops\n"), 1u);

  auto open = make_pipe();
  ASSERT_TRUE(open);
  ASSERT_EQ(::write(open->write.get(), "late\n", 5), 5);
  const auto began = std::chrono::steady_clock::now();
  sink.drain_now("open", std::move(open->read), UniqueFd(), LogOptions{},
                 began + std::chrono::milliseconds(50));
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5));
  EXPECT_EQ(slurp(paths.log_file("open", LogStream::out)), "late\n");
}

}  // namespace
}  // namespace bgo::daemon
