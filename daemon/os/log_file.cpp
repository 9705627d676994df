// SPDX-License-Identifier: MIT
// LogFile: appends with rotation at line boundaries; the `--time` line prefix.
#include "daemon/os/log_file.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/home_dir.hpp"

namespace bgo::daemon {

namespace {

// Rotated copies are contiguous from `.1`; this only bounds a loop over a damaged set.
constexpr int k_max_rotated_scan = 100000;

std::string rotated(const std::filesystem::path& path, std::int64_t k) {
  return path.filename().string() + "." + std::to_string(k);
}

}  // namespace

AppendPlan plan_append(std::uint64_t size, bool at_line_start, std::string_view data,
                       std::uint64_t max_size) {
  if (max_size == 0 || size + data.size() <= max_size) return {data.size(), false};
  // The complete lines that still fit finish this file.
  const std::uint64_t room = size < max_size ? max_size - size : 0;
  if (room > 0) {
    const std::size_t nl = data.rfind('\n', static_cast<std::size_t>(room - 1));
    if (nl != std::string_view::npos) return {nl + 1, true};
  }
  if (size > 0 && at_line_start) return {0, true};
  // The file ends inside a line (or its first line alone is too long): that line ends here.
  const std::size_t nl = data.find('\n');
  if (nl != std::string_view::npos) return {nl + 1, true};
  // No line end in sight. Keep the line whole unless it has run far past the limit.
  if (size + data.size() >= 2 * max_size) return {data.size(), true};
  return {data.size(), false};
}

void stamp_lines(std::string_view data, std::string_view prefix, bool& at_line_start,
                 std::string& out) {
  std::size_t lines = 1;
  for (const char *p = data.data(), *end = data.data() + data.size();
       (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p))));
       ++p) {
    ++lines;
  }
  out.reserve(out.size() + data.size() + lines * prefix.size());
  std::size_t pos = 0;
  while (pos < data.size()) {
    if (at_line_start) out.append(prefix);
    const std::size_t nl = data.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? data.size() : nl + 1;
    out.append(data.substr(pos, end - pos));
    at_line_start = nl != std::string_view::npos;
    pos = end;
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
  (void)std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                      static_cast<int>(ms));
  return buf;
}

LogFile::LogFile(std::string path) : path_(std::move(path)) {}

Result<void> LogFile::open() {
  if (fd_) return {};
  // No O_APPEND: splice(2) refuses such a file. bgod is the only writer and writes at size_
  // (an outside truncation is picked up by reopen(), i.e. SIGHUP, or done with `bgo flush`).
  auto fd = open_home_file(path_, O_RDWR | O_CREAT, 0644);
  if (!fd) return fd.error();
  struct stat st {};
  size_ = ::fstat(fd->get(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  id_ = file_id_of(fd->get());
  fd_ = std::move(*fd);
  last_byte_unknown_ = size_ > 0;
  at_line_start_ = true;
  return {};
}

bool LogFile::ensure_open() {
  if (fd_) return true;
  if (auto r = open(); !r) {
    if (!failing_) spdlog::error("cannot open log: {}", r.error().message);
    failing_ = true;
    return false;
  }
  return true;
}

std::optional<std::uint64_t> LogFile::free_bytes() {
  struct statvfs vfs {};
  if (!fd_ || ::fstatvfs(fd_.get(), &vfs) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

bool LogFile::at_line_start() {
  if (last_byte_unknown_ && fd_) {
    char last = '\n';
    at_line_start_ = size_ == 0 ||
                     ::pread(fd_.get(), &last, 1, static_cast<off_t>(size_ - 1)) != 1 ||
                     last == '\n';
    last_byte_unknown_ = false;
  }
  return at_line_start_;
}

void LogFile::write_bytes(std::string_view data) {
  if (data.empty() || !ensure_open()) return;
  const std::string_view all = data;
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd_.get(), data.data(), data.size(),
                               static_cast<off_t>(size_ + (all.size() - data.size())));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (!failing_) {
        spdlog::warn("log write to {} failed: {}", path_, std::strerror(errno));
      }
      failing_ = true;
      break;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  const std::size_t written = all.size() - data.size();
  if (written == 0) return;
  failing_ = !data.empty();
  size_ += written;
  at_line_start_ = all[written - 1] == '\n';
  last_byte_unknown_ = false;
}

ssize_t LogFile::splice_from(int pipe_fd, std::size_t max) {
  if (!ensure_open()) {
    errno = EINVAL;
    return -1;
  }
  auto offset = static_cast<loff_t>(size_);
  const ssize_t n = ::splice(pipe_fd, nullptr, fd_.get(), &offset, max, SPLICE_F_NONBLOCK);
  if (n > 0) {
    size_ += static_cast<std::uint64_t>(n);
    last_byte_unknown_ = true;
    failing_ = false;
  }
  return n;
}

void LogFile::append(std::string_view data, std::uint64_t max_size, std::int64_t keep) {
  while (!data.empty()) {
    if (!ensure_open()) return;
    const AppendPlan plan = plan_append(size_, at_line_start(), data, max_size);
    write_bytes(data.substr(0, plan.before));
    data.remove_prefix(plan.before);
    if (plan.rotate) rotate(keep);
  }
}

void LogFile::rotate(std::int64_t keep) {
  fd_.reset();
  const std::filesystem::path file = path();
  auto dir = open_trusted_dir(file.parent_path());
  if (!dir) {
    spdlog::warn("cannot rotate {}: {}", file.string(), dir.error().message);
  } else if (keep <= 0) {
    ::unlinkat(dir->get(), file.filename().c_str(), 0);
  } else {
    // Missing copies (fewer rotations than `keep` so far) just fail with ENOENT.
    for (std::int64_t k = keep - 1; k >= 1; --k) {
      (void)::renameat(dir->get(), rotated(file, k).c_str(), dir->get(),
                       rotated(file, k + 1).c_str());
    }
    if (::renameat(dir->get(), file.filename().c_str(), dir->get(), rotated(file, 1).c_str()) !=
        0) {
      spdlog::warn("cannot rotate {}: {}", file.string(), std::strerror(errno));
    }
  }
  size_ = 0;
  at_line_start_ = true;
  last_byte_unknown_ = false;
  ensure_open();
}

void LogFile::remove_rotated() {
  const std::filesystem::path file = path();
  auto dir = open_trusted_dir(file.parent_path());
  if (!dir) return;
  for (int k = 1; k <= k_max_rotated_scan; ++k) {
    if (::unlinkat(dir->get(), rotated(file, k).c_str(), 0) != 0) break;
  }
}

void LogFile::truncate_all() {
  if (ensure_open() && ::ftruncate(fd_.get(), 0) == 0) {
    size_ = 0;
    at_line_start_ = true;
    last_byte_unknown_ = false;
  }
  remove_rotated();
}

void LogFile::remove_all() {
  fd_.reset();
  ::unlink(path_.c_str());  // unlink never follows a symlink: it removes the entry itself
  remove_rotated();
  size_ = 0;
  id_ = {};
  at_line_start_ = true;
}

void LogFile::reopen() {
  fd_.reset();
  ensure_open();
}

}  // namespace bgo::daemon
