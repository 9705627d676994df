// SPDX-License-Identifier: MIT
// What a live upgrade carries from one bgod image to the next that no state file holds.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace bgo::daemon {

// The health checks of one run (HealthMonitor) where they stand, so that the next image checks
// the process exactly as this one would have. Times are the clock's (steady_clock: in bgod
// CLOCK_MONOTONIC, which the next image of the same process reads the same).
struct HealthCarry {
  bool ready = true;  // false: a readiness check has not passed yet (health `starting`)
  std::optional<Clock::time_point> ready_deadline;  // while not ready: when it becomes unready
  std::optional<Clock::time_point> next_probe;      // the next probe attempt, readiness or liveness
  std::optional<Clock::time_point> watchdog_at;     // an armed watchdog: when it expires
  int64_t live_failures = 0;                        // liveness failures in a row
  std::optional<bool> live_ok;                      // the last liveness attempt's verdict
  std::string detail;                               // STATUS= text or the last check's detail
};

// A child's watch and health state, carried to the next image (Supervisor::watch_carry).
struct WatchCarry {
  std::string name;
  int streak = 0;                               // fast crashes in a row
  std::optional<Clock::time_point> restart_at;  // in backoff: when it restarts
  std::chrono::milliseconds last_uptime{0};     // of its last run (watcher log)
  // Restarts within the throttle's window (RestartThrottle::recent), in ms of the clock's
  // epoch: a crash loop is held back in the next image as it would have been in this one.
  std::vector<std::chrono::milliseconds> recent_restarts;
  // A running child's health checks; nullopt: none, or the next image treats it as adopted.
  std::optional<HealthCarry> health;
};

}  // namespace bgo::daemon
