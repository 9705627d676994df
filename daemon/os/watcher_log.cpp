// SPDX-License-Identifier: MIT
// WatcherLog: bgod's lines about a process, repeats counted, remembered lines forgotten.
#include "daemon/os/watcher_log.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "common/errors.hpp"
#include "common/home_dir.hpp"
#include "common/time_format.hpp"

namespace bgo::daemon {

struct WatcherLog::Timer {
  explicit Timer(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
};

WatcherLog::WatcherLog(boost::asio::io_context& io, Paths paths, LineFn on_line, InterestFn wanted)
    : paths_(std::move(paths)),
      on_line_(std::move(on_line)),
      wanted_(std::move(wanted)),
      timer_(std::make_unique<Timer>(io)) {}

WatcherLog::~WatcherLog() = default;

void WatcherLog::line(std::string_view name, std::string_view message) {
  const auto now = std::chrono::steady_clock::now();
  Repeats& r = repeats_[std::string(name)];
  if (message == r.last && now - r.written_at < k_repeat_window) {
    ++r.suppressed;
    return;
  }
  if (r.suppressed > 0) {
    const uint64_t n = std::exchange(r.suppressed, 0);
    write(name,
          "(last message repeated " + std::to_string(n) + " more time" + (n == 1 ? "" : "s") + ")");
  }
  r.last = std::string(message);
  r.written_at = now;
  write(name, message);
  if (!armed_) arm(now + k_repeat_window);
}

void WatcherLog::arm(std::chrono::steady_clock::time_point at) {
  armed_ = true;
  timer_->timer.expires_at(at);
  timer_->timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the log is going away
    armed_ = false;
    forget();
  });
}

void WatcherLog::forget() {
  // A line more than a second old no longer suppresses anything: forgetting it changes
  // nothing but memory. One that counts repeats stays until the next line writes the count.
  const auto now = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> next;
  for (auto it = repeats_.begin(); it != repeats_.end();) {
    const auto until = it->second.written_at + k_repeat_window;
    if (it->second.suppressed > 0) {
      ++it;
    } else if (until <= now) {
      it = repeats_.erase(it);
    } else {
      next = next ? std::min(*next, until) : until;
      ++it;
    }
  }
  if (next) arm(*next);
}

void WatcherLog::write(std::string_view name, std::string_view message) {
  const auto path = paths_.log_file(name, LogStream::watcher);
  const std::string line =
      "[" + iso_utc_seconds(std::chrono::system_clock::now()) + "] " + std::string(message) + "\n";
  // A watcher line is written on every restart: its position (two more syscalls) is read
  // only for a name someone follows.
  const std::string who(name);
  const bool tell = on_line_ && (!wanted_ || wanted_(who));
  LogPosition end;
  if (auto fd = open_home_file(path, O_WRONLY | O_APPEND | O_CREAT, 0644); !fd) {
    spdlog::warn("[{}] cannot write the watcher log: {}", name, fd.error().message);
  } else if (::write(fd->get(), line.data(), line.size()) < 0) {
    spdlog::warn("[{}] cannot write the watcher log: {}", name, errno_message("write", errno));
  } else if (struct stat st{}; tell && ::fstat(fd->get(), &st) == 0) {
    end = {file_id_of(fd->get()), static_cast<std::uint64_t>(st.st_size)};
  }
  if (tell) on_line_(who, line, end);
}

void WatcherLog::truncate(std::string_view name) {
  if (auto fd = open_home_file(paths_.log_file(name, LogStream::watcher), O_WRONLY | O_TRUNC);
      !fd && !is_missing(fd.error())) {
    spdlog::warn("[{}] cannot empty the watcher log: {}", name, fd.error().message);
  }
}

void WatcherLog::remove(std::string_view name) {
  if (auto it = repeats_.find(name); it != repeats_.end()) repeats_.erase(it);
  ::unlink(paths_.log_file(name, LogStream::watcher).c_str());
}

}  // namespace bgo::daemon
