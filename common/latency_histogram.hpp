// SPDX-License-Identifier: MIT
// How long something took, counted in buckets with fixed upper bounds (a Prometheus histogram).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace bgo {

// Counts observed durations into buckets, each holding those up to its upper bound; the last,
// implied bucket (+Inf) holds them all. Pure bookkeeping: the caller measures, with its clock.
class LatencyHistogram {
 public:
  // `bounds`: the buckets' upper bounds, strictly increasing (BGO_ASSERT).
  explicit LatencyHistogram(std::vector<std::chrono::microseconds> bounds);

  // Counts one duration; a negative one (a clock that went back) counts as 0.
  void observe(std::chrono::nanoseconds duration);

  const std::vector<std::chrono::microseconds>& bounds() const { return bounds_; }
  // Cumulative counts, one per bound and a last one for +Inf: [i] is the number of
  // observations <= bounds()[i]; back() == count().
  std::vector<uint64_t> cumulative() const;
  uint64_t count() const { return count_; }
  std::chrono::nanoseconds sum() const { return sum_; }

 private:
  std::vector<std::chrono::microseconds> bounds_;
  std::vector<uint64_t> counts_;  // per bucket, not cumulative; one more than bounds_
  uint64_t count_ = 0;
  std::chrono::nanoseconds sum_{0};
};

}  // namespace bgo
