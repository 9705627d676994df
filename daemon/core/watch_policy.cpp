// SPDX-License-Identifier: MIT
// The original bgo's watch-mode restart decision, as a pure function of (history, exit).
#include "daemon/core/watch_policy.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

namespace bgo::daemon {
namespace {

constexpr int k_step_count = static_cast<int>(k_backoff_steps.size());

WatchDecision restart_after(std::chrono::seconds delay, std::vector<std::string> log_lines) {
  WatchDecision decision;
  decision.kind = WatchDecision::Kind::restart;
  decision.fast_crash = true;
  decision.delay = delay;
  decision.log_lines = std::move(log_lines);
  return decision;
}

WatchDecision errored(std::string reason, std::vector<std::string> log_lines) {
  WatchDecision decision;
  decision.kind = WatchDecision::Kind::errored;
  decision.fast_crash = true;
  decision.reason = std::move(reason);
  decision.log_lines = std::move(log_lines);
  return decision;
}

std::string seconds_text(std::chrono::seconds s) { return std::to_string(s.count()) + "s"; }

}  // namespace

std::string_view to_string(FastCrashMode mode) {
  switch (mode) {
    case FastCrashMode::backoff:
      return "backoff";
    case FastCrashMode::stop:
      return "stop";
    case FastCrashMode::retry:
      return "retry";
  }
  return "backoff";  // unreachable: every enumerator is handled above
}

std::optional<FastCrashMode> parse_fast_crash_mode(std::string_view text) {
  for (const FastCrashMode mode :
       {FastCrashMode::backoff, FastCrashMode::stop, FastCrashMode::retry}) {
    if (text == to_string(mode)) return mode;
  }
  return std::nullopt;
}

std::string format_uptime(std::chrono::milliseconds uptime) {
  // The same double and "%.2f" as the original's f"{uptime:.2f}", so ties round alike.
  std::array<char, 32> buffer{};
  const int length = std::snprintf(buffer.data(), buffer.size(), "%.2f",
                                   static_cast<double>(uptime.count()) / 1000.0);
  return {buffer.data(), static_cast<std::size_t>(length)};
}

WatchDecision WatchTracker::on_exit(const WatchSettings& settings,
                                    std::chrono::milliseconds uptime) {
  if (uptime >= settings.min_uptime) {
    streak_ = 0;  // a stable run ends any fast-crash sequence
    return WatchDecision{};
  }

  const std::string uptime_text = format_uptime(uptime);
  std::string fast_line = "fast-crash: uptime=" + uptime_text + "s mode=" + settings.on_fast_crash;
  const std::optional<FastCrashMode> mode = parse_fast_crash_mode(settings.on_fast_crash);
  if (!mode) {
    // The original falls through to the restart: no sleep, no error, index untouched.
    return restart_after(std::chrono::seconds{0}, {std::move(fast_line)});
  }
  switch (*mode) {
    case FastCrashMode::stop:
      streak_ = 0;
      return errored("fast-crash (uptime " + uptime_text + "s, mode=stop)",
                     {std::move(fast_line), "errored; exiting"});
    case FastCrashMode::backoff: {
      if (streak_ >= k_step_count) {
        streak_ = 0;
        return errored(std::to_string(k_step_count + 1) + " consecutive fast-crashes",
                       {std::move(fast_line), "backoff exhausted; errored; exiting"});
      }
      const std::chrono::seconds wait = k_backoff_steps[static_cast<std::size_t>(streak_)];
      ++streak_;
      return restart_after(
          wait, {std::move(fast_line), "backoff sleep " + seconds_text(wait) + " (step " +
                                           std::to_string(streak_) + "/" +
                                           std::to_string(k_step_count) + ")"});
    }
    case FastCrashMode::retry: {
      const int step = std::min(streak_, k_step_count - 1);
      const std::chrono::seconds wait = k_backoff_steps[static_cast<std::size_t>(step)];
      streak_ = std::min(streak_ + 1, k_step_count - 1);
      return restart_after(wait, {std::move(fast_line), "retry mode: sleep " + seconds_text(wait)});
    }
  }
  return restart_after(std::chrono::seconds{0}, {});  // unreachable: every mode returns above
}

}  // namespace bgo::daemon
