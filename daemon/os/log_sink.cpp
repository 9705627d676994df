// SPDX-License-Identifier: MIT
// LogSink: pipe draining, size-based rotation at line boundaries, optional timestamps.
#include "daemon/os/log_sink.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "common/log_tail.hpp"
#include "common/time_format.hpp"

namespace bgo::daemon {

namespace {

constexpr size_t k_buffer_bytes = 64 * 1024;
// Reads per readiness before yielding, so one chatty child cannot starve the others.
constexpr int k_reads_per_turn = 4;

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      spdlog::warn("log write failed: {}", std::strerror(errno));
      return;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

std::string timestamp_prefix() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

struct LogSink::Writer {
  std::string name;
  UniqueFd fd[2];
  uint64_t size[2] = {0, 0};
  bool at_line_start[2] = {true, true};
  LogOptions opts;
};

struct LogSink::Reader {
  Reader(boost::asio::io_context& io, int fd) : descriptor(io, fd) {}
  boost::asio::posix::stream_descriptor descriptor;
  std::string name;
  LogStream stream = LogStream::out;
  pid_t pid = 0;
};

LogSink::LogSink(boost::asio::io_context& io, Paths paths, ClosedFn on_closed)
    : io_(io),
      paths_(std::move(paths)),
      on_closed_(std::move(on_closed)),
      buffer_(new char[k_buffer_bytes]) {}

LogSink::~LogSink() = default;

LogSink::Writer& LogSink::writer(std::string_view name) {
  auto it = writers_.find(name);
  if (it == writers_.end()) {
    auto w = std::make_unique<Writer>();
    w->name = std::string(name);
    it = writers_.emplace(w->name, std::move(w)).first;
  }
  Writer& w = *it->second;
  for (int i = 0; i < 2; ++i) {
    if (w.fd[i]) continue;
    const auto path = paths_.log_file(name, i == 0 ? LogStream::out : LogStream::err);
    if (auto fd = open_fd(path, O_WRONLY | O_APPEND | O_CREAT, 0644)) {
      struct stat st {};
      w.size[i] = ::fstat(fd->get(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
      w.fd[i] = std::move(*fd);
    } else {
      spdlog::error("[{}] cannot open log: {}", name, fd.error().message);
    }
  }
  return w;
}

void LogSink::attach(const std::string& name, pid_t pid, UniqueFd out, UniqueFd err,
                     const LogOptions& opts) {
  writer(name).opts = opts;
  UniqueFd fds[2] = {std::move(out), std::move(err)};
  for (int i = 0; i < 2; ++i) {
    if (!fds[i]) {
      if (on_closed_) on_closed_(pid);
      continue;
    }
    auto reader = std::make_unique<Reader>(io_, fds[i].release());
    reader->name = name;
    reader->stream = i == 0 ? LogStream::out : LogStream::err;
    reader->pid = pid;
    Reader* raw = reader.get();
    readers_.emplace(raw, std::move(reader));
    arm(raw);
  }
}

void LogSink::arm(Reader* reader) {
  reader->descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                [this, reader](const boost::system::error_code& ec) {
                                  if (ec == boost::asio::error::operation_aborted) return;
                                  on_readable(reader);
                                });
}

void LogSink::on_readable(Reader* reader) {
  const int fd = reader->descriptor.native_handle();
  for (int turn = 0; turn < k_reads_per_turn; ++turn) {
    const ssize_t n = ::read(fd, buffer_.get(), k_buffer_bytes);
    if (n > 0) {
      const std::string_view data(buffer_.get(), static_cast<size_t>(n));
      write(writer(reader->name), reader->stream, data);
      if (on_output_) on_output_(reader->name, reader->stream, data);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return arm(reader);
    // End of file (or a read error): every writer of this pipe is gone.
    const pid_t pid = reader->pid;
    readers_.erase(reader);
    if (on_closed_) on_closed_(pid);
    return;
  }
  // Yield to other descriptors, then continue where we were.
  boost::asio::post(io_, [this, reader] {
    if (readers_.count(reader) != 0) on_readable(reader);
  });
}

void LogSink::write(Writer& w, LogStream stream, std::string_view data) {
  const int i = stream == LogStream::err ? 1 : 0;
  std::string stamped;
  if (w.opts.timestamps) {
    const std::string prefix = timestamp_prefix();
    stamped.reserve(data.size() + prefix.size() * 4);
    size_t pos = 0;
    while (pos < data.size()) {
      if (w.at_line_start[i]) stamped += prefix;
      const size_t nl = data.find('\n', pos);
      const size_t end = nl == std::string_view::npos ? data.size() : nl + 1;
      stamped.append(data.substr(pos, end - pos));
      w.at_line_start[i] = nl != std::string_view::npos;
      pos = end;
    }
    data = stamped;
  }
  const uint64_t cap = w.opts.max_size;
  if (cap > 0 && w.size[i] > 0 && w.size[i] + data.size() > cap) {
    // Rotate at a line boundary: the complete lines of this chunk finish the old file.
    const size_t nl = data.rfind('\n');
    if (nl != std::string_view::npos && w.size[i] + nl + 1 <= cap) {
      write_all(w.fd[i].get(), data.substr(0, nl + 1));
      data.remove_prefix(nl + 1);
    }
    const auto base = paths_.log_file(w.name, stream).string();
    w.fd[i].reset();
    if (w.opts.files <= 0) {
      ::unlink(base.c_str());
    } else {
      for (int64_t k = w.opts.files - 1; k >= 1; --k) {
        ::rename((base + "." + std::to_string(k)).c_str(),
                 (base + "." + std::to_string(k + 1)).c_str());
      }
      ::rename(base.c_str(), (base + ".1").c_str());
    }
    writer(w.name);
  }
  if (!w.fd[i]) return;
  write_all(w.fd[i].get(), data);
  w.size[i] += data.size();
}

void LogSink::append_marker(std::string_view name, std::string_view marker) {
  Writer& w = writer(name);
  for (int i = 0; i < 2; ++i) {
    if (!w.fd[i]) continue;
    write_all(w.fd[i].get(), marker);
    w.size[i] += marker.size();
    w.at_line_start[i] = true;
  }
}

void LogSink::watcher_line(std::string_view name, std::string_view message) {
  const auto path = paths_.log_file(name, LogStream::watcher);
  if (auto fd = open_fd(path, O_WRONLY | O_APPEND | O_CREAT, 0644)) {
    write_all(fd->get(), "[" + iso_utc_seconds(std::chrono::system_clock::now()) + "] " +
                             std::string(message) + "\n");
  }
}

std::string LogSink::stderr_tail(std::string_view name) {
  return bgo::stderr_tail(paths_.log_file(name, LogStream::err));
}

void LogSink::remove_logs(std::string_view name) {
  if (auto it = writers_.find(name); it != writers_.end()) writers_.erase(it);
  // Descendants of a deleted process that still hold its pipes lose their reader (EPIPE)
  // rather than re-create the files just deleted.
  std::erase_if(readers_, [&](const auto& kv) { return kv.second->name == name; });
  for (LogStream s : {LogStream::out, LogStream::err, LogStream::watcher}) {
    const std::string base = paths_.log_file(name, s).string();
    ::unlink(base.c_str());
    for (int k = 1; k <= 64; ++k) {
      if (::unlink((base + "." + std::to_string(k)).c_str()) != 0) break;
    }
  }
}

void LogSink::flush(std::string_view name) {
  Writer& w = writer(name);
  for (int i = 0; i < 2; ++i) {
    if (w.fd[i] && ::ftruncate(w.fd[i].get(), 0) == 0) w.size[i] = 0;
    const std::string base =
        paths_.log_file(name, i == 0 ? LogStream::out : LogStream::err).string();
    for (int k = 1; k <= 64; ++k) {
      if (::unlink((base + "." + std::to_string(k)).c_str()) != 0) break;
    }
  }
  if (::truncate(paths_.log_file(name, LogStream::watcher).c_str(), 0) != 0 && errno != ENOENT) {
    spdlog::warn("[{}] cannot empty the watcher log: {}", name, std::strerror(errno));
  }
}

void LogSink::reopen_all() {
  for (auto& [name, w] : writers_) {
    w->fd[0].reset();
    w->fd[1].reset();
    writer(name);
  }
}

}  // namespace bgo::daemon
