// SPDX-License-Identifier: MIT
// LogSink keeps at most so many log files open (LogFileCache): closing and re-opening one loses,
// reorders and splits nothing, rotation included.
#include "daemon/os/log_file_cache.hpp"

#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "daemon/os/log_file.hpp"
#include "daemon/os/log_sink.hpp"
#include "tests/support/temp_dir.hpp"

namespace bgo::daemon {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs what is ready (reads of pipes written to) until nothing is left.
void drain(boost::asio::io_context& io) {
  io.restart();
  while (io.poll() > 0) {
  }
}

void write_all(int fd, std::string_view text) {
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

TEST(LogFileCache, KeepsAtMostTheBoundOpenAndReopensWhereTheFileEnded) {
  test::TempDir dir("bgo_log_cache");
  const Paths paths(dir.path() / "home");
  ASSERT_TRUE(paths.ensure_dirs());
  LogFileCache cache(2);
  std::vector<std::unique_ptr<LogFile>> files;
  files.reserve(4);
  for (int i = 0; i < 4; ++i) {
    files.push_back(
        std::make_unique<LogFile>(paths.log_file("p" + std::to_string(i), LogStream::out)));
  }
  for (int round = 0; round < 3; ++round) {
    for (auto& f : files) {
      ASSERT_TRUE(cache.use(*f));
      f->append("line " + std::to_string(round) + "\n", 0, 0);
      EXPECT_LE(cache.open_count(), 2U);
    }
  }
  int open = 0;
  for (auto& f : files) open += f->is_open() ? 1 : 0;
  EXPECT_EQ(open, 2);
  for (auto& f : files) EXPECT_EQ(slurp(f->path()), "line 0\nline 1\nline 2\n");
  for (auto& f : files) cache.forget(*f);
  EXPECT_EQ(cache.open_count(), 0U);
}

TEST(LogFileCache, ASinkWithOneOpenFileLosesNoLineAndSplitsNone) {
  test::TempDir dir("bgo_log_cache");
  const Paths paths(dir.path() / "home");
  ASSERT_TRUE(paths.ensure_dirs());
  boost::asio::io_context io;
  LogSink sink(
      io, paths, [](pid_t) {}, 2);
  // Three processes, each line stamped (--time): a line begun before its file was closed must
  // go on without a second stamp once the file is open again.
  LogOptions opts;
  opts.timestamps = true;
  opts.max_size = 64;  // rotations while files are closed and re-opened
  opts.files = 3;
  std::vector<Pipe> outs;
  std::vector<Pipe> errs;
  for (int i = 0; i < 3; ++i) {
    auto out = make_pipe();
    auto err = make_pipe();
    ASSERT_TRUE(out && err);
    outs.push_back(std::move(*out));
    errs.push_back(std::move(*err));
  }
  for (int i = 0; i < 3; ++i) {
    UniqueFd out(::dup(outs[i].read.get()));
    UniqueFd err(::dup(errs[i].read.get()));
    sink.attach("p" + std::to_string(i), 100 + i, std::move(out), std::move(err), opts);
    outs[i].read.reset();
    errs[i].read.reset();
  }
  for (int n = 0; n < 20; ++n) {
    for (int i = 0; i < 3; ++i) {
      write_all(outs[i].write.get(), "half " + std::to_string(n));
      drain(io);
      EXPECT_LE(sink.open_files(), 2U);
    }
    for (int i = 0; i < 3; ++i) {
      write_all(outs[i].write.get(), " whole\n");
      drain(io);
    }
  }
  for (int i = 0; i < 3; ++i) {
    outs[i].write.reset();
    errs[i].write.reset();
  }
  drain(io);
  for (int i = 0; i < 3; ++i) {
    // The current file and its rotated copies, oldest first.
    const auto path = paths.log_file("p" + std::to_string(i), LogStream::out);
    std::string all;
    for (int k = 3; k >= 1; --k) all += slurp(path.string() + "." + std::to_string(k));
    all += slurp(path);
    std::vector<std::string> lines;
    for (size_t at = 0; at < all.size();) {
      const size_t nl = all.find('\n', at);
      ASSERT_NE(nl, std::string::npos) << all;
      lines.push_back(all.substr(at, nl - at));
      at = nl + 1;
    }
    ASSERT_FALSE(lines.empty());
    // Only the newest lines are kept (3 rotated copies): they are consecutive, whole, and
    // stamped once.
    int expect = 20 - static_cast<int>(lines.size());
    for (const auto& line : lines) {
      const size_t space = line.find(' ');
      ASSERT_NE(space, std::string::npos) << line;
      EXPECT_EQ(line.substr(space + 1), "half " + std::to_string(expect++) + " whole") << all;
    }
    EXPECT_EQ(expect, 20);
  }
}

}  // namespace
}  // namespace bgo::daemon
