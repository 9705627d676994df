// SPDX-License-Identifier: MIT
// A Clock that moves only when a test (or FakeTimers::fire_next) tells it to.
#pragma once

#include <chrono>

#include "common/clock.hpp"

namespace bgo::test {

class FakeClock final : public Clock {
 public:
  // Starts at an arbitrary, fixed point so that nothing depends on the real time.
  FakeClock() : now_(std::chrono::hours(1000)) {}

  time_point now() const override { return now_; }
  // Wall time moves with the monotonic time, from 2025-03-01T10:15:42Z.
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1740824142)) +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(now_ - start_);
  }

  void advance(std::chrono::nanoseconds d) { now_ += d; }
  // Moves to `t`; never backwards.
  void advance_to(time_point t) {
    if (t > now_) now_ = t;
  }
  // Time elapsed since construction.
  std::chrono::nanoseconds elapsed() const { return now_ - start_; }

 private:
  time_point now_;
  time_point start_ = now_;
};

}  // namespace bgo::test
