// SPDX-License-Identifier: MIT
// Bounded reads of the end of a log file: the last N lines, and the stderr tail.
#include "common/log_tail.hpp"

#include <algorithm>
#include <cerrno>
#include <deque>
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

enum class LineKind { output, marker, start_marker };

// What bgod (or the original bgo) wrote: `=== [<time>] [<tag>] <text> ===` (spec §1.7, and
// bgod's logging paused/resumed lines), or the original 0.2's `=== [<time>] Starting: … ===`.
LineKind classify(std::string_view line) {
  if (line.size() < 10 || !line.starts_with("=== [") || !line.ends_with(" ===")) {
    return LineKind::output;
  }
  const std::size_t time_end = line.find("] ", 5);
  if (time_end == std::string_view::npos) return LineKind::output;
  const std::string_view rest = line.substr(time_end + 2);
  if (rest.starts_with("[Starting] ") || rest.starts_with("[watch restart] ") ||
      rest.starts_with("Starting: ")) {
    return LineKind::start_marker;
  }
  return LineKind::marker;
}

// Chooses where the tail begins, shown one whole line at a time from the last one backwards.
class WindowPicker {
 public:
  WindowPicker(long n, const TailOptions& options) : n_(n), options_(options) {}

  // No line before the ones taken belongs to the tail.
  bool complete() const { return counted_ >= n_ || at_start_; }

  // Takes the line that begins at file offset `offset` (`content`: without its line end).
  // Only while !complete().
  void take(std::size_t offset, std::string_view content) {
    const LineKind kind = classify(content);
    // The empty line each marker begins with belongs to the marker.
    const bool before_marker = content.empty() && later_is_marker_;
    later_is_marker_ = kind != LineKind::output;
    if (options_.markers == MarkerLines::counted || (kind == LineKind::output && !before_marker)) {
      ++counted_;
    }
    start_ = offset;
    taken_ = true;
    if (options_.from == TailFrom::last_start && kind == LineKind::start_marker) at_start_ = true;
  }

  bool taken() const { return taken_; }
  std::size_t start() const { return start_; }  // offset of the earliest line taken
  long counted() const { return counted_; }
  bool at_start() const { return at_start_; }

 private:
  long n_;
  const TailOptions& options_;
  long counted_ = 0;
  bool at_start_ = false;
  bool later_is_marker_ = false;  // the line after the next one offered is a marker
  bool taken_ = false;
  std::size_t start_ = 0;
};

// `line` without its line end ("\n", "\r\n" or a lone "\r"; none at the end of the file).
std::string_view content_of(std::string_view line) {
  if (line.ends_with("\r\n")) return line.substr(0, line.size() - 2);
  if (line.ends_with('\n') || line.ends_with('\r')) return line.substr(0, line.size() - 1);
  return line;
}

struct Window {
  TailResult tail;
  long counted = 0;       // lines of the text that count toward n
  bool at_start = false;  // the text begins at a start marker
};

