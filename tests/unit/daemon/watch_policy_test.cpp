// SPDX-License-Identifier: MIT
// Table tests for the original bgo's watch-mode decision (spec §5.4 step 4, §5.5).
#include "daemon/core/watch_policy.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Kind = WatchDecision::Kind;
using Lines = std::vector<std::string>;

WatchSettings settings(std::string mode, seconds min_uptime = seconds{2}) {
  WatchSettings s;
  s.on_fast_crash = std::move(mode);
  s.min_uptime = min_uptime;
  return s;
}

TEST(FastCrashMode, RoundTripsItsSpelling) {
  for (const FastCrashMode mode :
       {FastCrashMode::backoff, FastCrashMode::stop, FastCrashMode::retry}) {
    EXPECT_EQ(parse_fast_crash_mode(to_string(mode)), mode);
  }
  EXPECT_EQ(to_string(FastCrashMode::backoff), "backoff");
  EXPECT_EQ(parse_fast_crash_mode("Backoff"), std::nullopt);
  EXPECT_EQ(parse_fast_crash_mode(""), std::nullopt);
}

TEST(WatchSettings, DefaultsAreTheOriginals) {
  const WatchSettings s;
  EXPECT_EQ(s.interval, seconds{3});
  EXPECT_EQ(s.min_uptime, seconds{2});
  EXPECT_EQ(s.on_fast_crash, "backoff");
}

TEST(FormatUptime, HasExactlyTwoDecimals) {
  EXPECT_EQ(format_uptime(milliseconds{530}), "0.53");
  EXPECT_EQ(format_uptime(milliseconds{0}), "0.00");
  EXPECT_EQ(format_uptime(milliseconds{1999}), "2.00");
  EXPECT_EQ(format_uptime(milliseconds{12345}), "12.35");
  EXPECT_EQ(format_uptime(milliseconds{3600000}), "3600.00");
}

TEST(WatchTracker, SlowExitRestartsAtOnceWithoutLog) {
  WatchTracker tracker;
  const WatchDecision d = tracker.on_exit(settings("backoff"), milliseconds{60000});
  EXPECT_EQ(d.kind, Kind::restart);
  EXPECT_FALSE(d.fast_crash);
  EXPECT_EQ(d.delay, milliseconds{0});
  EXPECT_TRUE(d.log_lines.empty());
  EXPECT_TRUE(d.reason.empty());
  EXPECT_EQ(tracker.streak(), 0);
}

TEST(WatchTracker, ExitExactlyAtMinUptimeIsNotFast) {
  WatchTracker tracker;
  tracker.set_streak(2);
  const WatchDecision d = tracker.on_exit(settings("stop"), milliseconds{2000});
  EXPECT_EQ(d.kind, Kind::restart);
  EXPECT_FALSE(d.fast_crash);
  EXPECT_EQ(tracker.streak(), 0);

  const WatchDecision just_below = tracker.on_exit(settings("stop"), milliseconds{1999});
  EXPECT_EQ(just_below.kind, Kind::errored);
}

TEST(WatchTracker, StopModeErrorsOnTheFirstFastCrash) {
  WatchTracker tracker;
  const WatchDecision d = tracker.on_exit(settings("stop"), milliseconds{530});
  EXPECT_EQ(d.kind, Kind::errored);
  EXPECT_TRUE(d.fast_crash);
  EXPECT_EQ(d.delay, milliseconds{0});
  EXPECT_EQ(d.reason, "fast-crash (uptime 0.53s, mode=stop)");
  EXPECT_EQ(d.log_lines, (Lines{"fast-crash: uptime=0.53s mode=stop", "errored; exiting"}));
  EXPECT_EQ(tracker.streak(), 0);
}

TEST(WatchTracker, BackoffSleeps2Then4Then8ThenErrors) {
  struct Step {
    Kind kind;
    milliseconds delay;
    Lines log;
    int streak_after;
  };
  const std::vector<Step> steps{
      {Kind::restart,
       seconds{2},
       {"fast-crash: uptime=0.10s mode=backoff", "backoff sleep 2s (step 1/3)"},
       1},
      {Kind::restart,
       seconds{4},
       {"fast-crash: uptime=0.10s mode=backoff", "backoff sleep 4s (step 2/3)"},
       2},
      {Kind::restart,
       seconds{8},
       {"fast-crash: uptime=0.10s mode=backoff", "backoff sleep 8s (step 3/3)"},
       3},
      {Kind::errored,
       seconds{0},
       {"fast-crash: uptime=0.10s mode=backoff", "backoff exhausted; errored; exiting"},
       0},
  };
  WatchTracker tracker;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("crash " + std::to_string(i + 1));
    const WatchDecision d = tracker.on_exit(settings("backoff"), milliseconds{100});
    EXPECT_EQ(d.kind, steps[i].kind);
    EXPECT_TRUE(d.fast_crash);
    EXPECT_EQ(d.delay, steps[i].delay);
    EXPECT_EQ(d.log_lines, steps[i].log);
    EXPECT_EQ(tracker.streak(), steps[i].streak_after);
  }
}

