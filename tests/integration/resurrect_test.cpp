// SPDX-License-Identifier: MIT
// What survives bgod: shutdown and the next start (Appendix D #9–#11), the state files it
// reads (a Python bgo's, a broken one) and how it writes them (spec §1.3, §1.4).
#include <fcntl.h>
#include <fstream>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill() and SIGKILL
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/process_probe.hpp"

extern char** environ;

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class ResurrectTest : public DaemonTest {
 protected:
  void write_state(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(home_ / "procs");
    std::ofstream(home_ / "procs" / (name + ".json")) << text;
  }

  std::map<std::string, pid_t> online_pids() {
    std::map<std::string, pid_t> out;
    json::value rows = status_json();
    if (!rows.is_array()) return out;
    for (const auto& r : rows.as_array()) {
      if (r.at("status").as_string() != "online") continue;
      out[std::string(r.at("name").as_string())] = static_cast<pid_t>(r.at("pid").as_int64());
    }
    return out;
  }

  // Starts bgod directly (this test is its parent), with extra flags.
  pid_t start_daemon(std::vector<std::string> flags) {
    flags.insert(flags.begin(), {bin("bgod"), "--foreground"});
    std::vector<char*> argv;
    argv.reserve(flags.size() + 1);
    for (auto& f : flags) argv.push_back(f.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings{"BGO_HOME=" + home_.string(), "PATH=/usr/bin:/bin"};
    std::vector<char*> envp;
    envp.reserve(env_strings.size() + 1);
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::filesystem::create_directories(home_);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    const std::string log = (home_ / "bgod.log").string();
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid = 0;
    EXPECT_EQ(::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data()), 0);
    posix_spawn_file_actions_destroy(&fa);
    EXPECT_TRUE(wait_until([&] { return std::filesystem::exists(home_ / "bgo.sock"); }));
    return pid;
  }
};

