// SPDX-License-Identifier: MIT
// The composition root: lock, loop, wiring, ordered shutdown.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/process_record.hpp"
#include "daemon/os/metrics_http.hpp"

namespace bgo::daemon {

struct DaemonConfig {
  std::chrono::milliseconds stop_timeout{5000};
  LogOptions default_logs;
  uint64_t log_reserve = 8ull * 1024 * 1024;    // free bytes logs leave on disk (0 = none)
  std::optional<MetricsListen> metrics_listen;  // --metrics-listen: serve /metrics over HTTP
  std::vector<std::string> args;   // the command line without argv[0] and --handover, for upgrades
  int handover_fd = -1;            // --handover FD: started by a live upgrade (daemon/upgrade.hpp)
  bool handover_returned = false;  // --handover-returned: exec'd back by an image that refused
};

// Runs bgod until it is told to stop. Returns the process exit code: 1 without starting when
// another bgod holds the home or the metrics address cannot be bound. Throws only before the
// loop runs (bad home, bind failure).
int run_daemon(const DaemonConfig& config);

}  // namespace bgo::daemon
