// SPDX-License-Identifier: MIT
// Change notifications of cgroupfs files (cgroup.events, memory.events) on bgod's loop.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/errors.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

// One inotify descriptor read on the loop. The kernel signals a change of cgroup.events or
// memory.events as IN_MODIFY, so nothing is polled. Each batch of events calls `on_change`
// once per watch that changed, with the watch's number.
class CgroupWatch {
 public:
  using OnChange = std::function<void(int watch)>;
  // Errors from inotify_init1 are thrown (bgod cannot start without them in cgroup mode).
  CgroupWatch(boost::asio::io_context& io, OnChange on_change);
  ~CgroupWatch();
  CgroupWatch(const CgroupWatch&) = delete;
  CgroupWatch& operator=(const CgroupWatch&) = delete;

  // Watches `file` (an absolute path) for changes; returns the watch's number.
  // Errors: io_error naming the file.
  Result<int> add(const std::string& file);
  // Stops watching; a change already read is still reported in this batch unless removed.
  void remove(int watch);

 private:
  struct Impl;
  void arm();
  void drain();
  std::unique_ptr<Impl> impl_;
  OnChange on_change_;
};

}  // namespace bgo::daemon
