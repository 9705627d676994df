// SPDX-License-Identifier: MIT
// Where a follower is in a log: the file's identity and a byte offset in it, and the plan
// that resumes a follower from such a position across rotations (docs/protocol.md, `follow`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgo {

// One log file, told apart from the files that replace it when it is rotated or removed and
// created again: its inode and, where the file system records it, its birth time (an inode
// number freed by a removal may be given to the next file at once).
struct LogFileId {
  std::uint64_t ino = 0;       // 0: unknown (the file could not be opened)
  std::uint64_t birth_ns = 0;  // 0 where statx() reports no birth time
  bool known() const { return ino != 0; }
  friend bool operator==(const LogFileId&, const LogFileId&) = default;
};

// The identity of the open file `fd` (fstat, statx); unknown when neither works.
[[nodiscard]] LogFileId file_id_of(int fd);

// The wire form of a file identity, opaque to clients: "INO-BIRTH" in hex, "" when unknown.
[[nodiscard]] std::string to_token(const LogFileId& id);
// The identity a token names; nullopt when `token` is not one (an empty token is unknown()).
[[nodiscard]] std::optional<LogFileId> parse_token(std::string_view token);

// The byte of `file` just after what a follower has received.
struct LogPosition {
  LogFileId file;
  std::uint64_t offset = 0;
};

// One file of a log as it is now: the rotated copies, oldest first, then the current file.
struct LogExtent {
  LogFileId file;
  std::uint64_t size = 0;  // for the current file: where the live stream will go on
};

// Why a resume could not start where the follower was.
enum class ResumeReset {
  none,
  rotated,    // its file is no longer among the log's files (rotated away, deleted)
  truncated,  // its file is shorter than its offset (emptied by `bgo flush`, or outside)
};
std::string_view to_string(ResumeReset reset);

// What to send a follower that comes back at `from`: ranges of the files of `chain`, in order.
struct ResumeRange {
  std::size_t file = 0;  // index into the chain
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};
struct ResumePlan {
  std::vector<ResumeRange> ranges;
  std::uint64_t skipped = 0;  // bytes after the start point left out to stay within the bound
  ResumeReset reset = ResumeReset::none;
};

// Pure. Starts at `from` in its file of `chain` and runs to the end of the last one. A file not
// in the chain starts at the beginning of the current (last) file, with `reset` rotated (none
// when `from.file` is unknown: the log did not exist yet); an offset past its file's size starts
// at the beginning of that file, with `reset` truncated. When more than `max_bytes` remain,
// the oldest are left out (`skipped`), so the ranges always end where the live stream goes on.
[[nodiscard]] ResumePlan plan_resume(const LogPosition& from, const std::vector<LogExtent>& chain,
                                     std::uint64_t max_bytes);

}  // namespace bgo
