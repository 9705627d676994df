// SPDX-License-Identifier: MIT
// LazyTimer: make on arm, drop on cancel or fire.
#include "daemon/core/lazy_timer.hpp"

#include <utility>

namespace bgo::daemon {

void LazyTimer::arm(Clock::time_point deadline, std::function<void()> fn) {
  if (!timer_) timer_ = factory_.make_timer();
  timer_->arm(deadline, [this, fn = std::move(fn)] {
    // The Timer is done: free it before `fn` runs, so an arming inside `fn` makes a new one.
    // Destroying a Timer from its own callback is allowed (ports.hpp, Timer).
    std::unique_ptr<Timer> fired = std::move(timer_);
    fn();
  });
}

}  // namespace bgo::daemon
