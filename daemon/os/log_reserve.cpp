// SPDX-License-Identifier: MIT
// LogReserve.
#include "daemon/os/log_reserve.hpp"

#include <algorithm>

namespace bgo::daemon {

uint64_t LogReserve::admit(uint64_t want, TimePoint now, const FreeFn& free_bytes) {
  if (reserve_ == 0) return want;
  const bool due =
      !last_check_ || now - *last_check_ >= k_check_interval || (budget_ < want && full_grant_);
  if (due) {
    last_check_ = now;
    const std::optional<uint64_t> free = free_bytes ? free_bytes() : std::nullopt;
    if (!free) {
      // Unknown (fstatvfs failed): not a reason to lose output.
      budget_ = k_check_bytes;
      full_grant_ = true;
    } else if (*free <= reserve_) {
      budget_ = 0;
      full_grant_ = false;
    } else {
      budget_ = std::min(k_check_bytes, *free - reserve_);
      full_grant_ = budget_ == k_check_bytes;
    }
  }
  return std::min(want, budget_);
}

}  // namespace bgo::daemon
