// SPDX-License-Identifier: MIT
// The readiness and liveness checks of one run of a process (docs/health.md): probes on a
// timer, the log line, notify messages, the watchdog. It only observes and reports; the Child
// decides what a verdict means.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/process_policy.hpp"
#include "daemon/core/carry.hpp"
#include "daemon/core/ports.hpp"

namespace bgo::daemon {

struct HealthVerdicts {
  std::function<void()> ready;                        // the readiness check passed
  std::function<void(const std::string&)> unready;    // it timed out: why
  std::function<void(const std::string&)> unhealthy;  // liveness failed N times / watchdog
};

// What a monitor needs; `probes` may be null (a unit test without probes, or a check that
// needs none).
struct HealthPorts {
  ProbePort* probes = nullptr;
  TimerFactory& timers;
  Clock& clock;
};

class HealthMonitor {
 public:
  // `exec_argv`/`env`/`cwd` serve exec checks: argv[0] resolved by the caller.
  HealthMonitor(const ProcessPolicy& policy, HealthPorts ports, HealthVerdicts verdicts);
  ~HealthMonitor();
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  // Where exec checks run: the process's environment and folder, each check's argv resolved.
  void set_exec_context(std::vector<std::string> env, std::string cwd,
                        std::vector<std::string> ready_argv, std::vector<std::string> live_argv);

  // The process was just spawned: readiness starts (deadline and first attempt), or liveness
  // when there is no readiness check.
  void start();
  // The process was adopted from an earlier bgod: it is taken as ready; liveness starts.
  void start_adopted();
  // Live upgrade: where the checks stand, for the next image (nullopt once a verdict ended the
  // run, or for an adopted process, which the next image adopts again).
  std::optional<HealthCarry> carry() const;
  // In the next image, instead of start(): goes on from `carried`. Not ready yet: `starting`
  // until a READY=1, a probe or the log line, `unready` at the carried deadline. Ready:
  // liveness and the watchdog go on (the watchdog to its carried deadline, the failures
  // counted so far kept).
  void resume(const HealthCarry& carried);

  // Output of the process, for a log check (only while wants_output()).
  bool wants_output() const { return log_re_.has_value() && !ready_.value_or(true); }
  void on_output(std::string_view data);
  // A datagram on its notify socket, as KEY=VALUE pairs.
  void on_notify(const std::vector<std::pair<std::string, std::string>>& fields);

  std::optional<bool> ready() const { return ready_; }
  // starting, ready, unready, healthy, unhealthy; nullopt without any check.
  std::optional<std::string> health() const;
  const std::string& detail() const { return detail_; }

 private:
  void start_readiness(Clock::time_point deadline);
  void become_ready(const std::string& how);
  void attempt_ready();
  void start_liveness();
  void attempt_live();
  void arm_next_try(Clock::time_point at, void (HealthMonitor::*attempt)());
  void arm_watchdog(Clock::time_point at);

  const ProcessPolicy& policy_;
  HealthPorts ports_;
  HealthVerdicts verdicts_;
  std::vector<std::string> env_;
  std::string cwd_;
  std::vector<std::string> ready_argv_;
  std::vector<std::string> live_argv_;
  std::optional<bool> ready_;
  std::optional<bool> live_ok_;  // the last liveness attempt's verdict
  int64_t live_failures_ = 0;
  std::string detail_;
  std::optional<std::regex> log_re_;
  std::string partial_line_;         // a log check's unfinished line, bounded
  std::unique_ptr<Timer> deadline_;  // readiness timeout
  std::unique_ptr<Timer> next_try_;  // next probe attempt (readiness, then liveness)
  std::unique_ptr<Timer> watchdog_;  // WATCHDOG=1 deadline
  // The timers' deadlines, for carry(): each valid while its timer is armed.
  Clock::time_point ready_deadline_{};
  Clock::time_point next_try_at_{};
  Clock::time_point watchdog_at_{};
  std::unique_ptr<ProbeRun> in_flight_;
  bool done_ = false;     // a verdict that ends the run was given: report nothing more
  bool adopted_ = false;  // started by an earlier bgod: no watchdog (its socket is gone)
};

}  // namespace bgo::daemon
