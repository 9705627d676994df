// SPDX-License-Identifier: MIT
// Bounded reads of the end of a log file: the last N lines, and the stderr tail.
#include "common/log_tail.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include "common/home_dir.hpp"
#include "common/name.hpp"

namespace bgo {
namespace {

// A read-only descriptor for the length of one call. Logs live under the bgo home, so they are
// opened by its rules (common/home_dir.hpp): never through a symlink, only a regular file of
// ours in a folder nobody else may write.
class ReadOnlyFile {
 public:
  explicit ReadOnlyFile(const std::filesystem::path& path) {
    if (auto fd = open_home_file(path, O_RDONLY)) fd_ = fd->release();
  }
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;
  ~ReadOnlyFile() {
    if (fd_ >= 0) (void)::close(fd_);  // read-only: nothing to lose on a close error
  }

  // The size of a regular file, or nullopt if it is not open or not a regular file.
  [[nodiscard]] std::optional<std::size_t> size() const {
    struct stat st {};
    if (fd_ < 0 || ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return static_cast<std::size_t>(st.st_size);
  }

  // Reads [offset, offset + length) into `out`, which it resizes. A file that shrank since
  // size() yields fewer bytes; only a read error fails.
  [[nodiscard]] bool read_at(std::size_t offset, std::size_t length, std::string& out) const {
    out.resize(length);
    std::size_t done = 0;
    while (done < length) {
      const ssize_t got =
          ::pread(fd_, out.data() + done, length - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return false;
      if (got == 0) break;
      done += static_cast<std::size_t>(got);
    }
    out.resize(done);
    return true;
  }

 private:
  int fd_ = -1;
};

// Line ends in `chunk`, which sits just before text whose first byte is `next` ('\0' when there
// is none). A '\r' directly followed by '\n' is not counted: the '\n' already was.
long count_line_ends(std::string_view chunk, char next) {
  long count = 0;
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    const char following = i + 1 < chunk.size() ? chunk[i + 1] : next;
    if (chunk[i] == '\n' || (chunk[i] == '\r' && following != '\n')) ++count;
  }
  return count;
}

std::string normalise_newlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out += text[i];
    } else if (i + 1 >= text.size() || text[i + 1] != '\n') {
      out += '\n';
    }  // else: the '\r' of "\r\n"; the '\n' comes next
  }
  return out;
}

bool is_ascii_space(char c) {
  // What Python's str.strip() removes among ASCII: \t \n \v \f \r, \x1c-\x1f and space.
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

}  // namespace

std::optional<TailResult> tail_lines(const std::filesystem::path& path, long n,
                                     std::size_t max_bytes) {
  const ReadOnlyFile file{path};
  const std::optional<std::size_t> size = file.size();
  if (!size) return std::nullopt;
  if (n <= 0 && max_bytes > 0) n = std::numeric_limits<long>::max();
  if (n <= 0) {
    std::string whole;
    if (!file.read_at(0, *size, whole) || whole.size() != *size) return std::nullopt;
    return TailResult{normalise_newlines(whole), false};
  }

  std::vector<std::string> chunks;  // read from the end backwards; together [pos, *size)
  std::size_t pos = *size;
  long line_ends = 0;
  while (pos > 0 && line_ends <= n && (max_bytes == 0 || *size - pos < max_bytes)) {
    std::size_t length = std::min(pos, k_tail_chunk_bytes);
    if (max_bytes > 0) length = std::min(length, max_bytes - (*size - pos));
    std::string chunk;
    // A short read means the file shrank under us (logs are append-only, so someone
    // truncated it); the bytes would not line up with what we have, so report a failed read.
    if (!file.read_at(pos - length, length, chunk) || chunk.size() != length) return std::nullopt;
    pos -= length;
    line_ends += count_line_ends(chunk, chunks.empty() ? '\0' : chunks.back().front());
    chunks.push_back(std::move(chunk));
  }
  std::string buffer;
  buffer.reserve(*size - pos);
  // (Not `chunks | std::views::reverse`: Clang 14 cannot compile libstdc++ 12's <ranges>.)
  std::for_each(chunks.rbegin(), chunks.rend(), [&](const std::string& c) { buffer += c; });

  const std::string text = normalise_newlines(buffer);
  std::size_t begin = 0;
  if (pos > 0) {
    // We stopped after more than n line ends (or at max_bytes): the first one closes a line
    // that may start in the unread part, so that line is dropped.
    begin = text.find('\n') + 1;
  }
  // Walk back over at most n line starts. The line ending just before `keep_from` has its
  // last byte (its '\n', or the final byte of an unterminated last line) at keep_from - 1.
  std::size_t keep_from = text.size();
  for (long lines = 0; keep_from > begin && lines < n; ++lines) {
    std::size_t start = begin;
    if (keep_from - 1 > begin) {
      const std::size_t newline = text.rfind('\n', keep_from - 2);
      if (newline != std::string::npos && newline >= begin) start = newline + 1;
    }
    keep_from = start;
  }
  return TailResult{text.substr(keep_from), pos > 0 || keep_from > begin};
}

std::optional<TailResult> tail_log(const std::filesystem::path& path, long n,
                                   std::size_t max_bytes) {
  std::optional<TailResult> current = tail_lines(path, n, max_bytes);
  if (n <= 0 || (current && current->truncated)) return current;
  const std::size_t have_bytes = current ? current->text.size() : 0;
  if (max_bytes > 0 && have_bytes >= max_bytes) return current;
  const long have = current ? count_line_ends(current->text, '\0') +
                                  (current->text.empty() || current->text.back() == '\n' ? 0 : 1)
                            : 0;
  if (have >= n) return current;
  std::optional<TailResult> older =
      tail_lines(path.string() + ".1", n - have, max_bytes > 0 ? max_bytes - have_bytes : 0);
  if (!older || older->text.empty()) return current;
  // Rotation happens at line ends, so the two texts join as they stood in one file.
  older->text += current ? current->text : std::string();
  return older;
}

std::string stderr_tail(const std::filesystem::path& path, std::size_t window) {
  const ReadOnlyFile file{path};
  const std::optional<std::size_t> size = file.size();
  if (!size || window == 0) return {};
  const std::size_t length = std::min(*size, window);
  std::string chunk;
  if (!file.read_at(*size - length, length, chunk)) return {};
  std::string_view view = chunk;
  if (*size > window) {
    const std::size_t newline = view.find('\n');
    if (newline != std::string_view::npos) view.remove_prefix(newline + 1);
  }
  while (!view.empty() && is_ascii_space(view.front())) view.remove_prefix(1);
  while (!view.empty() && is_ascii_space(view.back())) view.remove_suffix(1);
  return replace_invalid_utf8(view);
}

}  // namespace bgo
