// SPDX-License-Identifier: MIT
// Fault scenario 3 (issue #17): bgod stopped (SIGSTOP) while its children write and exit.
// After SIGCONT nothing is lost: every line is in the logs, every exit is recorded with its
// code, and the watched processes are started again.
#include <csignal>
#include <thread>

#include <boost/json.hpp>

#include "tests/fault/fault_support.hpp"

namespace bgo::test::fault {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

int64_t int_field(const json::object& o, const char* key, int64_t fallback = -1) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : fallback;
}

class SigstopTest : public DaemonTest {
 protected:
  std::string tag(const std::string& name) const {
    return home_.parent_path().string() + "/" + name;
  }
};

TEST_F(SigstopTest, NothingIsLostWhileTheDaemonIsStopped) {
  const std::chrono::milliseconds stopped = duration(1500ms, 10s);
  constexpr int64_t k_lines = 3000;  // fits a pipe (64 KiB) while nobody reads it
  const KillMarkedOnExit cleanup(home_.parent_path().string() + "/");
  const auto began = std::chrono::steady_clock::now();
  const std::vector<std::string> writers{"s0", "s1", "s2"};
  const std::vector<std::string> exiters{"e0", "e1", "e2", "e3"};
  const std::vector<std::string> watched{"r0", "r1"};
  for (const auto& name : writers) {
    start_ok(name, {"--tag", tag(name), "--seq-burst", "100", "10"}, {"--max-log-size", "0"});
  }
  // These write and exit on SIGUSR1, sent while bgod is stopped.
  for (size_t i = 0; i < exiters.size(); ++i) {
    start_ok(exiters[i], {"--tag", tag(exiters[i]), "--wait-usr1", "--seq", std::to_string(k_lines),
                          "--after", "0", "--exit", std::to_string(10 + i)});
  }
  for (const auto& name : watched) {
    start_ok(name, {"--tag", tag(name), "--wait-usr1", "--after", "0", "--exit", "7"},
             {"-w", "--min-uptime", "0"});
  }
  std::vector<pid_t> to_exit;  // exiters, then watched
  to_exit.reserve(exiters.size() + watched.size());
  for (const auto& name : exiters) {
    to_exit.push_back(static_cast<pid_t>(int_field(state(name), "pid", 0)));
  }
  for (const auto& name : watched) {
    to_exit.push_back(static_cast<pid_t>(int_field(state(name), "pid", 0)));
  }
  const pid_t daemon = daemon_pid();
  ASSERT_GT(daemon, 0);

  // The fault itself lasts a fixed time: bgod is frozen, nothing to wait for.
  ASSERT_EQ(::kill(daemon, SIGSTOP), 0);
  for (pid_t p : to_exit) EXPECT_EQ(p > 0 ? ::kill(p, SIGUSR1) : -1, 0);
  std::this_thread::sleep_for(stopped);
  ASSERT_EQ(::kill(daemon, SIGCONT), 0);
  const auto resumed = std::chrono::steady_clock::now();

  int exits_recorded = 0;
  const bool all_exits = wait_until(
      [&] {
        exits_recorded = 0;
        for (size_t i = 0; i < exiters.size(); ++i) {
          const json::object st = state(exiters[i]);
          if (st.contains("status") && st.at("status") == "stopped" &&
              int_field(st, "exit_code") == static_cast<int64_t>(10 + i)) {
            ++exits_recorded;
          }
        }
        return exits_recorded == static_cast<int>(exiters.size());
      },
      10s);
  EXPECT_TRUE(all_exits) << exits_recorded << " of " << exiters.size() << " exits recorded";
  int restarted = 0;
  const bool all_restarted = wait_until(
      [&] {
        restarted = 0;
        for (size_t i = 0; i < watched.size(); ++i) {
          const json::object st = state(watched[i]);
          const json::value* w = st.if_contains("watch");
          const auto pid = static_cast<pid_t>(int_field(st, "pid", 0));
          if (w != nullptr && w->is_object() && int_field(w->as_object(), "restarts", 0) >= 1 &&
              pid > 0 && pid != to_exit[exiters.size() + i] && pid_alive(pid)) {
            ++restarted;
          }
        }
        return restarted == static_cast<int>(watched.size());
      },
      10s);
  EXPECT_TRUE(all_restarted) << restarted << " of " << watched.size()
                             << " restarted: " << json::serialize(state(watched.front()));
  const auto recovered = std::chrono::steady_clock::now() - resumed;

  SeqReport logs;
  for (const auto& name : exiters) {
    const SeqReport one = check_seq_log(home_ / "logs" / (name + ".out.log"), k_lines);
    EXPECT_EQ(one.lines, k_lines) << name << ": " << one.first_problem;
    logs.lines += one.lines;
    logs.lost += one.lost + (k_lines - one.lines);
    logs.duplicated += one.duplicated;
  }
  // The writers ran through the stop: their runs go on; stop them so their logs are complete.
  std::vector<std::string> stop{"stop"};
  stop.insert(stop.end(), writers.begin(), writers.end());
  stop.insert(stop.end(), watched.begin(), watched.end());
  EXPECT_EQ(bgo_within(30s, stop).code, 0);
  for (const auto& name : writers) {
    const SeqReport one = check_seq_log(home_ / "logs" / (name + ".out.log"), 0);
    EXPECT_EQ(one.lost, 0) << one.first_problem;
    EXPECT_EQ(one.duplicated, 0) << one.first_problem;
    EXPECT_EQ(one.other, 0) << one.first_problem;
    logs.lines += one.lines;
    logs.lost += one.lost;
    logs.duplicated += one.duplicated;
  }
  EXPECT_EQ(logs.lost, 0);
  EXPECT_EQ(logs.duplicated, 0);
  EXPECT_EQ(daemon_pid(), daemon);
  EXPECT_TRUE(pid_alive(daemon));

  const auto ms = [](auto d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  };
  figures(
      "sigstop",
      "stopped_ms=" + std::to_string(stopped.count()) +
          " exits_recorded=" + std::to_string(exits_recorded) + "/" +
          std::to_string(exiters.size()) + " watched_restarted=" + std::to_string(restarted) + "/" +
          std::to_string(watched.size()) + " lines=" + std::to_string(logs.lines) +
          " lost=" + std::to_string(logs.lost) + " duplicated=" + std::to_string(logs.duplicated) +
          " caught_up_ms=" + ms(recovered) + " seconds=" +
          std::to_string(static_cast<int>(
              std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count())));
}

}  // namespace
}  // namespace bgo::test::fault
