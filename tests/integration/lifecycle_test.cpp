// SPDX-License-Identifier: MIT
// The lifecycle end to end on real processes (issues #2, #3): start, stop, restart, delete,
// clean, resurrect, restart-stopped/last, errors, reaping and descriptor hygiene.
#include <algorithm>
#include <atomic>
#include <fstream>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill() and SIGKILL
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/process_probe.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

pid_t row_pid(const json::object& r) { return static_cast<pid_t>(r.at("pid").as_int64()); }

// The grandchild pid that `bgo_test_child --grandchild` prints into its log.
pid_t grandchild_of(const std::filesystem::path& log) {
  if (!wait_until([&] { return contains(read_file(log), "grandchild="); })) return 0;
  const std::string text = read_file(log);
  return static_cast<pid_t>(std::strtol(text.c_str() + text.find("grandchild=") + 11, nullptr, 10));
}

TEST_F(DaemonTest, StartStatusStopEndToEnd) {
  const std::string cwd = home_.parent_path().string();
  RunResult r =
      bgo({"start", "web", "--", bin("bgo_test_child"), "--env", "ONLY_IN_CLIENT", "--cwd"},
          {{"ONLY_IN_CLIENT", "hello42"}}, "", cwd);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Started 'web' (PID: "), std::string::npos) << r.out;
  auto web = row("web");
  ASSERT_TRUE(web);
  EXPECT_EQ(web->at("status").as_string(), "online");
  const pid_t pid = row_pid(*web);
  EXPECT_TRUE(pid_alive(pid));
  EXPECT_EQ(::getpgid(pid), pid);
  EXPECT_EQ(::getsid(pid), pid);
  const auto out_log = home_ / "logs" / "web.out.log";
  ASSERT_TRUE(wait_until([&] { return read_file(out_log).find("cwd=") != std::string::npos; }));
  EXPECT_NE(read_file(out_log).find("ONLY_IN_CLIENT=hello42"), std::string::npos);
  EXPECT_NE(read_file(out_log).find("cwd=" + cwd), std::string::npos) << read_file(out_log);
  EXPECT_EQ(state("web").at("status").as_string(), "running");

  r = bgo({"stop", "web"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Stopped 'web'"), std::string::npos) << r.out;
  EXPECT_FALSE(pid_alive(pid));
  EXPECT_EQ(row("web")->at("status").as_string(), "stopped");
  json::object st = state("web");
  EXPECT_EQ(st.at("status").as_string(), "stopped");
  EXPECT_EQ(st.at("stop_reason").as_string(), "user");
  EXPECT_TRUE(st.contains("stopped_at"));
  // Stopped by SIGTERM: recorded honestly.
  EXPECT_EQ(st.at("exit_signal").as_int64(), SIGTERM);
}

// The child starts clean: its own session, stdin on /dev/null, stdout/stderr pipes and no other
// descriptor, no blocked or ignored signal (bgod ignores SIGPIPE), the program found on the
// client's PATH and recorded by its absolute path.
TEST_F(DaemonTest, SpawnedChildInheritsNothingButStdio) {
  const std::string path =
      std::filesystem::path(bin("bgo_test_child")).parent_path().string() + ":/usr/bin:/bin";
  // A descriptor the client leaks (no O_CLOEXEC), as shells and CI runners often do.
  int leaked[2];
  ASSERT_EQ(::pipe(leaked), 0);
  const std::string leaked_target = fd_target(::getpid(), leaked[1]);
  RunResult r = bgo({"start", "clean-env", "--", "bgo_test_child"}, {{"PATH", path}});
  ::close(leaked[0]);
  ::close(leaked[1]);
  ASSERT_EQ(r.code, 0) << r.err;
  const json::object st = state("clean-env");
  EXPECT_EQ(st.at("command").as_array().at(0).as_string(), bin("bgo_test_child"));
  const auto pid = static_cast<pid_t>(st.at("pid").as_int64());
  ASSERT_TRUE(pid_alive(pid));
  EXPECT_EQ(open_fds(pid), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(fd_target(pid, 0), "/dev/null");
  EXPECT_TRUE(fd_target(pid, 1).rfind("pipe:", 0) == 0) << fd_target(pid, 1);
  EXPECT_TRUE(fd_target(pid, 2).rfind("pipe:", 0) == 0) << fd_target(pid, 2);
  EXPECT_EQ(status_field(pid, "SigBlk"), "0000000000000000");
  // glibc's posix_spawn leaves its two internal signals (32, 33) ignored and cannot reset them;
  // no program sees them (glibc's SIGRTMIN is 34, musl's 35). Every other one is at default.
  const uint64_t ignored = std::stoull(status_field(pid, "SigIgn"), nullptr, 16);
  EXPECT_EQ(ignored & ~(uint64_t{3} << 31), 0u) << status_field(pid, "SigIgn");
  EXPECT_EQ(::getsid(pid), pid);
  // bgod, started by that client, did not inherit its descriptor either.
  // Its own: the home's files, pipes, sockets, its spare descriptors for accept and shutdown
  // (/dev/null, docs/architecture.md "Descriptor budget") and its own image, kept for a live
  // upgrade to come back to.
  const pid_t daemon = daemon_pid();
  const std::string image =
      std::filesystem::read_symlink("/proc/" + std::to_string(daemon) + "/exe");
  for (int fd : open_fds(daemon)) {
    const std::string target = fd_target(daemon, fd);
    EXPECT_NE(target, leaked_target) << "bgod fd " << fd;
    EXPECT_TRUE(fd <= 2 || target.rfind(home_.string(), 0) == 0 || target.rfind("pipe:", 0) == 0 ||
                target.rfind("socket:", 0) == 0 || target.rfind("anon_inode:", 0) == 0 ||
                target == "/dev/null" || target == image)
        << "bgod fd " << fd << " -> " << target;
  }
}

TEST_F(DaemonTest, StartErrorsAreClearAndRegisterNothing) {
  const auto not_exec = home_.parent_path() / "not-executable";
  { std::ofstream(not_exec) << "#!/bin/sh\n"; }
  ::chmod(not_exec.c_str(), 0644);
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"start", "e1", "--", "no-such-program-xyz"}, "Command not found: no-such-program-xyz"},
      {{"start", "e2", "--", not_exec.string()}, "Permission denied: " + not_exec.string()},
      {{"start", "e3", "--", "/tmp"}, "Permission denied: /tmp"},
      {{"start", "--cwd", "/no/such/dir", "e4", "--", bin("bgo_test_child")}, "/no/such/dir"},
      {{"start", "e5"}, "No command specified"},
  };
  for (const auto& c : cases) {
    RunResult r = bgo(c.args);
    EXPECT_EQ(r.code, 1) << c.args[1];
    EXPECT_TRUE(contains(r.err, c.message)) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_TRUE(status_json().as_array().empty());
  std::error_code ec;
  EXPECT_TRUE(std::filesystem::is_empty(home_ / "procs", ec));
}

TEST_F(DaemonTest, ErrorsGoToStderrWithNonZeroExit) {
  start_ok("busy", {});
  const pid_t pid = row_pid(*row("busy"));
  RunResult r = bgo({"start", "busy", "--", bin("bgo_test_child")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "Process 'busy' is already running (PID: " + std::to_string(pid)))
      << r.err;
  EXPECT_EQ(row_pid(*row("busy")), pid);  // untouched

  for (const auto& args : std::vector<std::vector<std::string>>{{"stop", "ghost"},
                                                                {"restart", "ghost"},
                                                                {"delete", "-y", "ghost"},
                                                                {"status", "ghost"}}) {
    r = bgo(args);
    EXPECT_EQ(r.code, 1) << args[0];
    EXPECT_TRUE(contains(r.err, "No process named 'ghost' found")) << args[0] << ": " << r.err;
  }
  const std::string long_name(65, 'x');
  for (const std::string& bad : {std::string("a/b"), std::string(".."), std::string("tab\tname"),
                                 std::string("nl\nname"), long_name}) {
    r = bgo({"start", bad, "--", bin("bgo_test_child")});
    EXPECT_EQ(r.code, 1) << bad;
    EXPECT_TRUE(contains(r.err, "invalid process name")) << r.err;
    r = bgo({"stop", bad});
    EXPECT_EQ(r.code, 1) << bad;
    EXPECT_TRUE(contains(r.err, "invalid process name")) << r.err;
  }
  EXPECT_EQ(status_json().as_array().size(), 1u);
  // 64 bytes of UTF-8 is the limit, not 64 characters.
  start_ok(std::string(64, 'y'), {});
  r = bgo({"start", std::string(31, 'z') + "é" + "é", "--", bin("bgo_test_child")});  // 35 bytes
  EXPECT_EQ(r.code, 0) << r.err;
}

// Appendix D #8: registered as stopped with its exit status, reported on stderr.
TEST_F(DaemonTest, CommandThatExitsAtOnceIsRecordedHonestly) {
  RunResult r = bgo({"start", "quick", "--", bin("bgo_test_child"), "--after", "0", "--exit", "3"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "Process 'quick' failed to start (exited immediately, exit code 3)"))
      << r.err;
  EXPECT_TRUE(contains(r.err, "Check logs: bgo logs quick")) << r.err;
  auto q = row("quick");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at("status").as_string(), "stopped");
  json::object st = state("quick");
  EXPECT_EQ(st.at("status").as_string(), "stopped");
  EXPECT_EQ(st.at("stop_reason").as_string(), "crashed");
  EXPECT_EQ(st.at("exit_code").as_int64(), 3);
  EXPECT_FALSE(st.contains("exit_signal"));

  // A process that dies later, by a signal nobody in bgo sent.
  start_ok("victim", {});
  const pid_t pid = row_pid(*row("victim"));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return state("victim").at("status").as_string() == "stopped"; }));
  st = state("victim");
  EXPECT_EQ(st.at("stop_reason").as_string(), "crashed");
  EXPECT_EQ(st.at("exit_signal").as_int64(), SIGKILL);
  EXPECT_TRUE(st.contains("stopped_at"));
  EXPECT_TRUE(zombie_children(daemon_pid()).empty());
}

