// SPDX-License-Identifier: MIT
// Watch mode end to end (issue #4): bgod sees a watched child's exit through SIGCHLD and
// restarts it at once, backs off 2/4/8 s on fast crashes, becomes errored, and `restart`,
// `watch` and `unwatch` behave as spec §3.3, §3.11, §3.12 and §5 say.
#include <regex>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill() and SIGKILL
#include <sstream>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/support/event_stream.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

class WatchTest : public DaemonTest {
 protected:
  // Starts bgod and subscribes to its events before the test does anything else.
  void SetUp() override {
    DaemonTest::SetUp();
    RunResult r = bgo({"daemon", "start"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    events_ = std::make_unique<EventStream>(home_ / "bgo.sock");
    ASSERT_TRUE(events_->ok());
  }
  void TearDown() override {
    events_.reset();
    DaemonTest::TearDown();
  }

  // The messages of NAME.watcher.log, each line checked against the original's format
  // `[YYYY-MM-DDTHH:MM:SS+00:00] message` (spec §1.8).
  std::vector<std::string> watcher_log(const std::string& name) {
    static const std::regex line_re(R"(^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00\] (.*)$)");
    std::vector<std::string> messages;
    std::istringstream in(read_file(home_ / "logs" / (name + ".watcher.log")));
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      EXPECT_TRUE(std::regex_match(line, m, line_re)) << "bad watcher log line: " << line;
      if (!m.empty()) messages.push_back(m[1]);
    }
    return messages;
  }

  static size_t count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
    return static_cast<size_t>(std::count_if(
        lines.begin(), lines.end(), [&](const auto& l) { return l.rfind(prefix, 0) == 0; }));
  }

  json::object watch_block(const std::string& name) {
    auto r = row(name);
    if (!r || !r->at("watch").is_object()) return {};
    return r->at("watch").as_object();
  }

  // steady_clock nanoseconds printed by `bgo_test_child --print-times` as "<key>=<ns>".
  std::vector<int64_t> printed_times(const std::string& name, const std::string& key) {
    std::vector<int64_t> out;
    std::istringstream in(read_file(home_ / "logs" / (name + ".out.log")));
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(key + "=", 0) == 0) out.push_back(std::stoll(line.substr(key.size() + 1)));
    }
    return out;
  }

  std::unique_ptr<EventStream> events_;
};

milliseconds between(std::chrono::steady_clock::time_point a,
                     std::chrono::steady_clock::time_point b) {
  return std::chrono::duration_cast<milliseconds>(b - a);
}

