// SPDX-License-Identifier: MIT
// Log file identities, their tokens, and the resume plan.
#include "common/log_position.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>

namespace bgo {

LogFileId file_id_of(int fd) {
  LogFileId id;
  struct statx sx {};
  if (::statx(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_BTIME, &sx) == 0) {
    id.ino = sx.stx_ino;
    if ((sx.stx_mask & STATX_BTIME) != 0) {
      id.birth_ns =
          static_cast<std::uint64_t>(sx.stx_btime.tv_sec) * 1000000000U + sx.stx_btime.tv_nsec;
    }
    return id;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0) id.ino = st.st_ino;
  return id;
}

std::string to_token(const LogFileId& id) {
  if (!id.known()) return {};
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, id.ino, 16);
  *r.ptr++ = '-';
  r = std::to_chars(r.ptr, buf + sizeof buf, id.birth_ns, 16);
  return {buf, r.ptr};
}

std::optional<LogFileId> parse_token(std::string_view token) {
  if (token.empty()) return LogFileId{};
  const size_t dash = token.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == token.size()) return std::nullopt;
  LogFileId id;
  const char* end = token.data() + token.size();
  auto a = std::from_chars(token.data(), token.data() + dash, id.ino, 16);
  auto b = std::from_chars(token.data() + dash + 1, end, id.birth_ns, 16);
  if (a.ec != std::errc{} || a.ptr != token.data() + dash || b.ec != std::errc{} || b.ptr != end ||
      id.ino == 0) {
    return std::nullopt;
  }
  return id;
}

std::string_view to_string(ResumeReset reset) {
  switch (reset) {
    case ResumeReset::none:
      return "none";
    case ResumeReset::rotated:
      return "rotated";
    case ResumeReset::truncated:
      return "truncated";
  }
  return "none";
}

ResumePlan plan_resume(const LogPosition& from, const std::vector<LogExtent>& chain,
                       std::uint64_t max_bytes) {
  ResumePlan plan;
  if (chain.empty()) return plan;
  std::size_t file = chain.size() - 1;
  std::uint64_t offset = 0;
  const auto found = std::find_if(chain.begin(), chain.end(), [&](const LogExtent& e) {
    return from.file.known() && e.file == from.file;
  });
  if (found != chain.end()) {
    file = static_cast<std::size_t>(found - chain.begin());
    if (from.offset <= found->size) {
      offset = from.offset;
    } else {
      plan.reset = ResumeReset::truncated;
    }
  } else if (from.file.known()) {
    plan.reset = ResumeReset::rotated;
  }
  std::uint64_t total = 0;
  for (std::size_t i = file; i < chain.size(); ++i) {
    total += chain[i].size - (i == file ? offset : 0);
  }
  std::uint64_t skip = total > max_bytes ? total - max_bytes : 0;
  plan.skipped = skip;
  for (std::size_t i = file; i < chain.size(); ++i) {
    std::uint64_t begin = i == file ? offset : 0;
    const std::uint64_t end = chain[i].size;
    const std::uint64_t dropped = std::min(skip, end - begin);
    begin += dropped;
    skip -= dropped;
    if (begin < end) plan.ranges.push_back({i, begin, end});
  }
  return plan;
}

}  // namespace bgo