TEST_F(DaemonTest, StopKillsTheWholeGroupAndEscalates) {
  start_ok("grp", {"--grandchild", "--ignore-term"});
  const pid_t grandchild = grandchild_of(home_ / "logs" / "grp.out.log");
  ASSERT_GT(grandchild, 0);
  extra_pids_.push_back(grandchild);
  const pid_t pid = row_pid(*row("grp"));
  const auto begin = std::chrono::steady_clock::now();
  RunResult r = bgo({"stop", "grp", "--timeout", "0.3"});
  const auto took = std::chrono::steady_clock::now() - begin;
  ASSERT_EQ(r.code, 0) << r.err;
  // It ignored SIGTERM, so only the SIGKILL after the grace period ended it.
  EXPECT_GE(took, 300ms);
  EXPECT_FALSE(pid_alive(pid));
  EXPECT_EQ(state("grp").at("exit_signal").as_int64(), SIGKILL);
  EXPECT_TRUE(wait_until([&] { return !pid_alive(grandchild); }, 2s));
}

TEST_F(DaemonTest, ForcedStopKillsAtOnce) {
  start_ok("stubborn", {"--grandchild", "--ignore-term"});
  const pid_t grandchild = grandchild_of(home_ / "logs" / "stubborn.out.log");
  ASSERT_GT(grandchild, 0);
  extra_pids_.push_back(grandchild);
  const pid_t pid = row_pid(*row("stubborn"));
  const auto begin = std::chrono::steady_clock::now();
  RunResult r = bgo({"stop", "-f", "stubborn"});  // default grace: 5 s
  const auto took = std::chrono::steady_clock::now() - begin;
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Killed 'stubborn' (PID: " + std::to_string(pid) + ")")) << r.out;
  EXPECT_LT(took, 2500ms);  // well inside the 5 s grace it did not wait for
  EXPECT_FALSE(pid_alive(pid));
  EXPECT_TRUE(wait_until([&] { return !pid_alive(grandchild); }, 2s));
  // Stopping it again is a no-op with a warning, exit 0.
  r = bgo({"stop", "stubborn"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "Process 'stubborn' is not running")) << r.out;
}

