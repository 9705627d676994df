// SPDX-License-Identifier: MIT
// One stream's log file (NAME.out.log or NAME.err.log): appends, size-based rotation at line
// boundaries into NAME.*.log.1 .. .N, and the per-line timestamp prefix of `--time`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "common/log_position.hpp"
#include "common/unique_fd.hpp"

namespace bgo::daemon {

// How much of `data` to append before rotating. `size` is the file's current size and
// `at_line_start` whether it ends with a line end (or is empty). Pure, for tests.
struct AppendPlan {
  std::size_t before = 0;  // bytes of `data` to append to the current file first
  bool rotate = false;     // then rotate (and append the rest to the fresh file)
};
[[nodiscard]] AppendPlan plan_append(std::uint64_t size, bool at_line_start, std::string_view data,
                                     std::uint64_t max_size);

// Appends `data` to `out` with `prefix` at the start of every line. `at_line_start` says
// whether the first byte of `data` starts a line and is updated for the next call.
void stamp_lines(std::string_view data, std::string_view prefix, bool& at_line_start,
                 std::string& out);

// `2025-03-01T10:15:42.123Z ` for now (UTC, milliseconds, one trailing space).
[[nodiscard]] std::string timestamp_prefix();

// Every open goes through common/home_dir.hpp open_home_file(): the folder must be trusted and
// the file a regular file of ours, never reached through a symlink (a refused file is not
// written; the first failure is logged). Rotation and removal work inside the folder's
// descriptor, so they rename or unlink the entries themselves, never what a symlink points to.
class LogFile {
 public:
  explicit LogFile(std::string path);

  // Opens the file now (creating it) unless it is open: the error says why it was refused.
  Result<void> open();
  // Free bytes on the file's file system for unprivileged users (fstatvfs of the open file);
  // nullopt when it is not open or unknown.
  std::optional<std::uint64_t> free_bytes();

  // Appends `data`, rotating at a line boundary whenever the file would grow past
  // `max_size` (0 = never): the file is renamed to `.1` (older copies shift up, `.keep` is
  // the last kept; `keep` <= 0 deletes it instead) and a fresh one is started. A line is never
  // split across two files, except one that alone runs past twice `max_size`; so a line that
  // was already begun below the limit ends in the same file, which may pass `max_size` by it.
  void append(std::string_view data, std::uint64_t max_size, std::int64_t keep);
  // Moves up to `max` bytes from the pipe `pipe_fd` to the end of the file with splice(2),
  // without copying them through bgod. The caller has checked that they fit before the
  // rotation limit. Returns bytes moved, 0 at end of file, or -1 with errno (EAGAIN: the
  // pipe is empty; EINVAL: this file system cannot splice, use append()).
  ssize_t splice_from(int pipe_fd, std::size_t max);
  // Empties the file (creating it when missing) and deletes its rotated copies.
  void truncate_all();
  // Deletes the file and its rotated copies (and closes it).
  void remove_all();
  // Closes and re-opens the file (after SIGHUP or an outside rotation).
  void reopen();
  // Closes the file, keeping what is known of it; the next write or open() re-opens it and
  // reads its size again (LogFileCache: bgod keeps only so many log files open).
  void close() { fd_.reset(); }
  bool is_open() const { return static_cast<bool>(fd_); }

  std::filesystem::path path() const { return path_; }
  std::uint64_t size() const { return size_; }
  // The file's identity (from its last open; unknown before) and its end: where the next
  // byte goes, for followers' resume positions.
  LogPosition end() const { return {id_, size_}; }
  // Whether the file ends with a line end (or is empty).
  bool at_line_start();

 private:
  bool ensure_open();
  void write_bytes(std::string_view data);
  void rotate(std::int64_t keep);
  void remove_rotated();

  // A string, not a path: libstdc++'s path also keeps its components, 350 bytes more for each
  // of the two logs of every process (issue #18, memory); rotation builds the path it needs.
  std::string path_;
  UniqueFd fd_;
  std::uint64_t size_ = 0;  // also where the next byte goes: bgod is the only writer
  LogFileId id_;            // of the file last opened: a rotation opens a new one
  bool at_line_start_ = true;
  bool last_byte_unknown_ = false;  // after a splice: pread() it when it matters
  bool failing_ = false;            // a write failed: warn once until one succeeds again
};

}  // namespace bgo::daemon
