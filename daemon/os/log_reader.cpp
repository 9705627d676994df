// SPDX-License-Identifier: MIT
// LogReader: tails, and the catch-up of a follower that resumes (through rotated copies).
#include "daemon/os/log_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/home_dir.hpp"
#include "common/unique_fd.hpp"

namespace bgo::daemon {

namespace {

// Rotated copies looked at, at most (LogFile keeps them contiguous from `.1`).
constexpr int k_max_rotated = 1000;

struct OpenLog {
  UniqueFd fd;
  LogExtent extent;
};

// The file at `path`, opened as every file under the home is; nullopt when it is not there
// or refused.
std::optional<OpenLog> open_log(const std::filesystem::path& path) {
  auto fd = open_home_file(path, O_RDONLY);
  if (!fd) return std::nullopt;
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return std::nullopt;
  OpenLog log{std::move(*fd), {}};
  log.extent = {file_id_of(log.fd.get()), static_cast<std::uint64_t>(st.st_size)};
  return log;
}

}  // namespace

std::string LogReader::path(std::string_view name, LogStream stream) const {
  return paths_.log_file(name, stream).string();
}

std::optional<TailResult> LogReader::tail(std::string_view name, LogStream stream, long lines,
                                          const TailOptions& options) {
  return tail_log(paths_.log_file(name, stream), lines, options);
}

bool LogReader::has_output(std::string_view name, LogStream stream) {
  struct stat st {};
  return ::lstat(paths_.log_file(name, stream).c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         st.st_size > 0;
}

LogPosition LogReader::position(std::string_view name, LogStream stream) {
  auto log = open_log(paths_.log_file(name, stream));
  if (!log) return {};
  return {log->extent.file, log->extent.size};
}

LogCatchUp LogReader::catch_up(std::string_view name, LogStream stream, const LogPosition& from,
                               std::uint64_t hold, std::uint64_t max_bytes) {
  LogCatchUp out;
  const std::filesystem::path file = paths_.log_file(name, stream);
  auto current = open_log(file);
  if (!current) {
    if (from.file.known()) out.reset = ResumeReset::rotated;
    return out;
  }
  // Bytes held back for the next live notification are not sent twice.
  current->extent.size -= std::min(hold, current->extent.size);
  // Oldest first: the rotated copies (only when the position is not in the current file:
  // bgod writes on the loop that runs this, so nothing rotates while it reads), then it.
  std::vector<OpenLog> chain;
  if (from.file.known() && !(from.file == current->extent.file)) {
    for (int k = 1; k <= k_max_rotated; ++k) {
      auto copy = open_log(file.string() + "." + std::to_string(k));
      if (!copy) break;
      chain.push_back(std::move(*copy));
    }
    std::reverse(chain.begin(), chain.end());
  }
  chain.push_back(std::move(*current));
  std::vector<LogExtent> extents;
  extents.reserve(chain.size());
  for (const auto& log : chain) extents.push_back(log.extent);
  const ResumePlan plan = plan_resume(from, extents, max_bytes);
  out.skipped = plan.skipped;
  out.reset = plan.reset;
  for (const ResumeRange& range : plan.ranges) {
    const OpenLog& log = chain[range.file];
    for (std::uint64_t at = range.begin; at < range.end;) {
      const auto want = static_cast<std::size_t>(
          std::min<std::uint64_t>(range.end - at, LogCatchUp::k_piece_bytes));
      std::string data(want, '\0');
      const ssize_t n = ::pread(log.fd.get(), data.data(), want, static_cast<off_t>(at));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return out;  // changed under us (outside bgod): what was read stands
      data.resize(static_cast<std::size_t>(n));
      at += static_cast<std::uint64_t>(n);
      out.pieces.push_back({std::move(data), {log.extent.file, at}});
    }
  }
  return out;
}

}  // namespace bgo::daemon
