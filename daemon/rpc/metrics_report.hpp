// SPDX-License-Identifier: MIT
// The metrics page (docs/metrics.md): every process and bgod itself in the OpenMetrics text
// format, for the `metrics` method and the --metrics-listen HTTP endpoint.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/core/ports.hpp"
#include "daemon/core/supervisor.hpp"

namespace bgo::daemon {

struct Services;

// bgod's own figures at the moment of the report.
struct DaemonFigures {
  std::chrono::duration<double> uptime{0};
  uint64_t processes = 0;    // registered, running or not
  uint64_t connections = 0;  // open control-socket connections
  uint64_t events_sent = 0;  // `event` notifications queued to subscribers
};

// The exposition (ending in "# EOF\n") for `processes`, in the given order, and `daemon`.
// Pure: reads nothing but its arguments. Per process, labelled `name` (and `project` when the
// record has one): up, ready (only with a readiness check), restarts, last exit code or
// signal (when the last run ended so), and while it runs its pid, CPU seconds, resident bytes
// and start time (from `started_at`).
std::string render_metrics(const std::vector<Snapshot>& processes, const DaemonFigures& daemon,
                           const StoreStats& store);

// render_metrics() of bgod's live state: the supervisor's snapshots (reading /proc for the
// running ones, as `list` does), the event hub, the store's stats and the clock.
std::string metrics_text(const Services& services);

}  // namespace bgo::daemon
