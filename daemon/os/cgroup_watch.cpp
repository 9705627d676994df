// SPDX-License-Identifier: MIT
// CgroupWatch: inotify on the Asio loop.
#include "daemon/os/cgroup_watch.hpp"

#include <cerrno>
#include <cstring>
#include <set>
#include <stdexcept>
#include <sys/inotify.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "common/unique_fd.hpp"

namespace bgo::daemon {

struct CgroupWatch::Impl {
  Impl(boost::asio::io_context& io, int fd) : descriptor(io, fd) {}
  boost::asio::posix::stream_descriptor descriptor;  // owns the inotify fd
  std::set<int> watches;                             // live ones: events of others are dropped
};

CgroupWatch::CgroupWatch(boost::asio::io_context& io, OnChange on_change)
    : on_change_(std::move(on_change)) {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) throw std::runtime_error(errno_message("inotify_init1", errno));
  impl_ = std::make_unique<Impl>(io, fd);
  arm();
}

CgroupWatch::~CgroupWatch() = default;

Result<int> CgroupWatch::add(const std::string& file) {
  const int watch = ::inotify_add_watch(impl_->descriptor.native_handle(), file.c_str(), IN_MODIFY);
  if (watch < 0) return make_error(Errc::io_error, errno_message("inotify " + file, errno));
  impl_->watches.insert(watch);
  return watch;
}

void CgroupWatch::remove(int watch) {
  if (impl_->watches.erase(watch) == 0) return;
  // EINVAL once the kernel dropped it itself (the cgroup was removed): nothing to undo.
  (void)::inotify_rm_watch(impl_->descriptor.native_handle(), watch);
}

void CgroupWatch::arm() {
  impl_->descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                               [this](const boost::system::error_code& ec) {
                                 if (ec == boost::asio::error::operation_aborted) return;
                                 drain();
                                 arm();
                               });
}

// Reads every queued event first and reports each changed watch once: a callback may remove
// watches (a cgroup that became empty is removed), which then get nothing more.
void CgroupWatch::drain() {
  std::set<int> changed;
  alignas(inotify_event) char buf[4096];
  for (;;) {
    const ssize_t n = ::read(impl_->descriptor.native_handle(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EAGAIN: all read
    for (ssize_t off = 0; off + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
      inotify_event event{};
      std::memcpy(&event, buf + off, sizeof event);
      if ((event.mask & IN_MODIFY) != 0) changed.insert(event.wd);
      off += static_cast<ssize_t>(sizeof(inotify_event) + event.len);
    }
  }
  for (const int watch : changed) {
    if (impl_->watches.count(watch) != 0) on_change_(watch);
  }
}

}  // namespace bgo::daemon
