// SPDX-License-Identifier: MIT
// Newline-delimited framing: one JSON text per line, at most k_max_frame_bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bgo::proto {

inline constexpr size_t k_max_frame_bytes = 1024 * 1024;

// Accumulates bytes and yields complete lines (without the '\n'; a trailing '\r' is dropped).
// Once a line exceeds the cap the decoder is poisoned: overflowed() stays true and no more
// lines are produced, because the stream can no longer be re-synchronised safely.
class LineDecoder {
 public:
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  std::optional<std::string> next_line();
  bool overflowed() const { return overflowed_; }

 private:
  std::string buffer_;
  size_t scanned_ = 0;  // bytes of buffer_ already known to hold no '\n'
  bool overflowed_ = false;
};

}  // namespace bgo::proto
