// SPDX-License-Identifier: MIT
// The log files LogSink keeps open: a bounded set, the least recently used closed first, so a
// child costs bgod its two pipes and not its two log files as well.
#pragma once

#include <cstddef>
#include <list>
#include <unordered_map>

#include "common/errors.hpp"

namespace bgo::daemon {

class LogFile;

// Closing a LogFile loses nothing: it remembers its size and re-opens on its next use
// (LogFile::open reads the size and the last byte again), and bgod is the only writer. The
// cache holds pointers; an owner destroying a LogFile calls forget() first. One thread.
class LogFileCache {
 public:
  // `bound`: open files at most (at least 2: both streams of the name being written).
  explicit LogFileCache(std::size_t bound);
  LogFileCache(const LogFileCache&) = delete;
  LogFileCache& operator=(const LogFileCache&) = delete;

  // `file` is about to be written: it becomes the most recent, it is opened (closing others
  // while the open fails with EMFILE or ENFILE), and the least recent files over the bound are
  // closed. The error is the open's when it cannot be opened (LogFile's writes then fail).
  Result<void> use(LogFile& file);
  // `file` is going away.
  void forget(const LogFile& file);
  // Closes every open file; each re-opens on its next use (SIGHUP, an outside rotation).
  void close_all();

  std::size_t open_count() const { return order_.size(); }
  std::size_t bound() const { return bound_; }

 private:
  // Closes the least recently used file other than `keep`; false when there is none.
  bool close_oldest(const LogFile* keep);

  std::size_t bound_;
  std::list<LogFile*> order_;  // open files, most recently used first
  std::unordered_map<const LogFile*, std::list<LogFile*>::iterator> where_;
};

}  // namespace bgo::daemon
