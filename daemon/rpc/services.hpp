// SPDX-License-Identifier: MIT
// What the RPC handlers may use; wired by daemon.cpp.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/clock.hpp"
#include "common/paths.hpp"
#include "common/process_record.hpp"
#include "daemon/core/ports.hpp"

namespace bgo::daemon {

class Supervisor;
class LogReadPort;
class Dispatcher;
class EventHub;

// How children are held together, for daemon.status (docs/health.md, "Containment").
struct ContainmentStatus {
  Containment mode = Containment::process_group;
  std::string cgroup;              // cgroup mode: the folder holding the children's cgroups
  bool memory_controller = false;  // cgroup mode: --max-memory is possible
  std::string reason;              // process-group mode: why there are no cgroups
};

// Live upgrade (daemon.upgrade, docs/protocol.md): the binary that will take over once the
// requests in flight are answered, and what daemon.status reports about upgrades.
struct UpgradeStarted {
  std::string path;
  std::string version;  // the new binary's, from its --handover-check answer
};
using UpgradeDone = std::function<void(Result<UpgradeStarted>)>;
struct UpgradeStatus {
  uint64_t upgrades = 0;   // live upgrades since bgod started
  std::string exe;         // what an upgrade without a path runs
  std::string last_error;  // why the last upgrade failed, if it did
};

struct Services {
  Supervisor& supervisor;
  EventHub& events;
  LogReadPort& log_files;
  Clock& clock;
  Paths paths;
  std::function<void(std::string_view name)> flush_logs;
  std::function<void(bool keep_children)> shutdown;
  Clock::time_point started_at;
  std::chrono::milliseconds stop_timeout;
  LogOptions default_logs;  // what `start` builds on when it is given some log options
  ContainmentStatus containment;
  const StoreStats& store_stats;  // the state store's, for the metrics
  std::string metrics_url;        // --metrics-listen's page; empty when off
  // Starts a live upgrade to `path` (empty: UpgradeStatus::exe); `done` before the exec.
  std::function<void(std::string path, UpgradeDone done)> upgrade;
  std::function<UpgradeStatus()> upgrade_status;
};

// Fills the method table (docs/protocol.md lists every method).
void register_handlers(Dispatcher& dispatcher, Services& services);

}  // namespace bgo::daemon
