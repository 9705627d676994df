// SPDX-License-Identifier: MIT
// LogSink: fair pipe draining on the loop into LogFiles, end-of-file reports, followers.
#include "daemon/os/log_sink.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "common/errors.hpp"
#include "common/log_tail.hpp"
#include "common/size.hpp"
#include "common/time_format.hpp"
#include "daemon/os/log_file.hpp"

namespace bgo::daemon {

struct LogSink::Writer {
  Writer(const Paths& paths, std::string n)
      : name(std::move(n)),
        files{LogFile(paths.log_file(name, LogStream::out)),
              LogFile(paths.log_file(name, LogStream::err))} {}
  std::string name;
  LogFile files[2];  // stdout, stderr
  LogOptions opts;
  std::uint64_t dropped[2] = {0, 0};  // output dropped below the reserve, not yet reported
  bool paused[2] = {false, false};    // the "logging paused" marker was written
  int first_reader = -1;              // the slot of the first pipe drained into these logs
};

struct LogSink::Poller {
  Poller(boost::asio::io_context& io, int epoll_fd) : descriptor(io, epoll_fd) {}
  boost::asio::posix::stream_descriptor descriptor;  // owns the epoll descriptor
};

namespace {

// A reader's key: its descriptor and generation (LogSink::ReaderKey).
std::uint64_t key_of(int fd, std::uint32_t generation) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(fd)) << 32) | generation;
}

}  // namespace

LogSink::LogSink(boost::asio::io_context& io, Paths paths, ClosedFn on_closed,
                 std::size_t max_open_files)
    : io_(io),
      paths_(std::move(paths)),
      on_closed_(std::move(on_closed)),
      files_(max_open_files),
      buffer_(new char[k_read_bytes]),
      watcher_(
          io, paths_,
          [this](const std::string& name, std::string_view line, const LogPosition& end) {
            on_output_(name, LogStream::watcher, line, end);
          },
          [this](const std::string& name) { return listens(name); }) {
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  poller_ = std::make_unique<Poller>(io, epoll_fd);
  wait_ready();
}

LogSink::~LogSink() = default;

LogSink::Writer& LogSink::writer(std::string_view name) {
  auto it = writers_.find(name);
  if (it == writers_.end()) {
    auto w = std::make_unique<Writer>(paths_, std::string(name));
    it = writers_.emplace(w->name, std::move(w)).first;
  }
  return *it->second;
}

LogFile& LogSink::open_log(Writer& w, int stream) {
  // A file that cannot be opened is reported by its own write (once, until one succeeds).
  (void)files_.use(w.files[stream]);
  return w.files[stream];
}

void LogSink::erase_writer(
    std::map<std::string, std::unique_ptr<Writer>, std::less<>>::iterator it) {
  files_.forget(it->second->files[0]);
  files_.forget(it->second->files[1]);
  writers_.erase(it);
}

Result<void> LogSink::prepare(std::string_view name) {
  Writer& w = writer(name);
  for (LogFile& file : w.files) {
    if (auto r = files_.use(file); !r) return r;
  }
  return {};
}

void LogSink::attach(const std::string& name, pid_t pid, UniqueFd out, UniqueFd err,
                     const LogOptions& opts) {
  Writer& w = writer(name);
  w.opts = opts;
  UniqueFd fds[2] = {std::move(out), std::move(err)};
  for (int i = 0; i < 2; ++i) {
    if (!fds[i]) continue;
    const int fd = fds[i].get();
    if (static_cast<std::size_t>(fd) >= readers_.size()) {
      readers_.resize(static_cast<std::size_t>(fd) + 1);
    }
    Reader& reader = readers_[static_cast<std::size_t>(fd)];
    BGO_ASSERT(!reader.fd, "a pipe descriptor of a reader still in use");
    reader.fd = std::move(fds[i]);
    reader.writer = &w;
    reader.generation = next_generation_++;
    reader.stream = i == 0 ? LogStream::out : LogStream::err;
    reader.pid = pid;
    reader.next = w.first_reader;
    w.first_reader = fd;
    const ReaderKey key = key_of(fd, reader.generation);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;  // EPOLLHUP (every writer gone) is always reported
    ev.data.u64 = key;
    if (::epoll_ctl(poller_->descriptor.native_handle(), EPOLL_CTL_ADD, fd, &ev) != 0) {
      // Out of memory or of epoll watches (fs.epoll.max_user_watches): the pipe is closed, so
      // the process's writes to it fail (EPIPE), and its end of file is reported as usual.
      spdlog::error("[{}] output dropped, cannot watch its pipe: {}", name,
                    errno_message("epoll_ctl", errno));
      w.first_reader = reader.next;
      reader = Reader{};
      boost::asio::post(io_, [this, pid] {
        if (on_closed_) on_closed_(pid);
      });
      continue;
    }
    // Output written before we got here is already waiting: read it on the next turn.
    boost::asio::post(io_, [this, key] { on_readable(key); });
  }
}

