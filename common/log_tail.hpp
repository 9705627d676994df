// SPDX-License-Identifier: MIT
// Bounded reads of the end of a log file: the last N lines, and the stderr tail.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace bgo {

// Size of the backwards reads done by `tail_lines` (spec Appendix B).
inline constexpr std::size_t k_tail_chunk_bytes = 8192;

// Default window of `stderr_tail` (spec §5.6).
inline constexpr std::size_t k_stderr_tail_bytes = 2048;

struct TailResult {
  std::string text;        // the last lines, `\n`-terminated except possibly the final one
  bool truncated = false;  // the file holds more lines than were asked for
};

// The last `n` lines of the file at `path` (spec §7.2 [L]); `n` <= 0 means the whole file.
// Reads backwards in `k_tail_chunk_bytes` chunks until more than `n` line ends are seen or the
// start is reached, so the cost depends on `n`, not on the file's size. `\r\n` and a lone `\r`
// both end a line and come out as `\n`; a final line without a line end is kept as is. Bytes
// are passed through undecoded. Blocking file I/O: for the client or small bounded reads only.
// Returns nullopt when the file cannot be opened or read (missing, a directory, no permission,
// or truncated while being read).
// `max_bytes` > 0 bounds the bytes read from the end (bgod answers from its loop, and a file
// of one endless line would otherwise be read whole): when it stops the read before `n` lines,
// the lines after the first line end in the window are returned (the window itself when it
// holds no line end) with `truncated` set. `n` <= 0 then means "as much as fits".
[[nodiscard]] std::optional<TailResult> tail_lines(const std::filesystem::path& path, long n,
                                                   std::size_t max_bytes = 0);

// `tail_lines` of a log that bgod rotates: when the file at `path` holds fewer than `n` lines
// (it was rotated a moment ago), the rest come from the end of `path.1`. Nullopt only when
// neither file can be read. `n` <= 0 reads the current file alone, as `tail_lines` does.
[[nodiscard]] std::optional<TailResult> tail_log(const std::filesystem::path& path, long n,
                                                 std::size_t max_bytes = 0);

// Whether the lines bgod writes itself count toward `n` (issue #13.7): its markers,
// `=== [time] [Starting] cmd ===`, `[watch restart]`, `[bgod] logging paused/resumed`, the
// original's `=== [time] Starting: cmd ===`, each with the empty line written before it.
// Uncounted, they are still returned when they fall between the lines that count.
enum class MarkerLines { counted, uncounted };

// Where a tail may begin (issue #13.9): anywhere, or no earlier than the last start marker
// (`[Starting]`, `[watch restart]`, the original's `Starting:`), i.e. the newest run.
enum class TailFrom { anywhere, last_start };

struct TailOptions {
  std::size_t max_bytes = 0;  // as in tail_lines; 0: no bound
  MarkerLines markers = MarkerLines::counted;
  TailFrom from = TailFrom::anywhere;
};

// tail_lines / tail_log with `options`. With `TailFrom::last_start`, the text begins at the
// last start marker line (the empty line before it left out), or later when `n` lines come
// first; `n` <= 0 then means the whole run (or what `max_bytes` allows), looked for in
// `path.1` too when `path` holds no start marker, and `truncated` says the run holds more
// than was returned. Marker lines are recognised by their shape alone, so a program that
// prints such a line is taken for bgod.
[[nodiscard]] std::optional<TailResult> tail_lines(const std::filesystem::path& path, long n,
                                                   const TailOptions& options);
[[nodiscard]] std::optional<TailResult> tail_log(const std::filesystem::path& path, long n,
                                                 const TailOptions& options);

// The stderr tail stored as `watch.last_stderr_tail` (spec §5.6): the last `window` bytes of
// the file at `path`; if the file is longer than `window` and that chunk holds a newline,
// everything up to and including the first newline is dropped (a partial line); ill-formed
// UTF-8 becomes U+FFFD; leading and trailing ASCII whitespace is stripped. A missing or
// unreadable file yields an empty string. Blocking file I/O of at most `window` bytes.
[[nodiscard]] std::string stderr_tail(const std::filesystem::path& path,
                                      std::size_t window = k_stderr_tail_bytes);

}  // namespace bgo
