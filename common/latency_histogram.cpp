// SPDX-License-Identifier: MIT
// LatencyHistogram.
#include "common/latency_histogram.hpp"

#include <algorithm>
#include <utility>

#include "common/errors.hpp"

namespace bgo {

LatencyHistogram::LatencyHistogram(std::vector<std::chrono::microseconds> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {
  BGO_ASSERT(std::adjacent_find(bounds_.begin(), bounds_.end(),
                                [](auto a, auto b) { return a >= b; }) == bounds_.end(),
             "histogram bounds must be strictly increasing");
}

void LatencyHistogram::observe(std::chrono::nanoseconds duration) {
  duration = std::max(duration, std::chrono::nanoseconds(0));
  // The first bound the duration does not exceed; past the last one it is the +Inf bucket.
  const auto at = std::lower_bound(bounds_.begin(), bounds_.end(), duration);
  ++counts_[static_cast<size_t>(at - bounds_.begin())];
  ++count_;
  sum_ += duration;
}

std::vector<uint64_t> LatencyHistogram::cumulative() const {
  std::vector<uint64_t> out(counts_.size());
  uint64_t running = 0;
  for (size_t i = 0; i < counts_.size(); ++i) out[i] = running += counts_[i];
  return out;
}

}  // namespace bgo