TEST_F(WatchTest, StableChildIsRunningAgainRightAfterItExits) {
  // Lives 3 s, longer than the default min-uptime of 2 s: not a fast crash.
  start_ok("web", {"--print-times", "--after", "3000"}, {"-w"});
  const pid_t first = static_cast<pid_t>(row("web")->at("pid").as_int64());
  auto exited = events_->wait_for("exited", "web", seconds(15));
  ASSERT_TRUE(exited);
  auto spawned = events_->wait_for("spawned", "web", seconds(5), *exited);
  ASSERT_TRUE(spawned);
  const EventStream::Event respawn = events_->at(*spawned);
  EXPECT_EQ(events_->at(*exited).pid(), first);
  EXPECT_EQ(events_->at(*exited + 1).kind(), "restart_scheduled");
  EXPECT_EQ(events_->at(*exited + 1).params.at("delay_ms").as_int64(), 0);

  // From the child's own last breath to bgod's `spawned` event for the new pid.
  const std::vector<int64_t> exits = printed_times("web", "exiting");
  ASSERT_EQ(exits.size(), 1u);
  const auto exit_time = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(exits[0]));
  const milliseconds gap = between(exit_time, respawn.at);
  std::cout << "[ measure  ] exit -> respawned: "
            << std::chrono::duration<double, std::milli>(respawn.at - exit_time).count()
            << " ms (bench/respawn_gap has the precise figures)\n";
  // The target is < 50 ms (typically ~1 ms, see bench/README.md); the bound here is generous
  // so that a loaded or sanitized build does not flake.
  EXPECT_GE(gap.count(), 0);
  EXPECT_LT(gap, milliseconds(500));

  const auto second = static_cast<pid_t>(respawn.pid());
  ASSERT_NE(second, first);
  auto web = row("web");
  ASSERT_TRUE(web);
  EXPECT_EQ(web->at("status").as_string(), "online");
  EXPECT_EQ(web->at("pid").as_int64(), second);
  EXPECT_TRUE(pid_alive(second));

  const json::object w = web->at("watch").as_object();
  const std::vector<std::string> log = watcher_log("web");
  EXPECT_EQ(w.at("restarts").as_int64(), 1);
  EXPECT_EQ(static_cast<int64_t>(count_prefix(log, "restart #")), w.at("restarts").as_int64());
  ASSERT_EQ(log.size(), 2u) << read_file(home_ / "logs" / "web.watcher.log");
  EXPECT_EQ(log[0], "watcher started for pid=" + std::to_string(first));
  EXPECT_TRUE(std::regex_match(log[1], std::regex("restart #1 pid=" + std::to_string(second) +
                                                  R"( \(prev uptime 3\.\d\ds\))")))
      << log[1];
  EXPECT_EQ(w.at("last_restart_at"), web->at("started_at"));
  EXPECT_TRUE(w.at("watcher_pid").is_null());
  EXPECT_TRUE(w.at("watcher_pgid").is_null());
  EXPECT_NE(read_file(home_ / "logs" / "web.out.log").find("[watch restart]"), std::string::npos);
}