void LogSink::drain_now(const std::string& name, UniqueFd out, UniqueFd err, const LogOptions& opts,
                        std::chrono::steady_clock::time_point deadline) {
  Writer& w = writer(name);
  w.opts = opts;
  const UniqueFd fds[2] = {std::move(out), std::move(err)};
  for (int i = 0; i < 2; ++i) {
    if (!fds[i]) continue;
    for (;;) {
      const ssize_t n = ::read(fds[i].get(), buffer_.get(), k_read_bytes);
      if (n > 0) {
        const auto taken = static_cast<std::size_t>(n);
        if (admit(w, i, taken) == 0) {
          drop(w, i, taken);
        } else {
          reserve_.consume(taken);
          deliver(w, i == 0 ? LogStream::out : LogStream::err,
                  std::string_view(buffer_.get(), taken));
        }
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || errno != EAGAIN) break;  // end of file: every writer is gone
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fds[i].get(), POLLIN, 0};
      (void)::poll(&p, 1, static_cast<int>(left.count()));  // readable, hung up or timed out
    }
  }
}

std::pair<int, int> LogSink::pipe_fds(std::string_view name, pid_t pid) const {
  std::pair<int, int> fds{-1, -1};
  const auto it = writers_.find(name);
  if (it == writers_.end()) return fds;
  for (int slot = it->second->first_reader; slot >= 0;) {
    const Reader& reader = readers_[static_cast<std::size_t>(slot)];
    if (reader.pid == pid) {
      (reader.stream == LogStream::err ? fds.second : fds.first) = reader.fd.get();
    }
    slot = reader.next;
  }
  return fds;
}

LogSink::Reader* LogSink::find_reader(ReaderKey key) {
  const auto fd = static_cast<std::size_t>(key >> 32);
  if (fd >= readers_.size()) return nullptr;
  Reader& reader = readers_[fd];
  if (!reader.fd || reader.generation != static_cast<std::uint32_t>(key)) return nullptr;
  return &reader;
}

void LogSink::close_reader(Reader& reader) {
  // Removed from the set by hand: the pipe keeper holds the same pipe, so closing our
  // descriptor alone would leave it there (and firing) for as long as the keeper keeps it.
  const int fd = reader.fd.get();
  (void)::epoll_ctl(poller_->descriptor.native_handle(), EPOLL_CTL_DEL, fd, nullptr);
  // Unlinked from its writer's list: a walk of that name's few readers.
  int* link = &reader.writer->first_reader;
  while (*link != fd) link = &readers_[static_cast<std::size_t>(*link)].next;
  *link = reader.next;
  reader = Reader{};  // closes the pipe
}

void LogSink::wait_ready() {
  poller_->descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                 [this](const boost::system::error_code& ec) {
                                   if (ec == boost::asio::error::operation_aborted) return;
                                   on_ready();
                                 });
}

void LogSink::on_ready() {
  // Asio watches the epoll set edge-triggered: empty it before waiting again, so that the
  // next pipe to become ready makes the next edge.
  std::array<epoll_event, 64> events{};
  for (;;) {
    const int n = ::epoll_wait(poller_->descriptor.native_handle(), events.data(),
                               static_cast<int>(events.size()), 0);
    if (n < 0 && errno == EINTR) continue;
    for (int i = 0; i < n; ++i) {
      const ReaderKey key = events[static_cast<std::size_t>(i)].data.u64;
      Reader* reader = find_reader(key);
      // Not waiting: a turn of it is already posted, and reads until EAGAIN.
      if (reader == nullptr || !reader->waiting) continue;
      reader->waiting = false;
      on_readable(key);
    }
    if (n < static_cast<int>(events.size())) break;
  }
  wait_ready();
}