// Appendix D #9–#10: shutting bgod down stops every child in parallel and records
// stop_reason "daemon"; the next bgod starts them again according to their policy.
TEST_F(ResurrectTest, ShutdownStopsEveryChildAndTheNextDaemonBringsThemBack) {
  constexpr size_t k_count = 20;
  in_parallel(k_count, [&](size_t i) { start_ok("s" + std::to_string(i), {}); });
  start_ok("never", {}, {"--autostart", "never"});
  start_ok("user-stopped", {});
  ASSERT_EQ(bgo({"stop", "user-stopped"}).code, 0);
  start_ok("always-stopped", {}, {"--autostart", "always"});
  ASSERT_EQ(bgo({"stop", "always-stopped"}).code, 0);
  const auto before = online_pids();
  ASSERT_EQ(before.size(), k_count + 1);

  const auto begin = std::chrono::steady_clock::now();
  RunResult r = bgo({"daemon", "stop"});
  const auto took = std::chrono::steady_clock::now() - begin;
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_LT(took, 5s);  // in parallel, inside one grace period (each leaves on SIGTERM)
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgo.sock"));
  for (const auto& [name, pid] : before) {
    EXPECT_FALSE(pid_alive(pid)) << name;
    const json::object st = state(name);
    EXPECT_EQ(st.at("status").as_string(), "stopped") << name;
    EXPECT_EQ(st.at("stop_reason").as_string(), "daemon") << name;
  }

  const auto after = online_pids();  // starts the next bgod
  std::set<std::string> expected;
  for (size_t i = 0; i < k_count; ++i) expected.insert("s" + std::to_string(i));
  expected.insert("always-stopped");
  std::set<std::string> got;
  for (const auto& [name, pid] : after) {
    got.insert(name);
    if (before.count(name) != 0) {
      EXPECT_NE(pid, before.at(name)) << name;
    }
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(state("never").at("stop_reason").as_string(), "daemon");
  EXPECT_EQ(state("user-stopped").at("stop_reason").as_string(), "user");
  // Already done at boot: an explicit resurrect finds nothing.
  r = bgo({"resurrect"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "No processes to resurrect")) << r.out;
}

// SIGTERM is a graceful shutdown: children stopped (SIGKILL after the grace period for one
// that ignores SIGTERM), socket and pid file removed, exit status 0.
TEST_F(ResurrectTest, SigtermStopsChildrenEscalatesAndExitsZero) {
  const pid_t daemon = start_daemon({"--stop-timeout", "0.3"});
  start_ok("polite", {});
  start_ok("stubborn", {"--ignore-term"});
  const auto pids = online_pids();
  ASSERT_EQ(pids.size(), 2u);
  ASSERT_EQ(::kill(daemon, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(daemon, &status, 0), daemon);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  for (const auto& [name, pid] : pids) EXPECT_FALSE(pid_alive(pid)) << name;
  EXPECT_EQ(state("polite").at("exit_signal").as_int64(), SIGTERM);
  EXPECT_EQ(state("stubborn").at("exit_signal").as_int64(), SIGKILL);
  EXPECT_EQ(state("stubborn").at("stop_reason").as_string(), "daemon");
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgo.sock"));
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgod.pid"));
}

// A shutdown that overtakes a stop or a restart keeps what the user meant: the stopped process
// stays stopped at the next start, the restarted one comes back (and no new child is spawned
// while bgod is going away).
TEST_F(ResurrectTest, ShutdownDuringAStopOrARestartKeepsTheUsersIntent) {
  const pid_t daemon = start_daemon({"--stop-timeout", "1"});
  start_ok("stopping", {"--grandchild", "--ignore-term"});
  start_ok("restarting", {"--grandchild", "--ignore-term"});
  std::map<std::string, pid_t> grandchildren;
  for (const std::string name : {"stopping", "restarting"}) {
    const auto log = home_ / "logs" / (name + ".out.log");
    ASSERT_TRUE(wait_until([&] { return contains(read_file(log), "grandchild="); }));
    const std::string text = read_file(log);
    grandchildren[name] =
        static_cast<pid_t>(std::strtol(text.c_str() + text.find("grandchild=") + 11, nullptr, 10));
    extra_pids_.push_back(grandchildren[name]);
  }
  RunResult stop, restart;
  std::thread users([&] {
    in_parallel(2, [&](size_t i) {
      if (i == 0) {
        stop = bgo({"stop", "stopping", "--timeout", "1"});
      } else {
        restart = bgo({"restart", "restarting"});
      }
    });
  });
  // Their grandchildren die of the SIGTERM: both stops are under way.
  ASSERT_TRUE(wait_until([&] {
    return !pid_alive(grandchildren["stopping"]) && !pid_alive(grandchildren["restarting"]);
  }));
  ASSERT_EQ(::kill(daemon, SIGTERM), 0);
  ASSERT_EQ(::waitpid(daemon, nullptr, 0), daemon);
  users.join();
  EXPECT_EQ(stop.code, 0) << stop.err;
  EXPECT_EQ(restart.code, 1) << restart.out;
  EXPECT_EQ(state("stopping").at("stop_reason").as_string(), "user");
  EXPECT_EQ(state("restarting").at("stop_reason").as_string(), "daemon");
  EXPECT_EQ(state("restarting").at("status").as_string(), "stopped");
  EXPECT_FALSE(pid_alive(static_cast<pid_t>(state("restarting").at("pid").as_int64())));

  const auto after = online_pids();  // the next bgod
  EXPECT_EQ(after.count("restarting"), 1u);
  EXPECT_EQ(after.count("stopping"), 0u);
  EXPECT_EQ(bgo({"stop", "-f", "restarting"}).code, 0);  // it ignores SIGTERM: no 5 s teardown
}

// A file the Python bgo wrote (no start_ticks, pid_start text, no autostart key, a key of its
// own) is listed and, recorded running with its process gone, started again at bgod start.
TEST_F(ResurrectTest, PythonStateFileIsListedAndResurrected) {
  // A pid that surely is not that process any more: one of ours, reaped.
  pid_t gone = 0;
  char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
  ASSERT_EQ(::posix_spawn(&gone, argv[0], nullptr, nullptr, argv, environ), 0);
  ASSERT_EQ(::waitpid(gone, nullptr, 0), gone);
  const std::string child = bin("bgo_test_child");
  write_state("web", R"({
  "name": "web",
  "pid": )" + std::to_string(gone) +
                         R"(,
  "pgid": )" + std::to_string(gone) +
                         R"(,
  "command": [
    ")" + child + R"(",
    "--env",
    "HOME"
  ],
  "cwd": "/tmp",
  "started_at": "2025-03-01T10:15:42.123456+00:00",
  "status": "running",
  "pid_start": "Sat Mar  1 10:15:42 2025",
  "tool_note": "kept"
})");
  // Stopped by the user in the Python era (no stop_reason: legacy means "user").
  write_state("old", R"({"name": "old", "pid": null, "pgid": null, "command": [")" + child +
                         R"("], "cwd": "/tmp", "started_at": "2025-03-01T10:15:42+00:00",
                         "status": "stopped", "stopped_at": "2025-03-02T08:00:00+00:00"})");
  auto web = row("web");
  ASSERT_TRUE(web);
  EXPECT_EQ(web->at("status").as_string(), "online");
  const auto pid = static_cast<pid_t>(web->at("pid").as_int64());
  EXPECT_NE(pid, gone);
  EXPECT_TRUE(pid_alive(pid));
  EXPECT_EQ(row("old")->at("status").as_string(), "stopped");

  const json::object st = state("web");
  EXPECT_EQ(st.at("status").as_string(), "running");
  EXPECT_EQ(st.at("autostart").as_string(), "unless-stopped");  // legacy files gain it
  EXPECT_TRUE(st.at("start_ticks").is_number());
  EXPECT_NE(st.at("pid_start").as_string(), "Sat Mar  1 10:15:42 2025");
  EXPECT_EQ(st.at("tool_note").as_string(), "kept");
  EXPECT_EQ(st.at("command").as_array().size(), 3u);
  // It runs with bgod's environment (the Python file recorded none).
  const auto log = home_ / "logs" / "web.out.log";
  EXPECT_TRUE(wait_until([&] { return contains(read_file(log), "HOME=/"); })) << read_file(log);
}