TEST_F(WatchTest, StopModeErrorsOnTheFirstFastCrashAndRestartClearsIt) {
  // Each run waits for SIGUSR1, then exits 4 a second later: the first one is sent it here;
  // the run `restart` makes below never is, so it is still running when its watch block is
  // read, however slow the machine (with a fixed lifetime it could have crashed by then).
  start_ok("one", {"--stderr", "boom", "--wait-usr1", "--after", "1000", "--exit", "4"},
           {"-w", "--on-fast-crash", "stop"});
  const pid_t pid = static_cast<pid_t>(state("one").at("pid").as_int64());  // no bgo call
  ASSERT_EQ(::kill(pid, SIGUSR1), 0);
  auto errored = events_->wait_for("errored", "one", seconds(10));
  ASSERT_TRUE(errored);
  EXPECT_EQ(events_->size(), *errored + 1);

  json::object w = watch_block("one");
  EXPECT_TRUE(w.at("errored").as_bool());
  EXPECT_TRUE(w.at("enabled").as_bool());
  const std::string reason(w.at("error_reason").as_string());
  EXPECT_TRUE(std::regex_match(reason, std::regex(R"(fast-crash \(uptime 1\.\d\ds, mode=stop\))")))
      << reason;
  EXPECT_NE(std::string(w.at("last_stderr_tail").as_string()).find("boom"), std::string::npos);
  EXPECT_LE(w.at("last_stderr_tail").as_string().size(), 2048u);
  EXPECT_EQ(w.at("restarts").as_int64(), 0);
  EXPECT_EQ(row("one")->at("status").as_string(), "stopped");
  json::object st = state("one");
  EXPECT_EQ(st.at("status").as_string(), "stopped");
  EXPECT_EQ(st.at("stop_reason").as_string(), "crashed");
  EXPECT_EQ(st.at("exit_code").as_int64(), 4);

  const std::vector<std::string> log = watcher_log("one");
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0], "watcher started for pid=" + std::to_string(pid));
  EXPECT_TRUE(std::regex_match(log[1], std::regex(R"(fast-crash: uptime=1\.\d\ds mode=stop)")))
      << log[1];
  EXPECT_EQ(log[2], "errored; exiting");

  // Every view says so: the table's WATCH cell and footer, the detail view.
  RunResult table = bgo({"status", "--plain"});
  EXPECT_NE(table.out.find("[!] errored"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("1 errored:"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(reason), std::string::npos) << table.out;
  RunResult detail = bgo({"status", "one"});
  EXPECT_NE(detail.out.find("Errored:   YES"), std::string::npos) << detail.out;
  EXPECT_NE(detail.out.find("boom"), std::string::npos) << detail.out;

  // restart clears errored and starts it again, watched.
  RunResult r = bgo({"restart", "one"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  w = watch_block("one");
  EXPECT_FALSE(w.at("errored").as_bool());
  EXPECT_TRUE(w.at("error_reason").is_null());
  EXPECT_TRUE(w.at("last_stderr_tail").is_null());
  EXPECT_TRUE(w.at("enabled").as_bool());
  const pid_t again = static_cast<pid_t>(row("one")->at("pid").as_int64());
  EXPECT_NE(again, pid);
  EXPECT_EQ(watcher_log("one").back(), "watcher started for pid=" + std::to_string(again));
}

TEST_F(WatchTest, BackoffWaits2Then4Then8SecondsThenErrors) {
  start_ok("flaky", {"--print-times", "--after", "200", "--exit", "1"}, {"-w"});
  size_t from = 0;
  const std::vector<milliseconds> expected{seconds(2), seconds(4), seconds(8)};
  for (const milliseconds delay : expected) {
    auto exited = events_->wait_for("exited", "flaky", seconds(10), from);
    ASSERT_TRUE(exited);
    auto scheduled = events_->wait_for("restart_scheduled", "flaky", seconds(5), *exited);
    ASSERT_TRUE(scheduled);
    EXPECT_EQ(events_->at(*scheduled).params.at("delay_ms").as_int64(), delay.count());
    auto spawned = events_->wait_for("spawned", "flaky", delay + seconds(5), *scheduled);
    ASSERT_TRUE(spawned);
    from = *spawned;
  }
  auto errored = events_->wait_for("errored", "flaky", seconds(10), from);
  ASSERT_TRUE(errored);
  EXPECT_EQ(events_->at(*errored).params.at("reason").as_string(), "4 consecutive fast-crashes");

  // The real timers fire in order and never early. Each wait is timed by the children
  // themselves, from one run's last breath ("exiting=") to the next run's first ("started="),
  // on CLOCK_MONOTONIC: bgod arms the timer only after it has seen the exit, so load can only
  // lengthen a wait, never shorten it. The upper bound is as generous as the waits above; that
  // the delays are exactly 2, 4 and 8 s is proven with a fake clock by
  // SupervisorTest.BackoffWaits2Then4Then8ThenErrors and WatchTracker's backoff table.
  std::vector<int64_t> starts;
  std::vector<int64_t> exits;
  ASSERT_TRUE(wait_until([&] {  // the log sink may still be writing the last run's lines
    starts = printed_times("flaky", "started");
    exits = printed_times("flaky", "exiting");
    return starts.size() == expected.size() + 1 && exits.size() == expected.size() + 1;
  })) << starts.size()
      << " starts, " << exits.size() << " exits";
  const milliseconds tolerance(20);  // the nanosecond stamps are truncated to milliseconds
  for (size_t i = 0; i < expected.size(); ++i) {
    const milliseconds wait = std::chrono::duration_cast<milliseconds>(
        std::chrono::nanoseconds(starts[i + 1] - exits[i]));
    std::cout << "[ measure  ] backoff " << expected[i].count() << " ms: waited " << wait.count()
              << " ms\n";
    EXPECT_LT(exits[i], starts[i + 1]) << "run " << i + 1 << " ended after the next one began";
    EXPECT_GE(wait, expected[i] - tolerance) << "backoff " << i + 1 << " fired early";
    EXPECT_LE(wait, expected[i] + seconds(5)) << "backoff " << i + 1;
  }

  json::object w = watch_block("flaky");
  EXPECT_TRUE(w.at("errored").as_bool());
  EXPECT_EQ(w.at("error_reason").as_string(), "4 consecutive fast-crashes");
  EXPECT_EQ(w.at("restarts").as_int64(), 3);
  const std::vector<std::string> log = watcher_log("flaky");
  EXPECT_EQ(static_cast<int64_t>(count_prefix(log, "restart #")), w.at("restarts").as_int64());
  std::vector<std::string> policy_lines;
  for (const auto& l : log) {
    if (l.rfind("backoff", 0) == 0) policy_lines.push_back(l);
  }
  EXPECT_EQ(policy_lines,
            (std::vector<std::string>{"backoff sleep 2s (step 1/3)", "backoff sleep 4s (step 2/3)",
                                      "backoff sleep 8s (step 3/3)",
                                      "backoff exhausted; errored; exiting"}));
  EXPECT_EQ(count_prefix(log, "fast-crash: uptime=0."), 4u);

  // restart clears errored and keeps the counter; --reset-counters zeroes it.
  RunResult r = bgo({"restart", "flaky"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  w = watch_block("flaky");
  EXPECT_FALSE(w.at("errored").as_bool());
  EXPECT_EQ(w.at("restarts").as_int64(), 3);
  r = bgo({"restart", "flaky", "--reset-counters"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  w = watch_block("flaky");
  EXPECT_EQ(w.at("restarts").as_int64(), 0);
  EXPECT_TRUE(w.at("last_restart_at").is_null());
}

TEST_F(WatchTest, WatchAndUnwatchLeaveTheChildRunning) {
  // Direct mode with -w.
  std::vector<std::string> args{"-w", "svc"};
  for (auto& a : child({})) args.push_back(a);
  RunResult r = bgo(args);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Watching (interval=3s, min-uptime=2s, on-fast-crash=backoff)"),
            std::string::npos)
      << r.out;
  const pid_t pid = static_cast<pid_t>(row("svc")->at("pid").as_int64());
  ASSERT_TRUE(watch_block("svc").at("enabled").as_bool());

  r = bgo({"unwatch", "svc"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("unwatched 'svc'"), std::string::npos) << r.out;
  EXPECT_FALSE(watch_block("svc").at("enabled").as_bool());
  EXPECT_TRUE(pid_alive(pid));
  EXPECT_EQ(row("svc")->at("status").as_string(), "online");
  r = bgo({"unwatch", "svc"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("'svc' is not being watched"), std::string::npos) << r.out;

  // Re-attach with new settings (counters kept), then detach again.
  r = bgo({"watch", "svc", "--min-uptime", "1", "--on-fast-crash", "retry", "--interval", "7"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Watching 'svc' (interval=7s, min-uptime=1s, on-fast-crash=retry)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(watch_block("svc").at("min_uptime").as_int64(), 1);
  ASSERT_EQ(bgo({"unwatch", "svc"}).code, 0);

  // Unwatched, its death is just recorded: no restart is scheduled.
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  auto exited = events_->wait_for("exited", "svc", seconds(10));
  ASSERT_TRUE(exited);
  ASSERT_TRUE(events_->request("subscribe"));  // every event bgod sent before is in
  for (size_t i = *exited + 1; i < events_->size(); ++i) {
    EXPECT_NE(events_->at(i).kind(), "restart_scheduled");
    EXPECT_NE(events_->at(i).kind(), "spawned");
  }
  // Events do not wait for the disk (docs/architecture.md, "What is durable when"): the file
  // says so a moment after the `exited` event.
  ASSERT_TRUE(wait_until([&] { return state("svc").at("status").as_string() == "stopped"; }));
  json::object st = state("svc");
  EXPECT_EQ(st.at("status").as_string(), "stopped");
  EXPECT_EQ(st.at("stop_reason").as_string(), "crashed");
  EXPECT_EQ(st.at("exit_signal").as_int64(), SIGKILL);
  EXPECT_EQ(watcher_log("svc"),
            (std::vector<std::string>{
                "watcher started for pid=" + std::to_string(pid), "watch disabled; exiting",
                "watcher started for pid=" + std::to_string(pid), "watch disabled; exiting"}));

  // `watch` needs a running process.
  r = bgo({"watch", "svc"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE((r.out + r.err).find("Process 'svc' is not running. Start it first."),
            std::string::npos);
}

}  // namespace
}  // namespace bgo::test