// The tail of one file. Reads backwards in k_tail_chunk_bytes chunks and hands the picker
// each line as soon as it is whole (its start is known), so the cost depends on the lines
// wanted (or the run, for TailFrom::last_start), not on the file's size. The start of the
// earliest line read may lie before the read, so it waits in `partial` (its chunks, front
// first) until a line end before it shows where it begins: every byte is joined once.
std::optional<Window> read_window(const std::filesystem::path& path, long n,
                                  const TailOptions& options) {
  const ReadOnlyFile file{path};
  const std::optional<std::size_t> size = file.size();
  if (!size) return std::nullopt;
  const std::size_t max_bytes = options.max_bytes;
  if (n <= 0 && (max_bytes > 0 || options.from == TailFrom::last_start)) {
    n = std::numeric_limits<long>::max();
  }
  if (n <= 0) {
    std::string whole;
    if (!file.read_at(0, *size, whole) || whole.size() != *size) return std::nullopt;
    return Window{TailResult{normalise_newlines(whole), false}, 0, false};
  }

  WindowPicker picker(n, options);
  std::vector<std::string> chunks;  // read from the end backwards; together [pos, *size)
  std::deque<std::string> partial;  // [pos, start of the earliest whole line)
  bool partial_has_line_end = false;
  std::size_t pos = *size;
  char next = '\0';  // the byte at `pos`, '\0' at the end of the file
  while (pos > 0 && !picker.complete() && (max_bytes == 0 || *size - pos < max_bytes)) {
    std::size_t length = std::min(pos, k_tail_chunk_bytes);
    if (max_bytes > 0) length = std::min(length, max_bytes - (*size - pos));
    std::string chunk;
    // A short read means the file shrank under us (logs are append-only, so someone
    // truncated it); the bytes would not line up with what we have, so report a failed read.
    if (!file.read_at(pos - length, length, chunk) || chunk.size() != length) return std::nullopt;
    pos -= length;
    std::vector<std::size_t> ends;  // the last byte of each line end in `chunk`
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      const char following = i + 1 < chunk.size() ? chunk[i + 1] : next;
      if (chunk[i] == '\n' || (chunk[i] == '\r' && following != '\n')) ends.push_back(i);
    }
    next = chunk.front();
    if (ends.empty()) {
      partial.push_front(chunk);
    } else {
      // The line after the last line end runs to the start of the lines already taken.
      std::string line = chunk.substr(ends.back() + 1);
      for (const auto& part : partial) line += part;
      partial.clear();
      if (!line.empty()) picker.take(pos + ends.back() + 1, content_of(line));
      for (std::size_t k = ends.size() - 1; k > 0 && !picker.complete(); --k) {
        const std::size_t begin = ends[k - 1] + 1;
        picker.take(pos + begin,
                    content_of(std::string_view(chunk).substr(begin, ends[k] + 1 - begin)));
      }
      partial.push_front(chunk.substr(0, ends.front() + 1));
      partial_has_line_end = true;
    }
    chunks.push_back(std::move(chunk));
    if (pos == 0 && !picker.complete()) {
      std::string line;
      for (const auto& part : partial) line += part;
      if (!line.empty()) picker.take(0, content_of(line));
    }
  }

  std::string buffer;
  buffer.reserve(*size - pos);
  // (Not `chunks | std::views::reverse`: Clang 14 cannot compile libstdc++ 12's <ranges>.)
  std::for_each(chunks.rbegin(), chunks.rend(), [&](const std::string& c) { buffer += c; });
  if (!picker.taken()) {
    // The bound stopped the read inside one long line: the window itself, when it holds no
    // line end (else the cut line is all there is, and it is dropped).
    if (pos == 0) return Window{TailResult{normalise_newlines(buffer), false}, 0, false};
    return Window{TailResult{partial_has_line_end ? "" : normalise_newlines(buffer), true}, 0,
                  false};
  }
  const bool truncated = picker.start() > 0 && !picker.at_start();
  return Window{
      TailResult{normalise_newlines(std::string_view(buffer).substr(picker.start() - pos)),
                 truncated},
      picker.counted(), picker.at_start()};
}

}  // namespace

std::optional<TailResult> tail_lines(const std::filesystem::path& path, long n,
                                     std::size_t max_bytes) {
  return tail_lines(path, n, TailOptions{max_bytes});
}

std::optional<TailResult> tail_lines(const std::filesystem::path& path, long n,
                                     const TailOptions& options) {
  auto window = read_window(path, n, options);
  if (!window) return std::nullopt;
  return std::move(window->tail);
}

std::optional<TailResult> tail_log(const std::filesystem::path& path, long n,
                                   std::size_t max_bytes) {
  return tail_log(path, n, TailOptions{max_bytes});
}

std::optional<TailResult> tail_log(const std::filesystem::path& path, long n,
                                   const TailOptions& options) {
  const bool whole_run = options.from == TailFrom::last_start && n <= 0;
  std::optional<Window> current = read_window(path, n, options);
  const auto result = [&current]() -> std::optional<TailResult> {
    if (!current) return std::nullopt;
    return std::move(current->tail);
  };
  if (n <= 0 && !whole_run) return result();
  if (current && (current->tail.truncated || current->at_start)) return result();
  const std::size_t have_bytes = current ? current->tail.text.size() : 0;
  const std::size_t max_bytes = options.max_bytes;
  if (max_bytes > 0 && have_bytes >= max_bytes) return result();
  const long have = current ? current->counted : 0;
  if (!whole_run && have >= n) return result();
  TailOptions older_options = options;
  older_options.max_bytes = max_bytes > 0 ? max_bytes - have_bytes : 0;
  std::optional<Window> older =
      read_window(path.string() + ".1", whole_run ? n : n - have, older_options);
  if (!older || older->tail.text.empty()) return result();
  // Rotation happens at line ends, so the two texts join as they stood in one file.
  if (current) older->tail.text += current->tail.text;
  return std::move(older->tail);
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
