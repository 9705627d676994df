// SPDX-License-Identifier: MIT
// LogFileCache.
#include "daemon/os/log_file_cache.hpp"

#include <algorithm>
#include <cerrno>

#include "daemon/os/log_file.hpp"

namespace bgo::daemon {

LogFileCache::LogFileCache(std::size_t bound) : bound_(std::max<std::size_t>(bound, 2)) {}

Result<void> LogFileCache::use(LogFile& file) {
  if (auto it = where_.find(&file); it != where_.end()) {
    order_.splice(order_.begin(), order_, it->second);
  } else {
    order_.push_front(&file);
    where_.emplace(&file, order_.begin());
  }
  while (order_.size() > bound_) close_oldest(&file);
  if (file.is_open()) return {};
  for (;;) {
    auto opened = file.open();
    if (opened) return {};
    // Out of descriptors: one of our own log files gives its descriptor up, never a pipe's.
    const int err = opened.error().cause.value();
    if ((err != EMFILE && err != ENFILE) || !close_oldest(&file)) {
      forget(file);
      return opened;
    }
  }
}

void LogFileCache::forget(const LogFile& file) {
  auto it = where_.find(&file);
  if (it == where_.end()) return;
  order_.erase(it->second);
  where_.erase(it);
}

void LogFileCache::close_all() {
  for (LogFile* file : order_) file->close();
  order_.clear();
  where_.clear();
}

bool LogFileCache::close_oldest(const LogFile* keep) {
  for (auto it = order_.end(); it != order_.begin();) {
    --it;
    if (*it == keep) continue;
    (*it)->close();
    where_.erase(*it);
    order_.erase(it);
    return true;
  }
  return false;
}

}  // namespace bgo::daemon