TEST_F(ResurrectTest, BrokenStateFileHidesNothingElse) {
  const std::string child = bin("bgo_test_child");
  for (const std::string name : {"a", "b", "c"}) {
    std::string state = R"({"name": ")";
    state += name;
    state += R"(", "pid": null, "command": [")";
    state += child;
    state += R"("], "cwd": "/tmp", "status": "stopped", "stop_reason": "user"})";
    write_state(name, state);
  }
  const std::string truncated = R"({"name": "broken", "pid": 12, "comm)";
  write_state("broken", truncated);

  RunResult r = bgo({"status"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "broken.json")) << r.err;
  for (const std::string name : {"a", "b", "c"}) EXPECT_TRUE(contains(r.out, name)) << r.out;
  EXPECT_EQ(status_json().as_array().size(), 3u);
  EXPECT_TRUE(contains(read_file(home_ / "bgod.log"), "broken.json"));

  // The healthy ones are fully controllable.
  r = bgo({"restart-stopped", "--all"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "All 3 process(es) restarted")) << r.out;
  EXPECT_EQ(online_pids().size(), 3u);
  EXPECT_EQ(bgo({"stop", "b"}).code, 0);
  EXPECT_EQ(bgo({"delete", "-y", "c"}).code, 0);
  EXPECT_EQ(status_json().as_array().size(), 2u);
  // The broken file itself is left for the user to inspect.
  EXPECT_EQ(read_file(home_ / "procs" / "broken.json"), truncated);
  // Starting a process of that name replaces it, and the complaint goes away.
  start_ok("broken", {});
  r = bgo({"status"});
  EXPECT_FALSE(contains(r.err, "broken.json")) << r.err;
}

// Spec §1.3/§1.4: whole files replaced by rename (no temp file left behind, owner-only mode),
// in the Python bgo's shape: 2-space indent, its key order first, no trailing newline.
TEST_F(ResurrectTest, StateFilesAreReplacedAtomicallyInThePythonShape) {
  start_ok("shape", {}, {"-w"});
  ASSERT_EQ(bgo({"restart", "shape"}).code, 0);
  ASSERT_EQ(bgo({"stop", "shape"}).code, 0);
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(home_ / "procs")) {
    names.push_back(e.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"shape.json"});
  struct stat st {};
  ASSERT_EQ(::stat((home_ / "procs" / "shape.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string text = read_file(home_ / "procs" / "shape.json");
  ASSERT_FALSE(text.empty());
  EXPECT_NE(text.back(), '\n');
  EXPECT_EQ(text.rfind("{\n  \"name\": \"shape\",\n  \"pid\": ", 0), 0u) << text;
  const std::vector<std::string> order = {
      "\"name\"",        "\"pid\"",        "\"pgid\"",       "\"command\"",   "\"cwd\"",
      "\"started_at\"",  "\"status\"",     "\"autostart\"",  "\"pid_start\"", "\"watch\"",
      "\"stop_reason\"", "\"stopped_at\"", "\"start_ticks\""};
  size_t last = 0;
  for (const auto& key : order) {
    const size_t at = text.find("\n  " + key + ":");
    ASSERT_NE(at, std::string::npos) << key;
    EXPECT_GT(at, last) << key;
    last = at;
  }
}

}  // namespace
}  // namespace bgo::test
