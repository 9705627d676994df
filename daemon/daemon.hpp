// SPDX-License-Identifier: MIT
// The composition root: lock, loop, wiring, ordered shutdown.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/process_record.hpp"

namespace bgo::daemon {

struct DaemonConfig {
  std::chrono::milliseconds stop_timeout{5000};
  LogOptions default_logs;
  uint64_t log_reserve = 8ull * 1024 * 1024;  // free bytes logs leave on disk (0 = none)
};

// Runs bgod until it is told to stop. Returns the process exit code. Throws only before the
// loop runs (bad home, bind failure).
int run_daemon(const DaemonConfig& config);

}  // namespace bgo::daemon
