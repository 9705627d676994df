// SPDX-License-Identifier: MIT
// The disk space logs may not take: output is dropped once only `reserve` bytes are left free,
// so state files can still be written on a nearly full disk.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace bgo::daemon {

// Decides how much output may be written. Pure bookkeeping around a free-space probe: it never
// reads a clock itself and asks `free_bytes` (fstatvfs) only when output arrives and either a
// second has passed since the last probe or the full budget it granted (1 MiB) is spent; near
// the reserve it grants only what is left above it and then waits for the next second. So the
// probe runs at most once per MiB written or once per second of output, never on a timer.
class LogReserve {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // Free bytes available to bgod on the logs' file system; nullopt when unknown.
  using FreeFn = std::function<std::optional<uint64_t>()>;
  static constexpr uint64_t k_check_bytes = uint64_t{1024} * 1024;
  static constexpr std::chrono::seconds k_check_interval{1};

  // `reserve` 0 turns the reserve off (everything is admitted, nothing is probed).
  explicit LogReserve(uint64_t reserve = 0) : reserve_(reserve) {}
  void set_reserve(uint64_t reserve) { reserve_ = reserve; }
  uint64_t reserve() const { return reserve_; }

  // How many bytes of output (of which `want` > 0 are waiting) may be written now; 0 means
  // "drop them". Call consume() with what was actually written.
  uint64_t admit(uint64_t want, TimePoint now, const FreeFn& free_bytes);
  void consume(uint64_t written) { budget_ -= written < budget_ ? written : budget_; }

 private:
  uint64_t reserve_;
  uint64_t budget_ = 0;      // bytes that may still be written before the next probe
  bool full_grant_ = false;  // the last probe granted k_check_bytes (not near the reserve)
  std::optional<TimePoint> last_check_;
};

}  // namespace bgo::daemon
