// SPDX-License-Identifier: MIT
// The original bgo's watch-mode restart decision, as a pure function of (history, exit).
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgo::daemon {

// What a watched process does after a fast crash (spec §1.5 `on_fast_crash`).
enum class FastCrashMode { backoff, stop, retry };

[[nodiscard]] std::string_view to_string(FastCrashMode mode);
// `backoff`, `stop` or `retry` (exact spelling); nullopt for anything else.
[[nodiscard]] std::optional<FastCrashMode> parse_fast_crash_mode(std::string_view text);

// The sleeps of `backoff` (errored on the fast crash after the last) and `retry` (repeats
// the last forever), spec Appendix B.
inline constexpr std::array<std::chrono::seconds, 3> k_backoff_steps{
    std::chrono::seconds{2}, std::chrono::seconds{4}, std::chrono::seconds{8}};

// The policy half of the state file's watch block (spec §1.5).
struct WatchSettings {
  std::chrono::seconds interval{3};      // the original's poll period; stored, not used here
  std::chrono::seconds min_uptime{2};    // an exit with uptime < this is a fast crash
  std::string on_fast_crash{"backoff"};  // kept as text: unknown modes have a meaning too
};

struct WatchDecision {
  enum class Kind { restart, errored };
  Kind kind = Kind::restart;
  bool fast_crash = false;             // uptime < min_uptime; the caller takes the stderr tail
  std::chrono::milliseconds delay{0};  // before the restart; zero for `errored`
  std::string reason;                  // for `errored`: the `watch.error_reason` text
  std::vector<std::string> log_lines;  // watcher-log messages (§5.7), in order, no timestamp
};

// Tracks one watched process's run of consecutive fast crashes (the original watcher's
// `backoff_idx`) and decides what follows each exit (spec §5.4 step 4, §5.5). Pure: it never
// reads a clock or touches the system; the caller measures `uptime` and arms the timer.
class WatchTracker {
 public:
  // Decides after the process exited having run for `uptime`:
  // * not fast (uptime >= min_uptime, so a negative min_uptime disables detection): streak 0,
  //   restart at once, no log line;
  // * `stop`: errored `fast-crash (uptime <u>s, mode=stop)`;
  // * `backoff`: errored `4 consecutive fast-crashes` when three backoffs already ran,
  //   else restart after 2, 4, 8 s, streak + 1;
  // * `retry`: restart after 2, 4, 8, 8, … s, never errored;
  // * any other mode text: restart at once, streak unchanged.
  // An errored decision ends the streak (the original watcher exits; the next starts at 0).
  // `<u>` is the uptime in seconds with exactly two decimals.
  [[nodiscard]] WatchDecision on_exit(const WatchSettings& settings,
                                      std::chrono::milliseconds uptime);

  // Forgets the streak: a user (re)start or a fresh watch block.
  void reset() { streak_ = 0; }

  // The streak, persisted in the state file so a restarted bgod continues it.
  [[nodiscard]] int streak() const { return streak_; }
  // Restores a persisted streak; negative values count as 0.
  void set_streak(int streak) { streak_ = streak < 0 ? 0 : streak; }

 private:
  int streak_ = 0;
};

// Holds back restarts that come too fast, whatever the watch policy says: a process that
// exits at once with `min_uptime` 0 would otherwise be respawned hundreds of times a second.
// More than `k_burst` restarts within `k_window` wait `k_pause` (systemd's RestartSec default)
// before the next; a restart after a normal run is never delayed. Pure: the caller gives `now`.
class RestartThrottle {
 public:
  static constexpr size_t k_burst = 10;
  static constexpr std::chrono::milliseconds k_window{1000};
  static constexpr std::chrono::milliseconds k_pause{100};

  // The delay before an immediate restart asked at `now` (zero or k_pause); records it.
  template <class TimePoint>
  [[nodiscard]] std::chrono::milliseconds on_restart(TimePoint now) {
    const auto t = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
    // recent_[next_] is the k_burst-th restart back, once there have been that many.
    const bool too_fast = filled_ == k_burst && t - recent_[next_] < k_window;
    const auto delay = too_fast ? k_pause : std::chrono::milliseconds{0};
    recent_[next_] = t + delay;  // when it will actually restart
    next_ = (next_ + 1) % k_burst;
    if (filled_ < k_burst) ++filled_;
    return delay;
  }

  // Live upgrade: the recorded restarts that can still hold one back at `now` (those within
  // k_window of it, oldest first), in milliseconds of the clock's epoch...
  template <class TimePoint>
  [[nodiscard]] std::vector<std::chrono::milliseconds> recent(TimePoint now) const {
    const auto t = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
    std::vector<std::chrono::milliseconds> out;
    for (size_t i = 0; i < filled_; ++i) {
      const auto at = recent_[(next_ + k_burst - filled_ + i) % k_burst];
      if (t - at < k_window) out.push_back(at);
    }
    return out;
  }
  // ...and taken back by the next image (the last k_burst of them count).
  void restore(const std::vector<std::chrono::milliseconds>& recent) {
    filled_ = 0;
    next_ = 0;
    const size_t from = recent.size() > k_burst ? recent.size() - k_burst : 0;
    for (size_t i = from; i < recent.size(); ++i) {
      recent_[next_] = recent[i];
      next_ = (next_ + 1) % k_burst;
      ++filled_;
    }
  }

 private:
  std::array<std::chrono::milliseconds, k_burst> recent_{};  // ring of restart times
  size_t next_ = 0;                                          // the oldest entry
  size_t filled_ = 0;
};

// `uptime` in seconds with exactly two decimals (`0.53`), as in the watcher log's
// `fast-crash: uptime=…s` and `restart #… (prev uptime …s)` lines.
[[nodiscard]] std::string format_uptime(std::chrono::milliseconds uptime);

}  // namespace bgo::daemon
