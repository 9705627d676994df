// SPDX-License-Identifier: MIT
// History and sparkline.
#include "client/monit/history.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string_view>

namespace bgo::client::monit {

namespace {

constexpr std::array<std::string_view, 8> k_blocks = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
constexpr std::string_view k_ascii = "_.:-=+*#";  // one level each, as the blocks

}  // namespace

void History::add(std::optional<double> sample) {
  const double value = sample.value_or(std::numeric_limits<double>::quiet_NaN());
  if (size_ < k_capacity) {
    values_[(start_ + size_) % k_capacity] = value;
    ++size_;
    return;
  }
  values_[start_] = value;
  start_ = (start_ + 1) % k_capacity;
}

double History::max() const {
  double out = 0.0;
  for (std::size_t i = 0; i < size_; ++i) {
    if (!std::isnan(at(i))) out = std::max(out, at(i));
  }
  return out;
}

std::string sparkline(const History& history, std::size_t width, double floor, Glyphs glyphs,
                      Baseline baseline) {
  std::string out;
  out.reserve(width * 3);
  const std::size_t shown = std::min(width, history.size());
  out.append(width - shown, ' ');
  const std::size_t first = history.size() - shown;
  double low = 0.0, high = 0.0;
  bool any = false;
  for (std::size_t i = first; i < history.size(); ++i) {
    if (std::isnan(history.at(i))) continue;
    const double value = std::max(history.at(i), 0.0);
    low = any ? std::min(low, value) : value;
    high = std::max(high, value);
    any = true;
  }
  if (baseline == Baseline::zero) low = 0.0;
  const double span = std::max(high - low, floor);
  const std::size_t top = k_blocks.size() - 1;
  for (std::size_t i = first; i < history.size(); ++i) {
    if (std::isnan(history.at(i))) {
      out += ' ';
      continue;
    }
    const double value = std::max(history.at(i), 0.0);
    auto level = static_cast<std::size_t>(
        span > 0.0 ? std::lround((value - low) / span * static_cast<double>(top)) : 0);
    // Against zero, a little activity is told apart from none.
    if (baseline == Baseline::zero && value > 0.0 && level == 0) level = 1;
    level = std::min(level, top);
    if (glyphs == Glyphs::unicode) {
      out += k_blocks[level];
    } else {
      out += k_ascii[level];
    }
  }
  return out;
}

}  // namespace bgo::client::monit
