// SPDX-License-Identifier: MIT
// The log pane's lines: one process's output as it arrives, bounded in lines, in bytes per line
// and in lines per frame, so that a process writing 100 MB/s cannot freeze the screen.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace bgo::client::monit {

enum class Stream { out, err, watcher };

// "stdout", "stderr", "watcher" (the protocol's names); nullopt for anything else.
std::optional<Stream> parse_stream(std::string_view text);

struct LogLine {
  Stream stream = Stream::out;
  std::string text;  // printable(): no control characters, no escape sequences
  // When it arrived; none for lines read from the log file before following.
  std::optional<std::chrono::system_clock::time_point> time;
  bool marker = false;      // bgod's `=== [time] [Starting] … ===` line
  std::size_t skipped = 0;  // > 0: not a line but "N lines skipped" in place of that many
};

class LogBuffer {
 public:
  struct Limits {
    std::size_t capacity = 5000;    // entries kept; the oldest go
    std::size_t burst = 2000;       // lines kept between two frames; more become a marker
    std::size_t line_bytes = 2048;  // a longer line is cut (the pane has no horizontal scroll)
  };

  LogBuffer() : LogBuffer(Limits{}) {}
  explicit LogBuffer(Limits limits);

  void clear();
  // The tail of a log read before following: its lines (a last one without '\n' included),
  // with no arrival time.
  void add_history(Stream stream, std::string_view text);
  // A chunk of a `log` notification, not aligned to lines: adds the lines it completes and
  // holds its unfinished end until the rest arrives (at most 2 x `line_bytes` of it: the
  // rest of an over-long line is never shown, and dropped as it comes).
  void add_chunk(Stream stream, std::string_view data, std::chrono::system_clock::time_point now);
  // Ends the current window of lines (called once per frame): the window's first `burst`
  // lines were added as they came; past that only its newest `burst / 2` were kept, and a
  // marker "N lines skipped" stands for the ones between, added here before them.
  void end_window();

  std::size_t size() const { return lines_.size(); }
  // The `i`-th entry, oldest first. Precondition: `i < size()`.
  const LogLine& operator[](std::size_t i) const { return lines_[i]; }
  // Entries added since clear(), markers included (evicted ones too): lets a reader who is
  // scrolled back keep its place while lines arrive.
  std::uint64_t added() const { return added_; }
  // Lines counted into markers since clear().
  std::uint64_t skipped() const { return skipped_; }

 private:
  void add_line(Stream stream, std::string_view raw,
                std::optional<std::chrono::system_clock::time_point> time);
  // printable(), markers shown once, then push().
  void append(Stream stream, std::string_view raw,
              std::optional<std::chrono::system_clock::time_point> time);
  void push(LogLine line);

  struct Pending {
    Stream stream;
    std::string raw;
    std::optional<std::chrono::system_clock::time_point> time;
  };

  Limits limits_;
  std::deque<LogLine> lines_;
  std::array<std::string, 3> held_;  // each stream's unfinished line
  std::deque<std::string> markers_;  // bgod writes each start marker to stdout and stderr
  std::size_t window_lines_ = 0;     // lines of this window added directly
  std::deque<Pending> window_tail_;  // past `burst`: the window's newest lines, raw
  std::size_t window_skipped_ = 0;
  std::uint64_t added_ = 0;
  std::uint64_t skipped_ = 0;
};

// One line made fit for one row of a terminal: escape sequences (colours, cursor moves, titles)
// removed; after a '\r' only what follows it (what a terminal shows of a progress line); tabs
// to spaces (8 columns); other control characters dropped; cut to at most `max_bytes`, on a
// character boundary.
std::string printable(std::string_view line, std::size_t max_bytes);

}  // namespace bgo::client::monit