// on_readable() -> post_next() -> on_readable() only through the loop (a posted handler), never
// as a nested call, so the stack never grows.
void LogSink::on_readable(ReaderKey key) {  // NOLINT(misc-no-recursion)
  const Reader* found = find_reader(key);
  if (found == nullptr) return;
  Writer& w = *found->writer;
  const int fd = found->fd.get();
  const int index = found->stream == LogStream::err ? 1 : 0;
  LogFile& file = w.files[index];
  int avail = 0;
  if (::ioctl(fd, FIONREAD, &avail) == 0 && avail >= 64 * 1024 && !found->enlarged) {
    // Full at the default size: a chatty child. (Raising it is best effort: past the
    // per-user pipe quota the kernel refuses, and the pipe simply stays as it is.)
    readers_[static_cast<std::size_t>(fd)].enlarged = true;
    (void)::fcntl(fd, F_SETPIPE_SZ, k_big_pipe_bytes);
  }
  const std::size_t allowed = admit(w, index, avail > 0 ? static_cast<std::size_t>(avail) : 1);
  // admit() may have told a listener, which may have started a process (attach() may have
  // grown readers_) or deleted this one's logs: look the reader up again.
  Reader* again = find_reader(key);
  if (again == nullptr) return;
  Reader& reader = *again;
  if (allowed == 0) {
    // Below the reserve: drain the pipe all the same (a child must never block on a full
    // pipe because the disk is full) and count what is lost.
    ssize_t n;
    do {
      n = ::read(fd, buffer_.get(), k_read_bytes);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
      drop(w, index, static_cast<std::size_t>(n));
      return post_next(key);
    }
    if (n < 0 && errno == EAGAIN) {
      reader.waiting = true;
      return;
    }
    const pid_t pid = reader.pid;
    close_reader(reader);
    if (on_closed_) on_closed_(pid);
    return;
  }
  std::size_t want = allowed;
  const bool copy = w.opts.timestamps || listens(w.name);
  if (avail > 0 && !copy && reader.can_splice) {
    // Bytes that surely belong to the current file go there without being looked at: all
    // of them when they fit, else all but the window in which the rotation will cut at a
    // line end, which is read below.
    const std::uint64_t max = w.opts.max_size;
    const std::uint64_t room = max == 0 ? UINT64_MAX : max > file.size() ? max - file.size() : 0;
    std::size_t blind = static_cast<std::size_t>(std::min<std::uint64_t>(
        static_cast<std::uint64_t>(avail), room >= static_cast<std::uint64_t>(avail) ? room
                                           : room > k_cut_window ? room - k_cut_window
                                                                 : 0));
    blind = std::min(blind, allowed);
    if (blind > 0) {
      const ssize_t n = open_log(w, index).splice_from(fd, blind);
      if (n > 0) {
        reserve_.consume(static_cast<std::uint64_t>(n));
        return post_next(key);
      }
      if (n < 0 && errno == EINVAL) reader.can_splice = false;
    } else {
      want = std::min(want, 2 * k_cut_window);
    }
  }
  ssize_t n;
  do {
    n = ::read(fd, buffer_.get(), want);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    reserve_.consume(static_cast<std::uint64_t>(n));
    deliver(w, reader.stream, std::string_view(buffer_.get(), static_cast<size_t>(n)));
    return post_next(key);
  }
  if (n < 0 && errno == EAGAIN) {
    reader.waiting = true;  // the pipe's next write is an edge in the epoll set
    return;
  }
  // End of file (or a read error): every writer of this pipe is gone.
  const pid_t pid = reader.pid;
  close_reader(reader);
  if (on_closed_) on_closed_(pid);
}

