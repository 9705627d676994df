// SPDX-License-Identifier: MIT
// One supervised process as the supervisor tracks it in memory.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "common/clock.hpp"
#include "common/exit_status.hpp"
#include "common/process_record.hpp"
#include "daemon/core/ports.hpp"
#include "daemon/core/watch_policy.hpp"

namespace bgo::daemon {

// stopped -> running -> (stopping) -> exiting -> stopped | backoff -> running ...
enum class Phase {
  stopped,   // no process; the record says why
  running,   // pid valid (spawned or adopted), not yet exited
  stopping,  // a stop was requested; SIGTERM sent, SIGKILL armed
  exiting,   // reaped; waiting for its output pipes to reach end-of-file
  backoff,   // watched, crashed, restart timer armed
};
std::string_view to_string(Phase phase);

struct Child {
  ProcessRecord record;
  Phase phase = Phase::stopped;
  pid_t pid = 0;  // valid while phase is running, stopping or exiting
  bool adopted = false;
  int outputs_open = 0;
  Clock::time_point spawned_at{};
  Clock::time_point exited_at{};             // when it was reaped: where its uptime ends
  std::chrono::milliseconds last_uptime{0};  // how long the last run lasted (watcher log)
  std::optional<ExitStatus> exit;
  std::string stop_reason;             // set when bgod itself asked the process to stop
  std::unique_ptr<Timer> timer;        // kill escalation, output drain or restart backoff
  std::unique_ptr<Timer> probe_timer;  // the start probe
  std::function<void(Result<pid_t>)> probe_done;
  std::vector<std::function<void()>> stop_waiters;
  WatchTracker tracker;

  bool online() const { return phase == Phase::running || phase == Phase::stopping; }
};

}  // namespace bgo::daemon
