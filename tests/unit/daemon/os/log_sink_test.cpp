// SPDX-License-Identifier: MIT
// LogSink: pipes drained into their logs through its own epoll set, end-of-file reports, the
// watcher log's counted repeats, and draining a gone run's pipes at once.
#include "daemon/os/log_sink.hpp"

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <poll.h>
#include <unistd.h>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"
#include "tests/unit/daemon/os/io_wait.hpp"

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

// A watcher-log line reaches the output listener, with the file's end after it, only for a
// name the listener wants; every line is written either way.
TEST(LogSink, WatcherLinesReachTheListenerOnlyForAWantedName) {
  test::TempDir dir("bgo_log_sink");
  const Paths paths(dir.path() / "home");
  ASSERT_TRUE(paths.ensure_dirs());
  boost::asio::io_context io;
  LogSink sink(io, paths, [](pid_t) {});
  std::vector<std::pair<std::string, LogPosition>> heard;
  sink.set_output_listener(
      [&](const std::string& name, LogStream stream, std::string_view, const LogPosition& end) {
        EXPECT_EQ(stream, LogStream::watcher);
        heard.emplace_back(name, end);
      },
      [](const std::string& name) { return name == "api"; });
  sink.watcher_line("api", "watcher started for pid=42");
  sink.watcher_line("other", "watcher started for pid=43");
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].first, "api");
  EXPECT_TRUE(heard[0].second.file.known());
  EXPECT_EQ(heard[0].second.offset, slurp(paths.log_file("api", LogStream::watcher)).size());
  EXPECT_EQ(count(slurp(paths.log_file("other", LogStream::watcher)), "pid=43"), 1u);
}

// A watcher-log line is remembered for the second in which it suppresses repeats, and while
// it counts repeats not yet written; then forgotten, so an idle process costs nothing there.
TEST(LogSink, WatcherLinesAreForgottenOnceTheyCannotMatter) {
  test::TempDir dir("bgo_log_sink");
  const Paths paths(dir.path() / "home");
  ASSERT_TRUE(paths.ensure_dirs());
  boost::asio::io_context io;
  LogSink sink(io, paths, [](pid_t) {});
  sink.watcher_line("quiet", "started");
  sink.watcher_line("loud", "crashed");
  sink.watcher_line("loud", "crashed");  // counted, not written
  EXPECT_EQ(sink.remembered_lines(), 2u);
  ASSERT_TRUE(test::run_until(io, [&] { return sink.remembered_lines() == 1; }));
  sink.watcher_line("loud", "restarted");  // writes the count first
  const std::string log = slurp(paths.log_file("loud", LogStream::watcher));
  EXPECT_EQ(count(log, "(last message repeated 1 more time)"), 1u) << log;
  ASSERT_TRUE(test::run_until(io, [&] { return sink.remembered_lines() == 0; }));
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

void write_all(int fd, const std::string& data) {
  ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
}

// Many pipes at once, written in turns, each to its own log; every end of file is reported
// once per pipe, with the pid it was attached for.
TEST(LogSink, AttachedPipesAreDrainedUntilEndOfFile) {
  test::TempDir dir("bgo_log_sink");
  const Paths paths(dir.path() / "home");
  ASSERT_TRUE(paths.ensure_dirs());
  boost::asio::io_context io;
  std::map<pid_t, int> closed;
  LogSink sink(io, paths, [&](pid_t pid) { ++closed[pid]; });
  constexpr int k_children = 40;
  std::vector<UniqueFd> writers;  // out, err of child 0, then child 1, ...
  for (int c = 0; c < k_children; ++c) {
    auto out = make_pipe();
    auto err = make_pipe();
    ASSERT_TRUE(out && err);
    sink.attach("c" + std::to_string(c), 1000 + c, std::move(out->read), std::move(err->read),
                LogOptions{});
    writers.push_back(std::move(out->write));
    writers.push_back(std::move(err->write));
  }
  EXPECT_NE(sink.pipe_fds("c0", 1000).first, -1);
  EXPECT_NE(sink.pipe_fds("c0", 1000).second, -1);
  EXPECT_NE(sink.pipe_fds("c1", 1001).first, sink.pipe_fds("c0", 1000).first);
  EXPECT_EQ(sink.pipe_fds("c0", 999), std::make_pair(-1, -1));
  EXPECT_EQ(sink.pipe_fds("c1", 1000), std::make_pair(-1, -1));  // another name's pid
  for (int round = 0; round < 3; ++round) {
    for (std::size_t c = 0; c < k_children; ++c) {
      write_all(writers[2 * c].get(), "out " + std::to_string(round) + "\n");
      write_all(writers[2 * c + 1].get(), "err " + std::to_string(round) + "\n");
    }
    // Let the loop drain this round before the next one: the pipes wait in between.
    const auto last = paths.log_file("c" + std::to_string(k_children - 1), LogStream::err);
    const std::string want = "err " + std::to_string(round) + "\n";
    ASSERT_TRUE(test::run_until(io, [&] { return slurp(last).ends_with(want); }));
  }
  writers.clear();  // every writer gone: end of file everywhere
  ASSERT_TRUE(test::run_until(io, [&] {
    int n = 0;
    for (const auto& [pid, count] : closed) n += count;
    return n == 2 * k_children;
  }));
  for (int c = 0; c < k_children; ++c) {
    EXPECT_EQ(closed[1000 + c], 2) << c;
    const std::string name = "c" + std::to_string(c);
    EXPECT_EQ(slurp(paths.log_file(name, LogStream::out)), "out 0\nout 1\nout 2\n") << name;
    EXPECT_EQ(slurp(paths.log_file(name, LogStream::err)), "err 0\nerr 1\nerr 2\n") << name;
  }
  EXPECT_EQ(sink.pipe_fds("c0", 1000), std::make_pair(-1, -1));
}

// A descriptor number freed by one pipe and taken by the next is a new reader: the first
// one's report is not repeated, the second one's output and end of file are its own.
TEST(LogSink, AReusedDescriptorIsANewReader) {
  test::TempDir dir("bgo_log_sink");
  const Paths paths(dir.path() / "home");
  ASSERT_TRUE(paths.ensure_dirs());
  boost::asio::io_context io;
  std::vector<pid_t> closed;
  LogSink sink(io, paths, [&](pid_t pid) { closed.push_back(pid); });
  auto first = make_pipe();
  ASSERT_TRUE(first);
  const int fd = first->read.get();
  sink.attach("a", 1, std::move(first->read), UniqueFd(), LogOptions{});
  write_all(first->write.get(), "one\n");
  first->write.reset();
  ASSERT_TRUE(test::run_until(io, [&] { return closed.size() == 1; }));
  auto second = make_pipe();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->read.get(), fd);  // the lowest free number: the one just closed
  sink.attach("b", 2, std::move(second->read), UniqueFd(), LogOptions{});
  write_all(second->write.get(), "two\n");
  ASSERT_TRUE(
      test::run_until(io, [&] { return slurp(paths.log_file("b", LogStream::out)) == "two\n"; }));
  second->write.reset();
  ASSERT_TRUE(test::run_until(io, [&] { return closed.size() == 2; }));
  EXPECT_EQ(closed, (std::vector<pid_t>{1, 2}));
  EXPECT_EQ(slurp(paths.log_file("a", LogStream::out)), "one\n");
}