std::size_t LogSink::admit(Writer& w, int stream, std::size_t want) {
  const std::uint64_t allowed = reserve_.admit(want, std::chrono::steady_clock::now(), [&] {
    // Probe the file system the bytes would go to (opening the log if need be).
    return open_log(w, stream).free_bytes();
  });
  if (allowed > 0 && w.paused[stream]) {
    LogFile& file = open_log(w, stream);
    const std::string marker = std::string(file.at_line_start() ? "" : "\n") + "=== [" +
                               iso_utc(std::chrono::system_clock::now()) +
                               "] [bgod] logging resumed: " + std::to_string(w.dropped[stream]) +
                               " bytes dropped ===\n";
    spdlog::info("[{}] logging resumed: {} bytes dropped", w.name, w.dropped[stream]);
    w.paused[stream] = false;
    w.dropped[stream] = 0;
    file.append(marker, w.opts.max_size, w.opts.files);
    if (on_output_) {
      on_output_(w.name, stream == 1 ? LogStream::err : LogStream::out, marker, file.end());
    }
  }
  return static_cast<std::size_t>(allowed);
}

void LogSink::drop(Writer& w, int stream, std::size_t bytes) {
  w.dropped[stream] += bytes;
  if (w.paused[stream]) return;
  w.paused[stream] = true;
  LogFile& file = open_log(w, stream);
  const std::string marker = std::string(file.at_line_start() ? "" : "\n") + "=== [" +
                             iso_utc(std::chrono::system_clock::now()) +
                             "] [bgod] logging paused: less than " +
                             format_size(reserve_.reserve()) + " free ===\n";
  spdlog::warn("[{}] logging paused: less than {} free on the logs' file system", w.name,
               format_size(reserve_.reserve()));
  file.append(marker, w.opts.max_size, w.opts.files);
  if (on_output_) {
    on_output_(w.name, stream == 1 ? LogStream::err : LogStream::out, marker, file.end());
  }
}

void LogSink::post_next(ReaderKey key) {  // NOLINT(misc-no-recursion): posted, see above
  // Let the other pipes and the clients have their turn, then continue with this one until
  // it says EAGAIN (the epoll set is edge-triggered: only then may we wait for readiness).
  boost::asio::post(io_, [this, key] { on_readable(key); });  // NOLINT(misc-no-recursion)
}

void LogSink::deliver(Writer& w, LogStream stream, std::string_view data) {
  const int i = stream == LogStream::err ? 1 : 0;
  LogFile& file = open_log(w, i);
  if (w.opts.timestamps) {
    stamped_.clear();
    bool at_line_start = file.at_line_start();
    stamp_lines(data, timestamp_prefix(), at_line_start, stamped_);
    data = stamped_;
  }
  file.append(data, w.opts.max_size, w.opts.files);
  if (on_output_) on_output_(w.name, stream, data, file.end());
}

void LogSink::append_marker(std::string_view name, std::string_view marker) {
  Writer& w = writer(name);
  for (int i = 0; i < 2; ++i) {
    LogFile& file = open_log(w, i);
    file.append(marker, w.opts.max_size, w.opts.files);
    if (on_output_)
      on_output_(w.name, i == 0 ? LogStream::out : LogStream::err, marker, file.end());
  }
}

void LogSink::watcher_line(std::string_view name, std::string_view message) {
  watcher_.line(name, message);
}

std::string LogSink::stderr_tail(std::string_view name) {
  return bgo::stderr_tail(paths_.log_file(name, LogStream::err));
}

void LogSink::remove_logs(std::string_view name) {
  // Descendants of a deleted process that still hold its pipes lose their reader (EPIPE)
  // rather than re-create the files just deleted.
  if (auto it = writers_.find(name); it != writers_.end()) {
    const Writer& w = *it->second;
    while (w.first_reader >= 0) close_reader(readers_[static_cast<std::size_t>(w.first_reader)]);
    erase_writer(it);
  }
  LogFile(paths_.log_file(name, LogStream::out)).remove_all();
  LogFile(paths_.log_file(name, LogStream::err)).remove_all();
  watcher_.remove(name);
}

void LogSink::release(std::string_view name) {
  auto it = writers_.find(name);
  if (it == writers_.end()) return;
  // A descendant that still holds the pipes keeps writing through this writer: keep it.
  if (it->second->first_reader >= 0) return;
  erase_writer(it);
}

void LogSink::flush(std::string_view name) {
  Writer& w = writer(name);
  open_log(w, 0).truncate_all();
  open_log(w, 1).truncate_all();
  watcher_.truncate(name);
}

void LogSink::reopen_all() {
  // Closed, not opened again: each opens on its next write (with thousands of quiet children,
  // opening them all would take as many descriptors for nothing).
  files_.close_all();
}

}  // namespace bgo::daemon
