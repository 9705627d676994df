// SPDX-License-Identifier: MIT
// LineDecoder.
#include "proto/framing.hpp"

#include <cstring>

namespace bgo::proto {

void LineDecoder::feed(std::string_view bytes) {
  if (overflowed_) return;
  // Compact before growing: the consumed prefix is dropped once, not once per line.
  if (head_ > 0 && (head_ == buffer_.size() || head_ >= buffer_.size() / 2)) {
    buffer_.erase(0, head_);
    scanned_ -= head_;
    head_ = 0;
  }
  buffer_.append(bytes);
}

void LineDecoder::poison() {
  overflowed_ = true;
  buffer_.clear();
  buffer_.shrink_to_fit();
  head_ = scanned_ = 0;
}

std::optional<std::string> LineDecoder::next_line() {
  if (overflowed_) return std::nullopt;
  const char* begin = buffer_.data() + head_;
  const size_t avail = buffer_.size() - head_;
  const size_t from = scanned_ - head_;
  const void* nl = from < avail ? std::memchr(begin + from, '\n', avail - from) : nullptr;
  if (nl == nullptr) {
    scanned_ = buffer_.size();
    if (avail > max_line_) poison();
    return std::nullopt;
  }
  const auto len = static_cast<size_t>(static_cast<const char*>(nl) - begin);
  if (len > max_line_) {
    poison();
    return std::nullopt;
  }
  std::string line(begin, len);
  head_ += len + 1;
  scanned_ = head_;
  if (head_ == buffer_.size()) {
    buffer_.clear();
    head_ = scanned_ = 0;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace bgo::proto
