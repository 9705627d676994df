// SPDX-License-Identifier: MIT
#include "daemon/core/health_monitor.hpp"

#include <chrono>

#include "common/duration.hpp"

namespace bgo::daemon {

namespace {

using std::chrono::milliseconds;

// A log check looks at lines; one longer than this is checked in pieces of this size.
constexpr size_t k_max_line = size_t{64} * 1024;

ProbeSpec probe_spec(const HealthCheck& check, const std::vector<std::string>& argv,
                     const std::vector<std::string>& env, const std::string& cwd,
                     milliseconds timeout) {
  ProbeSpec spec;
  spec.kind = check.kind == CheckKind::http   ? ProbeKind::http
              : check.kind == CheckKind::exec ? ProbeKind::exec
                                              : ProbeKind::tcp;
  spec.target = check.target;
  spec.argv = argv;
  spec.env = env;
  spec.cwd = cwd;
  spec.timeout = timeout;
  return spec;
}

bool is_probe(CheckKind kind) {
  return kind == CheckKind::http || kind == CheckKind::tcp || kind == CheckKind::exec;
}

}  // namespace

HealthMonitor::HealthMonitor(const ProcessPolicy& policy, HealthPorts ports,
                             HealthVerdicts verdicts)
    : policy_(policy),
      ports_(ports),
      verdicts_(std::move(verdicts)),
      deadline_(ports.timers.make_timer()),
      next_try_(ports.timers.make_timer()),
      watchdog_(ports.timers.make_timer()) {}

HealthMonitor::~HealthMonitor() = default;

void HealthMonitor::set_exec_context(std::vector<std::string> env, std::string cwd,
                                     std::vector<std::string> ready_argv,
                                     std::vector<std::string> live_argv) {
  env_ = std::move(env);
  cwd_ = std::move(cwd);
  ready_argv_ = std::move(ready_argv);
  live_argv_ = std::move(live_argv);
}

std::optional<std::string> HealthMonitor::health() const {
  if (!policy_.ready && !policy_.live && !policy_.watchdog_ms) return std::nullopt;
  if (ready_ && !*ready_) return std::string(done_ ? "unready" : "starting");
  if (live_ok_) return std::string(*live_ok_ ? "healthy" : "unhealthy");
  return std::string(policy_.live ? "healthy" : "ready");
}

void HealthMonitor::start() {
  if (!policy_.ready) return start_liveness();
  detail_.clear();
  start_readiness(ports_.clock.now() + milliseconds(policy_.ready->timeout_ms));
  if (is_probe(policy_.ready->kind)) attempt_ready();
}

void HealthMonitor::start_readiness(Clock::time_point deadline) {
  const HealthCheck& check = *policy_.ready;
  ready_ = false;
  if (check.kind == CheckKind::log) {
    try {
      log_re_.emplace(check.target, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      log_re_.reset();  // refused when the start was accepted; never here
    }
  }
  ready_deadline_ = deadline;
  deadline_->arm(deadline, [this] {
    if (ready_.value_or(true) || done_) return;
    in_flight_.reset();
    next_try_->cancel();
    done_ = true;
    const std::string why = "not ready after " +
                            format_duration(milliseconds(policy_.ready->timeout_ms)) +
                            (detail_.empty() ? "" : " (" + detail_ + ")");
    detail_ = why;
    if (verdicts_.unready) verdicts_.unready(why);
  });
}

// An adopted process was started by an earlier bgod: its NOTIFY_SOCKET names a socket that is
// gone, so a watchdog could only expire. Liveness probes work as for any process.
void HealthMonitor::start_adopted() {
  if (policy_.ready) ready_ = true;
  adopted_ = true;
  start_liveness();
}

std::optional<HealthCarry> HealthMonitor::carry() const {
  if (done_ || adopted_) return std::nullopt;
  HealthCarry c;
  c.ready = ready_.value_or(true);
  c.detail = detail_;
  c.live_failures = live_failures_;
  c.live_ok = live_ok_;
  const bool probing =
      !c.ready ? policy_.ready && is_probe(policy_.ready->kind) : policy_.live.has_value();
  // An attempt in flight is not carried: the next image tries again at once.
  if (probing) c.next_probe = in_flight_ ? ports_.clock.now() : next_try_at_;
  if (!c.ready) {
    c.ready_deadline = ready_deadline_;
  } else if (policy_.watchdog_ms) {
    c.watchdog_at = watchdog_at_;
  }
  return c;
}

void HealthMonitor::resume(const HealthCarry& carried) {
  const Clock::time_point now = ports_.clock.now();
  detail_ = carried.detail;
  if (policy_.ready && !carried.ready) {
    const HealthCheck& check = *policy_.ready;
    // A deadline passed during the upgrade fires at once: unready, as it would have been.
    start_readiness(carried.ready_deadline.value_or(now + milliseconds(check.timeout_ms)));
    if (is_probe(check.kind)) {
      arm_next_try(carried.next_probe.value_or(now), &HealthMonitor::attempt_ready);
    }
    return;
  }
  if (policy_.ready) ready_ = true;
  live_ok_ = carried.live_ok;
  if (policy_.watchdog_ms) {
    arm_watchdog(carried.watchdog_at.value_or(now + milliseconds(*policy_.watchdog_ms)));
  }
  if (!policy_.live) return;
  live_failures_ = carried.live_failures;
  arm_next_try(carried.next_probe.value_or(now + milliseconds(policy_.live->interval_ms)),
               &HealthMonitor::attempt_live);
}

void HealthMonitor::become_ready(const std::string& how) {
  if (ready_.value_or(true) || done_) return;
  ready_ = true;
  deadline_->cancel();
  next_try_->cancel();
  in_flight_.reset();
  log_re_.reset();
  partial_line_.clear();
  partial_line_.shrink_to_fit();
  if (!how.empty()) detail_ = how;
  if (verdicts_.ready) verdicts_.ready();
  start_liveness();
}

void HealthMonitor::attempt_ready() {
  if (ports_.probes == nullptr || done_) return;
  const HealthCheck& check = *policy_.ready;
  // One attempt may take at most the interval (at least 1 s) and never past the deadline.
  const milliseconds per_try(std::max<int64_t>(check.interval_ms, 1000));
  in_flight_ = ports_.probes->run(
      probe_spec(check, ready_argv_, env_, cwd_, per_try), [this](const ProbeResult& result) {
        in_flight_.reset();
        if (result.ok) return become_ready(result.detail);
        detail_ = result.detail;
        arm_next_try(ports_.clock.now() + milliseconds(policy_.ready->interval_ms),
                     &HealthMonitor::attempt_ready);
      });
}

void HealthMonitor::start_liveness() {
  if (policy_.watchdog_ms && !adopted_) {
    arm_watchdog(ports_.clock.now() + milliseconds(*policy_.watchdog_ms));
  }
  if (!policy_.live || done_) return;
  live_failures_ = 0;
  arm_next_try(ports_.clock.now() + milliseconds(policy_.live->interval_ms),
               &HealthMonitor::attempt_live);
}

void HealthMonitor::arm_next_try(Clock::time_point at, void (HealthMonitor::*attempt)()) {
  next_try_at_ = at;
  next_try_->arm(at, [this, attempt] { (this->*attempt)(); });
}

void HealthMonitor::attempt_live() {
  if (ports_.probes == nullptr || done_) return;
  const HealthCheck& check = *policy_.live;
  in_flight_ = ports_.probes->run(
      probe_spec(check, live_argv_, env_, cwd_, milliseconds(check.timeout_ms)),
      [this](const ProbeResult& result) {
        in_flight_.reset();
        live_ok_ = result.ok;
        if (result.ok) {
          live_failures_ = 0;
        } else {
          detail_ = result.detail;
          if (++live_failures_ >= policy_.live->failures) {
            done_ = true;
            const std::string why = "liveness failed " + std::to_string(live_failures_) +
                                    " times in a row (" + result.detail + ")";
            if (verdicts_.unhealthy) verdicts_.unhealthy(why);
            return;
          }
        }
        arm_next_try(ports_.clock.now() + milliseconds(policy_.live->interval_ms),
                     &HealthMonitor::attempt_live);
      });
}

void HealthMonitor::arm_watchdog(Clock::time_point at) {
  watchdog_at_ = at;
  watchdog_->arm(at, [this] {
    if (done_) return;
    done_ = true;
    live_ok_ = false;
    const std::string why =
        "no WATCHDOG=1 for " + format_duration(milliseconds(*policy_.watchdog_ms)) + " (watchdog)";
    detail_ = why;
    if (verdicts_.unhealthy) verdicts_.unhealthy(why);
  });
}

void HealthMonitor::on_output(std::string_view data) {
  if (!wants_output()) return;
  while (!data.empty() && wants_output()) {
    const auto nl = data.find('\n');
    const std::string_view piece = data.substr(0, nl);
    partial_line_.append(piece);
    if (nl == std::string_view::npos && partial_line_.size() < k_max_line) return;
    std::string line = std::move(partial_line_);
    partial_line_.clear();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (std::regex_search(line, *log_re_)) {
      if (line.size() > 200) line = line.substr(0, 200) + "…";
      return become_ready("log: " + line);
    }
    if (nl == std::string_view::npos) return;
    data.remove_prefix(nl + 1);
  }
}

void HealthMonitor::on_notify(const std::vector<std::pair<std::string, std::string>>& fields) {
  for (const auto& [key, value] : fields) {
    if (key == "STATUS") {
      detail_ = value;
    } else if (key == "READY" && value == "1" && policy_.ready &&
               policy_.ready->kind == CheckKind::notify) {
      become_ready("");
    } else if (key == "WATCHDOG" && value == "1" && policy_.watchdog_ms && !done_) {
      arm_watchdog(ports_.clock.now() + milliseconds(*policy_.watchdog_ms));
    }
  }
}

}  // namespace bgo::daemon
