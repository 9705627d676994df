// SPDX-License-Identifier: MIT
// Health and order settings of one process (docs/health.md): readiness and liveness checks,
// dependencies, restart and stop policies, schedule, memory limit. All optional: a record
// without them behaves as before, and its state file has none of these keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgo {

enum class CheckKind { notify, log, http, tcp, exec };
std::string_view to_string(CheckKind kind);
std::optional<CheckKind> parse_check_kind(std::string_view text);

struct HealthCheck {
  CheckKind kind = CheckKind::tcp;
  std::string target;  // regex (log), URL (http), HOST:PORT (tcp), command text (exec)
  std::vector<std::string> command;  // exec: `target` split into words
  int64_t interval_ms = 1000;        // between attempts (http, tcp, exec)
  int64_t timeout_ms = 60000;        // readiness: the deadline; liveness: one attempt
  int64_t failures = 3;              // liveness: failures in a row that restart it
};

enum class DependencyCondition { started, ready, completed, succeeded };
std::string_view to_string(DependencyCondition condition);
std::optional<DependencyCondition> parse_dependency_condition(std::string_view text);

struct Dependency {
  std::string name;
  DependencyCondition condition = DependencyCondition::ready;
};

enum class RestartPolicy { always, on_failure, never };
std::string_view to_string(RestartPolicy policy);
std::optional<RestartPolicy> parse_restart_policy(std::string_view text);

enum class KillMode { tree, group };
std::string_view to_string(KillMode mode);
std::optional<KillMode> parse_kill_mode(std::string_view text);

struct ProcessPolicy {
  std::optional<HealthCheck> ready;
  std::optional<int64_t> watchdog_ms;  // with a notify check: WATCHDOG=1 at least this often
  std::optional<HealthCheck> live;
  std::vector<Dependency> after;
  std::optional<RestartPolicy> restart;
  std::optional<std::vector<int64_t>> success_codes;  // default {0}
  std::optional<int> stop_signal;                     // default SIGTERM
  std::optional<int64_t> stop_timeout_ms;             // default bgod's grace period
  std::optional<KillMode> kill_mode;                  // default tree
  std::optional<std::string> cron;
  std::optional<uint64_t> max_memory;

  bool empty() const {
    return !ready && !watchdog_ms && !live && after.empty() && !restart && !success_codes &&
           !stop_signal && !stop_timeout_ms && !kill_mode && !cron && !max_memory;
  }
  bool is_success(int64_t code) const;
};

// What bgod knows at run time about a process's health (the rows of `list` and `get`).
struct HealthView {
  bool waiting = false;                  // a start waits for its dependencies
  std::vector<std::string> waiting_for;  // "db (ready)" per unmet dependency
  std::optional<bool> ready;             // null without a readiness check
  std::optional<std::string> health;     // starting, ready, unready, healthy, unhealthy, waiting
  std::optional<std::string> detail;     // the last probe's detail or the STATUS= text
};

}  // namespace bgo