// Stops wait on bgod's loop, not in it: while four grace periods run, bgod answers.
TEST_F(DaemonTest, ConcurrentStopsDoNotBlockTheDaemon) {
  constexpr size_t k_count = 4;
  std::vector<pid_t> pids(k_count), grandchildren(k_count);
  in_parallel(k_count, [&](size_t i) {
    start_ok("slow" + std::to_string(i), {"--grandchild", "--ignore-term"});
  });
  for (size_t i = 0; i < k_count; ++i) {
    const std::string name = "slow" + std::to_string(i);
    pids[i] = row_pid(*row(name));
    grandchildren[i] = grandchild_of(home_ / "logs" / (name + ".out.log"));
    ASSERT_GT(grandchildren[i], 0);
    extra_pids_.push_back(grandchildren[i]);
  }
  std::atomic<size_t> finished{0};
  std::vector<RunResult> results(k_count);
  std::thread stoppers([&] {
    in_parallel(k_count, [&](size_t i) {
      results[i] = bgo({"stop", "slow" + std::to_string(i), "--timeout", "2"});
      ++finished;
    });
  });
  // The grandchildren do not ignore SIGTERM: once all are gone, every stop is under way.
  EXPECT_TRUE(wait_until(
      [&] { return std::none_of(grandchildren.begin(), grandchildren.end(), pid_alive); }));
  RunResult status = bgo({"status", "--json"});
  EXPECT_EQ(status.code, 0);
  EXPECT_EQ(finished.load(), 0u) << "bgod answered only after a stop finished";
  for (pid_t p : pids) EXPECT_TRUE(pid_alive(p));
  stoppers.join();
  for (size_t i = 0; i < k_count; ++i) {
    EXPECT_EQ(results[i].code, 0) << results[i].err;
    EXPECT_FALSE(pid_alive(pids[i]));
  }
}

