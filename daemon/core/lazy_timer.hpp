// SPDX-License-Identifier: MIT
// A timer that exists only while it is armed: an idle process holds none.
#pragma once

#include <functional>
#include <memory>

#include "common/clock.hpp"
#include "daemon/core/ports.hpp"

namespace bgo::daemon {

// Each process needs up to four timers (stop escalation and backoff, start probe, group bound,
// schedule) but most of its life none is armed; an Asio timer costs about 90 bytes, so holding
// them all made a tenth of bgod's memory per process (issue #18). LazyTimer makes its Timer on
// arm() and drops it on cancel() or once it has fired (before calling `fn`, which may arm it
// again). Loop thread only; not movable (the armed callback refers to it).
class LazyTimer {
 public:
  explicit LazyTimer(TimerFactory& factory) : factory_(factory) {}
  LazyTimer(const LazyTimer&) = delete;
  LazyTimer& operator=(const LazyTimer&) = delete;

  // Replaces any earlier arming.
  void arm(Clock::time_point deadline, std::function<void()> fn);
  void cancel() { timer_.reset(); }
  bool armed() const { return timer_ != nullptr; }

 private:
  TimerFactory& factory_;
  std::unique_ptr<Timer> timer_;
};

}  // namespace bgo::daemon
