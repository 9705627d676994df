// SPDX-License-Identifier: MIT
// The watcher log of each process: bgod's own lines about it, a repeat within a second
// counted rather than written.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/log_position.hpp"
#include "common/paths.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

// Appends timestamped lines to <logs>/NAME watcher log (Paths::log_file(name,
// LogStream::watcher)), opened for each line: they are rare, and a quiet process holds no
// descriptor. The same line again within a second is counted, not written (a loop must not
// grow the log without bound); the count is written before the next different line. A name's
// last line is remembered only while it can still matter (within the second, or while it
// counts repeats not yet written): one timer forgets the others, so an idle process keeps
// none. Loop thread only.
class WatcherLog {
 public:
  // Sees every line written (the repeat counts included) of a name `wanted` says someone
  // wants, for followers, with the log file's position just after it (empty when it could not
  // be written). For the others the file is only written: no position is read.
  using LineFn =
      std::function<void(const std::string& name, std::string_view line, const LogPosition& end)>;
  using InterestFn = std::function<bool(const std::string& name)>;
  static constexpr std::chrono::seconds k_repeat_window{1};

  WatcherLog(boost::asio::io_context& io, Paths paths, LineFn on_line, InterestFn wanted);
  ~WatcherLog();
  WatcherLog(const WatcherLog&) = delete;
  WatcherLog& operator=(const WatcherLog&) = delete;

  void line(std::string_view name, std::string_view message);
  // Empties the log of `name` (opened like every log: no symlink, a regular file of ours).
  void truncate(std::string_view name);
  // Deletes the log of `name` and forgets its last line.
  void remove(std::string_view name);

  // Names whose last line is still remembered (for tests).
  std::size_t remembered() const { return repeats_.size(); }

 private:
  struct Repeats {
    std::string last;
    std::chrono::steady_clock::time_point written_at{};
    uint64_t suppressed = 0;
  };
  struct Timer;
  void write(std::string_view name, std::string_view message);
  void arm(std::chrono::steady_clock::time_point at);
  void forget();

  Paths paths_;
  LineFn on_line_;
  InterestFn wanted_;
  std::unique_ptr<Timer> timer_;  // forget()
  std::map<std::string, Repeats, std::less<>> repeats_;
  bool armed_ = false;
};

}  // namespace bgo::daemon