// The pipes of several runs of one name (a descendant of an earlier run still holding its
// pipes) are told apart by pid, also after one in the middle of the name's list is gone.
TEST(LogSink, PipesAreFoundByNameAndPid) {
  test::TempDir dir("bgo_log_sink");
  const Paths paths(dir.path() / "home");
  ASSERT_TRUE(paths.ensure_dirs());
  boost::asio::io_context io;
  std::vector<pid_t> closed;
  LogSink sink(io, paths, [&](pid_t pid) { closed.push_back(pid); });
  std::vector<UniqueFd> writers;
  std::vector<std::pair<int, int>> fds;
  for (pid_t pid = 1; pid <= 3; ++pid) {
    auto out = make_pipe();
    auto err = make_pipe();
    ASSERT_TRUE(out && err);
    fds.emplace_back(out->read.get(), err->read.get());
    sink.attach("n", pid, std::move(out->read), std::move(err->read), LogOptions{});
    writers.push_back(std::move(out->write));
    writers.push_back(std::move(err->write));
  }
  for (pid_t pid = 1; pid <= 3; ++pid) EXPECT_EQ(sink.pipe_fds("n", pid), fds[pid - 1]) << pid;
  writers[2].reset();  // run 2's stdout: end of file, the middle of the name's list
  ASSERT_TRUE(test::run_until(io, [&] { return closed.size() == 1; }));
  EXPECT_EQ(sink.pipe_fds("n", 2), std::make_pair(-1, fds[1].second));
  EXPECT_EQ(sink.pipe_fds("n", 1), fds[0]);
  EXPECT_EQ(sink.pipe_fds("n", 3), fds[2]);
  sink.release("n");  // still read: kept
  EXPECT_EQ(sink.pipe_fds("n", 3), fds[2]);
  sink.remove_logs("n");  // every reader of the name, without reports
  for (pid_t pid = 1; pid <= 3; ++pid) EXPECT_EQ(sink.pipe_fds("n", pid), std::make_pair(-1, -1));
  io.poll();
  EXPECT_EQ(closed, std::vector<pid_t>{2});
}

// Deleting a process's logs drops its readers at once, without an end-of-file report: a
// descendant still writing finds the pipe closed.
TEST(LogSink, RemovingLogsClosesTheirPipes) {
  test::TempDir dir("bgo_log_sink");
  const Paths paths(dir.path() / "home");
  ASSERT_TRUE(paths.ensure_dirs());
  boost::asio::io_context io;
  int closed = 0;
  LogSink sink(io, paths, [&](pid_t) { ++closed; });
  auto out = make_pipe();
  auto err = make_pipe();
  ASSERT_TRUE(out && err);
  sink.attach("gone", 7, std::move(out->read), std::move(err->read), LogOptions{});
  write_all(out->write.get(), "x\n");
  ASSERT_TRUE(
      test::run_until(io, [&] { return slurp(paths.log_file("gone", LogStream::out)) == "x\n"; }));
  sink.remove_logs("gone");
  pollfd p{out->write.get(), POLLOUT, 0};
  ASSERT_EQ(::poll(&p, 1, 0), 1);
  EXPECT_NE(p.revents & POLLERR, 0);  // no reader left
  EXPECT_EQ(sink.pipe_fds("gone", 7), std::make_pair(-1, -1));
  io.poll();
  EXPECT_EQ(closed, 0);
}

}  // namespace
}  // namespace bgo::daemon
