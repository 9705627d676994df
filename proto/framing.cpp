// SPDX-License-Identifier: MIT
// LineDecoder.
#include "proto/framing.hpp"

namespace bgo::proto {

std::optional<std::string> LineDecoder::next_line() {
  if (overflowed_) return std::nullopt;
  const size_t pos = buffer_.find('\n', scanned_);
  if (pos == std::string::npos) {
    scanned_ = buffer_.size();
    if (buffer_.size() > k_max_frame_bytes) {
      overflowed_ = true;
      buffer_.clear();
      buffer_.shrink_to_fit();
    }
    return std::nullopt;
  }
  if (pos > k_max_frame_bytes) {
    overflowed_ = true;
    buffer_.clear();
    return std::nullopt;
  }
  std::string line = buffer_.substr(0, pos);
  buffer_.erase(0, pos + 1);
  scanned_ = 0;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace bgo::proto
