// SPDX-License-Identifier: MIT
// LatencyHistogram: bucket edges, the +Inf bucket, cumulative counts and the sum.
#include "common/latency_histogram.hpp"

#include <gtest/gtest.h>

namespace bgo {
namespace {

using std::chrono::microseconds;
using std::chrono::nanoseconds;
using Counts = std::vector<uint64_t>;

LatencyHistogram three_buckets() {
  return LatencyHistogram({microseconds(100), microseconds(1000), microseconds(10000)});
}

TEST(LatencyHistogram, EmptyHasOneZeroPerBoundAndInf) {
  const LatencyHistogram h = three_buckets();
  EXPECT_EQ(h.cumulative(), (Counts{0, 0, 0, 0}));
  EXPECT_EQ(h.count(), 0U);
  EXPECT_EQ(h.sum(), nanoseconds(0));
}

TEST(LatencyHistogram, ABoundIsInclusiveAndOneNanosecondMoreIsNot) {
  LatencyHistogram h = three_buckets();
  h.observe(microseconds(100));
  EXPECT_EQ(h.cumulative(), (Counts{1, 1, 1, 1}));
  h.observe(microseconds(100) + nanoseconds(1));
  EXPECT_EQ(h.cumulative(), (Counts{1, 2, 2, 2}));
}

TEST(LatencyHistogram, PastTheLastBoundOnlyInfCounts) {
  LatencyHistogram h = three_buckets();
  h.observe(std::chrono::seconds(3));
  EXPECT_EQ(h.cumulative(), (Counts{0, 0, 0, 1}));
}

TEST(LatencyHistogram, CumulativeCountsAndSum) {
  LatencyHistogram h = three_buckets();
  for (auto d : {microseconds(5), microseconds(50), microseconds(500), microseconds(5000),
                 microseconds(50000)}) {
    h.observe(d);
  }
  EXPECT_EQ(h.cumulative(), (Counts{2, 3, 4, 5}));
  EXPECT_EQ(h.count(), 5U);
  EXPECT_EQ(h.sum(), microseconds(55555));
}

TEST(LatencyHistogram, ANegativeDurationCountsAsZero) {
  LatencyHistogram h = three_buckets();
  h.observe(nanoseconds(-50));
  EXPECT_EQ(h.cumulative(), (Counts{1, 1, 1, 1}));
  EXPECT_EQ(h.sum(), nanoseconds(0));
}

TEST(LatencyHistogramDeathTest, BoundsMustIncrease) {
  EXPECT_DEATH(LatencyHistogram({microseconds(10), microseconds(10)}), "strictly increasing");
}

}  // namespace
}  // namespace bgo