TEST_F(DaemonTest, RestartKeepsCountersUnlessAskedToReset) {
  start_ok("rc", {}, {"-w"});
  // Counters as a watcher would have left them (written while no bgod runs).
  ASSERT_EQ(bgo({"daemon", "stop", "--keep-children"}).code, 0);
  json::object st = state("rc");
  st["watch"].as_object()["restarts"] = 7;
  st["watch"].as_object()["last_restart_at"] = "2025-03-01T10:15:42+00:00";
  { std::ofstream(home_ / "procs" / "rc.json") << json::serialize(st); }
  const auto first = static_cast<pid_t>(st.at("pid").as_int64());

  RunResult r = bgo({"restart", "rc"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Stopping 'rc'...")) << r.out;
  EXPECT_TRUE(contains(r.out, "Started 'rc' (PID: ")) << r.out;
  EXPECT_FALSE(pid_alive(first));
  const pid_t second = row_pid(*row("rc"));
  EXPECT_NE(second, first);
  EXPECT_EQ(state("rc").at("watch").at("restarts").as_int64(), 7);

  r = bgo({"restart", "--reset-counters", "rc"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(pid_alive(second));
  st = state("rc");
  EXPECT_EQ(st.at("watch").at("restarts").as_int64(), 0);
  EXPECT_TRUE(st.at("watch").at("last_restart_at").is_null());
  EXPECT_EQ(st.at("status").as_string(), "running");

  // A stopped process restarts without the "Stopping" line.
  ASSERT_EQ(bgo({"stop", "rc"}).code, 0);
  r = bgo({"restart", "rc"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(contains(r.out, "Stopping")) << r.out;
  EXPECT_EQ(row("rc")->at("status").as_string(), "online");
}

// A stop that arrives while a restart is still stopping the process has the last word.
TEST_F(DaemonTest, StopDuringRestartWins) {
  start_ok("both", {"--grandchild", "--ignore-term"});
  const pid_t grandchild = grandchild_of(home_ / "logs" / "both.out.log");
  ASSERT_GT(grandchild, 0);
  extra_pids_.push_back(grandchild);
  const pid_t pid = row_pid(*row("both"));
  RunResult restart;
  std::thread restarter([&] { restart = bgo({"restart", "both"}); });
  // The grandchild dies of the restart's SIGTERM; the child itself ignores it.
  ASSERT_TRUE(wait_until([&] { return !pid_alive(grandchild); }));
  RunResult stop = bgo({"stop", "-f", "both"});
  restarter.join();
  EXPECT_EQ(stop.code, 0) << stop.err;
  EXPECT_EQ(restart.code, 1);
  EXPECT_TRUE(contains(restart.err, "was stopped before it could restart")) << restart.err;
  EXPECT_FALSE(pid_alive(pid));
  EXPECT_EQ(row("both")->at("status").as_string(), "stopped");
  EXPECT_EQ(state("both").at("stop_reason").as_string(), "user");
}

TEST_F(DaemonTest, DeleteStopsFirstAndKeepsLogsOnRequest) {
  start_ok("del", {"--lines", "1"});
  const pid_t pid = row_pid(*row("del"));
  // Without a terminal to ask, a running process needs -y.
  RunResult r = bgo({"delete", "del"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "-y")) << r.err;
  EXPECT_TRUE(pid_alive(pid));

  r = bgo({"rm", "-y", "del"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Deleted 'del'")) << r.out;
  EXPECT_FALSE(pid_alive(pid));
  EXPECT_FALSE(row("del"));
  EXPECT_FALSE(std::filesystem::exists(home_ / "procs" / "del.json"));
  EXPECT_FALSE(std::filesystem::exists(home_ / "logs" / "del.out.log"));
  EXPECT_FALSE(std::filesystem::exists(home_ / "logs" / "del.err.log"));

  start_ok("keep", {"--lines", "1"});
  ASSERT_EQ(bgo({"stop", "keep"}).code, 0);
  r = bgo({"delete", "--keep-logs", "keep"});  // stopped: no question asked
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Deleted 'keep' (logs kept)")) << r.out;
  EXPECT_FALSE(std::filesystem::exists(home_ / "procs" / "keep.json"));
  EXPECT_TRUE(contains(read_file(home_ / "logs" / "keep.out.log"), "line 1"));
}

TEST_F(DaemonTest, CleanForgetsEveryStoppedProcessAndKeepsLogs) {
  start_ok("alive", {});
  start_ok("user-stopped", {"--lines", "1"});
  ASSERT_EQ(bgo({"stop", "user-stopped"}).code, 0);
  EXPECT_EQ(
      bgo({"start", "crashed", "--", bin("bgo_test_child"), "--after", "0", "--exit", "1"}).code,
      1);
  RunResult r = bgo({"clean"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Cleaned up 2 stopped process(es): crashed, user-stopped")) << r.out;
  auto rows = status_json().as_array();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("name").as_string(), "alive");
  EXPECT_TRUE(std::filesystem::exists(home_ / "logs" / "user-stopped.out.log"));
  EXPECT_FALSE(std::filesystem::exists(home_ / "procs" / "user-stopped.json"));
  r = bgo({"clean"});
  EXPECT_TRUE(contains(r.out, "Nothing to clean up.")) << r.out;
}

TEST_F(DaemonTest, ResurrectFollowsTheAutostartPolicy) {
  start_ok("user-stopped", {});
  ASSERT_EQ(bgo({"stop", "user-stopped"}).code, 0);
  start_ok("crashed", {});
  start_ok("never", {}, {"--autostart", "never"});
  start_ok("always", {}, {"--autostart", "always"});
  ASSERT_EQ(bgo({"stop", "always"}).code, 0);
  for (const std::string name : {"crashed", "never"}) {
    const pid_t pid = row_pid(*row(name));
    ::kill(pid, SIGKILL);
    ASSERT_TRUE(wait_until([&] { return state(name).at("status").as_string() == "stopped"; }));
  }
  RunResult r = bgo({"resurrect"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Resurrecting 2 process(es)...")) << r.out;
  EXPECT_TRUE(contains(r.out, "All 2 process(es) resurrected")) << r.out;
  EXPECT_EQ(row("always")->at("status").as_string(), "online");
  EXPECT_EQ(row("crashed")->at("status").as_string(), "online");
  EXPECT_EQ(row("never")->at("status").as_string(), "stopped");
  EXPECT_EQ(row("user-stopped")->at("status").as_string(), "stopped");
  EXPECT_EQ(state("always").at("autostart").as_string(), "always");
  r = bgo({"resurrect"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "No processes to resurrect (all running, stopped, or disabled)."))
      << r.out;
}

TEST_F(DaemonTest, RestartStoppedAndRestartLast) {
  start_ok("a", {});
  start_ok("b", {});
  start_ok("c", {});
  ASSERT_EQ(bgo({"stop", "a"}).code, 0);
  ASSERT_EQ(bgo({"stop", "c"}).code, 0);  // stopped last: first in restart-last order

  RunResult r = bgo({"restart-stopped", "a", "ghost"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "Unknown process(es): ghost")) << r.err;
  EXPECT_EQ(row("a")->at("status").as_string(), "stopped");

  // No terminal for the menu: names or --all are required.
  r = bgo({"restart-stopped"});
  EXPECT_EQ(r.code, 1);
  r = bgo({"restart-last"});
  EXPECT_EQ(r.code, 1);

  r = bgo({"restart-stopped", "a", "b"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Skipping (already running): b")) << r.out;
  EXPECT_TRUE(contains(r.out, "Restarting 1 process(es)...")) << r.out;
  EXPECT_TRUE(contains(r.out, "Started 'a'")) << r.out;
  EXPECT_EQ(row("a")->at("status").as_string(), "online");

  ASSERT_EQ(bgo({"stop", "b"}).code, 0);  // now b is the most recent stop, then c
  r = bgo({"restart-last", "--all"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "All 2 process(es) restarted")) << r.out;
  const size_t b_at = r.out.find("Started 'b'"), c_at = r.out.find("Started 'c'");
  ASSERT_NE(b_at, std::string::npos);
  ASSERT_NE(c_at, std::string::npos);
  EXPECT_LT(b_at, c_at) << r.out;

  r = bgo({"restart-stopped", "--all"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "No stopped processes to restart.")) << r.out;
  for (const std::string name : {"a", "b", "c"}) {
    EXPECT_EQ(row(name)->at("status").as_string(), "online") << name;
  }
}

// Reading never writes: bgod records events; listing them leaves the files alone. (`bgo NAME`
// shows a process whose name is no command: not `down`, since `bgo down` exists.)
TEST_F(DaemonTest, StatusNeverRewritesState) {
  start_ok("up", {});
  start_ok("gone", {});
  ::kill(row_pid(*row("gone")), SIGKILL);
  ASSERT_TRUE(wait_until([&] { return state("gone").at("status").as_string() == "stopped"; }));
  const std::string up = read_file(home_ / "procs" / "up.json");
  const std::string gone = read_file(home_ / "procs" / "gone.json");
  struct stat before {};
  ASSERT_EQ(::stat((home_ / "procs" / "gone.json").c_str(), &before), 0);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"status"}, {"status", "--json"}, {"ls", "gone"}, {"list"}, {"gone"}}) {
    EXPECT_EQ(bgo(args).code, 0) << args[0];
  }
  EXPECT_EQ(read_file(home_ / "procs" / "up.json"), up);
  EXPECT_EQ(read_file(home_ / "procs" / "gone.json"), gone);
  struct stat after {};
  ASSERT_EQ(::stat((home_ / "procs" / "gone.json").c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);  // never replaced
}

// 200 children that exit at once: every one reaped, no descriptor left behind.
TEST_F(DaemonTest, StartCrashCyclesLeakNothing) {
  // /bin/false, not the sanitized test child: its exit must fall within the 100 ms start probe
  // even on a loaded machine.
  const std::vector<std::string> quick = {"--", "/bin/false"};
  auto cycle = [&](const std::string& name) {
    std::vector<std::string> args{"start", name};
    args.insert(args.end(), quick.begin(), quick.end());
    return bgo(args);
  };
  ASSERT_EQ(bgo({"status"}).code, 0);
  const pid_t daemon = daemon_pid();
  ASSERT_GT(daemon, 0);
  const size_t fds_idle = settled_daemon_fds(daemon).size();
  constexpr size_t k_names = 4;
  for (size_t i = 0; i < k_names; ++i) ASSERT_EQ(cycle("c" + std::to_string(i)).code, 1);
  const size_t fds_before = settled_daemon_fds(daemon).size();
  // Four clients at a time, 200 cycles in all.
  std::atomic<int> unexpected{0};
  in_parallel(k_names, [&](size_t i) {
    for (int k = 0; k < 50; ++k) {
      RunResult r = cycle("c" + std::to_string(i));
      if (r.code != 1 || !contains(r.err, "exited immediately")) ++unexpected;
    }
  });
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_TRUE(wait_until([&] { return zombie_children(daemon).empty(); }, 2s));
  // A pipe may close a moment after its exit was answered (the drain is bounded by a timer).
  EXPECT_TRUE(wait_until([&] { return settled_daemon_fds(daemon).size() == fds_before; }, 3s))
      << fds_before << " before, now:\n"
      << describe_fds(daemon);
  // Forgetting processes releases their log descriptors too: back to an idle daemon's.
  for (int k = 0; k < 2; ++k) ASSERT_EQ(cycle("extra" + std::to_string(k)).code, 1);
  ASSERT_EQ(bgo({"delete", "--keep-logs", "extra0"}).code, 0);
  ASSERT_EQ(bgo({"delete", "extra1"}).code, 0);
  ASSERT_EQ(bgo({"clean"}).code, 0);
  // ... plus the one socket to the pipe keeper, started with the first child.
  const pid_t keeper = keeper_of(daemon);
  ASSERT_GT(keeper, 0);
  EXPECT_TRUE(wait_until([&] { return settled_daemon_fds(daemon).size() == fds_idle + 1; }, 3s))
      << fds_idle << " + 1 expected, now:\n"
      << describe_fds(daemon);
  // The keeper let go of every pipe whose child has exited: stdio and its socket remain.
  EXPECT_TRUE(wait_until(
      [&] {
        return open_fds(keeper) == std::vector<int>{0, 1, 2, 3};
      },
      2s))
      << open_fds(keeper).size();
  EXPECT_TRUE(zombie_children(daemon).empty());
}

TEST_F(DaemonTest, ConcurrentClientsStartExactlyOneDaemon) {
  std::vector<RunResult> results(8);
  in_parallel(8, [&](size_t i) { results[i] = bgo({"status"}); });
  for (const auto& r : results) EXPECT_EQ(r.code, 0) << r.err;
  const auto daemons = daemons_for(home_);
  ASSERT_EQ(daemons.size(), 1u);
  EXPECT_EQ(daemons[0], daemon_pid());
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);
  EXPECT_TRUE(wait_until([&] { return daemons_for(home_).empty(); }, 2s));
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgo.sock"));
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgod.pid"));
  RunResult r = bgo({"daemon", "stop"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "bgod is not running")) << r.out;
  EXPECT_TRUE(daemons_for(home_).empty());  // `daemon stop` never starts one
}

TEST_F(DaemonTest, DaemonStopLeavesNoDaemonAndNoSocket) {
  start_ok("a", {});
  const pid_t daemon = daemon_pid();
  ASSERT_GT(daemon, 0);
  const pid_t keeper = keeper_of(daemon);
  EXPECT_GT(keeper, 0);
  RunResult r = bgo({"daemon", "stop"});
  ASSERT_EQ(r.code, 0) << r.err;
  // It has exited (its lock is free) once `daemon stop` returns; init reaps it a moment later.
  EXPECT_TRUE(wait_until([&] { return !pid_alive(daemon); }, std::chrono::seconds(2)));
  // Its pipe keeper follows: bgod is gone and so is every writer of the pipes it held.
  EXPECT_TRUE(wait_until([&] { return !pid_alive(keeper); }, std::chrono::seconds(2)));
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgo.sock"));
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgod.pid"));
  EXPECT_EQ(state("a").at("stop_reason").as_string(), "daemon");
  r = bgo({"daemon", "status"});
  EXPECT_EQ(r.code, 3);
}

}  // namespace
}  // namespace bgo::test