TEST(WatchTracker, BackoffExhaustedReason) {
  WatchTracker tracker;
  tracker.set_streak(3);
  const WatchDecision d = tracker.on_exit(settings("backoff"), milliseconds{0});
  EXPECT_EQ(d.kind, Kind::errored);
  EXPECT_EQ(d.reason, "4 consecutive fast-crashes");
}

TEST(WatchTracker, StableRunResetsTheBackoffSequence) {
  WatchTracker tracker;
  const WatchSettings s = settings("backoff");
  EXPECT_EQ(tracker.on_exit(s, milliseconds{100}).delay, seconds{2});
  EXPECT_EQ(tracker.on_exit(s, milliseconds{100}).delay, seconds{4});
  EXPECT_EQ(tracker.on_exit(s, milliseconds{5000}).delay, seconds{0});  // stable run
  EXPECT_EQ(tracker.streak(), 0);
  EXPECT_EQ(tracker.on_exit(s, milliseconds{100}).delay, seconds{2});
  EXPECT_EQ(tracker.on_exit(s, milliseconds{100}).delay, seconds{4});
  EXPECT_EQ(tracker.on_exit(s, milliseconds{100}).delay, seconds{8});
  EXPECT_EQ(tracker.on_exit(s, milliseconds{100}).kind, Kind::errored);
}

TEST(WatchTracker, ResetForgetsTheStreak) {
  WatchTracker tracker;
  tracker.set_streak(3);
  tracker.reset();
  EXPECT_EQ(tracker.streak(), 0);
  EXPECT_EQ(tracker.on_exit(settings("backoff"), milliseconds{100}).delay, seconds{2});
}

TEST(WatchTracker, SetStreakClampsNegativeToZero) {
  WatchTracker tracker;
  tracker.set_streak(-5);
  EXPECT_EQ(tracker.streak(), 0);
}

TEST(WatchTracker, RetryIsCappedAtEightSecondsForever) {
  WatchTracker tracker;
  const std::vector<int> expected{2, 4, 8, 8, 8, 8, 8, 8, 8, 8};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE("crash " + std::to_string(i + 1));
    const WatchDecision d = tracker.on_exit(settings("retry"), milliseconds{1250});
    EXPECT_EQ(d.kind, Kind::restart);
    EXPECT_EQ(d.delay, seconds{expected[i]});
    EXPECT_EQ(d.log_lines, (Lines{"fast-crash: uptime=1.25s mode=retry",
                                  "retry mode: sleep " + std::to_string(expected[i]) + "s"}));
    EXPECT_LE(tracker.streak(), 2);
  }
}

TEST(WatchTracker, RetryAfterALongBackoffStreakUsesTheLastStep) {
  WatchTracker tracker;
  tracker.set_streak(3);  // e.g. the mode was switched from backoff
  const WatchDecision d = tracker.on_exit(settings("retry"), milliseconds{100});
  EXPECT_EQ(d.delay, seconds{8});
  EXPECT_EQ(tracker.streak(), 2);
}

TEST(WatchTracker, NegativeMinUptimeDisablesFastDetection) {
  WatchTracker tracker;
  const WatchDecision d = tracker.on_exit(settings("stop", seconds{-1}), milliseconds{0});
  EXPECT_EQ(d.kind, Kind::restart);
  EXPECT_FALSE(d.fast_crash);
  EXPECT_TRUE(d.log_lines.empty());
}

TEST(WatchTracker, ZeroMinUptimeDisablesFastDetectionToo) {
  WatchTracker tracker;
  const WatchDecision d = tracker.on_exit(settings("stop", seconds{0}), milliseconds{0});
  EXPECT_EQ(d.kind, Kind::restart);
  EXPECT_FALSE(d.fast_crash);
}

TEST(WatchTracker, UnknownModeRestartsAtOnceAndKeepsTheStreak) {
  WatchTracker tracker;
  tracker.set_streak(2);
  const WatchDecision d = tracker.on_exit(settings("explode"), milliseconds{300});
  EXPECT_EQ(d.kind, Kind::restart);
  EXPECT_TRUE(d.fast_crash);
  EXPECT_EQ(d.delay, milliseconds{0});
  EXPECT_EQ(d.log_lines, (Lines{"fast-crash: uptime=0.30s mode=explode"}));
  EXPECT_EQ(tracker.streak(), 2);
}

TEST(WatchTracker, LongerMinUptime) {
  WatchTracker tracker;
  const WatchDecision d = tracker.on_exit(settings("stop", seconds{10}), milliseconds{9990});
  EXPECT_EQ(d.kind, Kind::errored);
  EXPECT_EQ(d.reason, "fast-crash (uptime 9.99s, mode=stop)");
}

}  // namespace
}  // namespace bgo::daemon
