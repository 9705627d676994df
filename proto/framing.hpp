// SPDX-License-Identifier: MIT
// Newline-delimited framing: one JSON text per line, at most k_max_frame_bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bgo::proto {

// The longest request line bgod accepts, not counting its '\n'.
inline constexpr size_t k_max_frame_bytes = size_t{1024} * 1024;
// Lines from bgod have no protocol limit (a `list` of thousands of processes is megabytes);
// a client caps them only to survive a broken peer.
inline constexpr size_t k_max_reply_bytes = size_t{1} << 30;

// Accumulates bytes and yields complete lines (without the '\n'; a trailing '\r' is dropped).
// A line longer than `max_line` bytes poisons the decoder: overflowed() stays true and no
// more lines are produced, because the stream can no longer be re-synchronised safely. It is
// detected as soon as `max_line` + 1 bytes without a '\n' are buffered, so memory stays
// bounded by one read plus `max_line`. Lines before the oversized one are still produced.
// Each byte is scanned once and consumed lines are dropped lazily, so cost is linear in the
// input however it is split into feed() calls.
class LineDecoder {
 public:
  explicit LineDecoder(size_t max_line = k_max_frame_bytes) : max_line_(max_line) {}
  void feed(std::string_view bytes);
  std::optional<std::string> next_line();
  bool overflowed() const { return overflowed_; }
  // Bytes held that are not yet part of a returned line.
  size_t buffered() const { return buffer_.size() - head_; }

 private:
  void poison();

  size_t max_line_;
  std::string buffer_;
  size_t head_ = 0;     // start of the current (incomplete) line in buffer_
  size_t scanned_ = 0;  // bytes of buffer_ from head_ on already known to hold no '\n'
  bool overflowed_ = false;
};

}  // namespace bgo::proto
