// SPDX-License-Identifier: MIT
// A new bgod adopts what an earlier one left running (issue #3, Appendix D #3, #10, #11):
// after kill -9, after `daemon stop --keep-children`, and from a Python-bgo state file, but
// never a process that merely got a recorded pid back.
#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill() and SIGKILL
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/process_probe.hpp"

extern char** environ;

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class AdoptionTest : public DaemonTest {
 protected:
  void TearDown() override {
    DaemonTest::TearDown();
    // Foreign processes are this test's own children: reap them.
    for (pid_t p : foreign_) {
      ::kill(p, SIGKILL);
      ::waitpid(p, nullptr, 0);
    }
  }

  // A bgo_test_child started outside bgo, in its own session: what an earlier bgo left behind.
  pid_t spawn_foreign(std::vector<std::string> args) {
    args.insert(args.begin(), bin("bgo_test_child"));
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    EXPECT_EQ(::posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    foreign_.push_back(pid);
    return pid;
  }

  void write_state(const std::string& name, const json::object& o) {
    std::filesystem::create_directories(home_ / "procs");
    std::ofstream(home_ / "procs" / (name + ".json")) << json::serialize(o);
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

  std::vector<pid_t> foreign_;
};

std::string ps_lstart(pid_t pid) {
  const std::string cmd = "ps -o lstart= -p " + std::to_string(pid);
  // NOLINTNEXTLINE(cert-env33-c): the reference is procps' own output, so run ps itself
  FILE* f = ::popen(cmd.c_str(), "r");
  if (f == nullptr) return {};
  char buf[128] = {};
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  ::pclose(f);
  std::string out(buf, n);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// Write system calls made so far by `pid` (/proc/<pid>/io "syscw"); 0 when unreadable.
uint64_t writes_of(pid_t pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/io");
  const size_t at = text.find("syscw: ");
  return at == std::string::npos ? 0 : std::stoull(text.substr(at + 7));
}

// The N of each "tick N" line in a log, in order.
std::vector<long> ticks_in(const std::string& log) {
  std::vector<long> out;
  for (size_t at = log.find("\ntick "); at != std::string::npos; at = log.find("\ntick ", at + 1)) {
    out.push_back(std::strtol(log.c_str() + at + 6, nullptr, 10));
  }
  return out;
}

bool contiguous_from_one(const std::vector<long>& ticks) {
  for (size_t i = 0; i < ticks.size(); ++i) {
    if (ticks[i] != static_cast<long>(i) + 1) return false;
  }
  return true;
}

uint64_t start_ticks_of(pid_t pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/stat");
  size_t pos = text.rfind(')') + 2;
  for (int field = 3; field < 22; ++field) pos = text.find(' ', pos) + 1;
  return std::stoull(text.substr(pos));
}

TEST_F(AdoptionTest, KillNineWithTwentyChildrenAdoptsAllAndStopsThem) {
  constexpr size_t k_count = 20;
  in_parallel(k_count, [&](size_t i) { start_ok("p" + std::to_string(i), {}); });
  const auto before = online_pids();
  ASSERT_EQ(before.size(), k_count);
  const pid_t old = crash_daemon();
  for (const auto& [name, pid] : before) EXPECT_TRUE(pid_alive(pid)) << name;

  // The next call starts a new bgod, which adopts every one: same pids, nothing started twice.
  const auto after = online_pids();
  EXPECT_EQ(after, before);
  const pid_t fresh = daemon_pid();
  EXPECT_NE(fresh, old);
  EXPECT_EQ(daemons_for(home_), std::vector<pid_t>{fresh});
  for (const auto& [name, pid] : before) {
    const json::object st = state(name);
    EXPECT_EQ(st.at("status").as_string(), "running") << name;
    EXPECT_EQ(st.at("pid").as_int64(), pid) << name;
    const std::string log = read_file(home_ / "logs" / (name + ".out.log"));
    size_t markers = 0;
    for (size_t at = log.find("[Starting]"); at != std::string::npos;
         at = log.find("[Starting]", at + 1)) {
      ++markers;
    }
    EXPECT_EQ(markers, 1u) << name;
  }

  std::vector<RunResult> stops(k_count);
  in_parallel(k_count, [&](size_t i) { stops[i] = bgo({"stop", "p" + std::to_string(i)}); });
  for (size_t i = 0; i < k_count; ++i) {
    const std::string name = "p" + std::to_string(i);
    EXPECT_EQ(stops[i].code, 0) << stops[i].err;
    EXPECT_TRUE(stops[i].out.find("Stopped '" + name + "'") != std::string::npos) << stops[i].out;
    EXPECT_FALSE(pid_alive(before.at(name))) << name;
    const json::object st = state(name);
    EXPECT_EQ(st.at("status").as_string(), "stopped");
    EXPECT_EQ(st.at("stop_reason").as_string(), "user");
  }
  EXPECT_TRUE(online_pids().empty());
  // Every pidfd of the adopted processes is closed again.
  for (int fd : settled_daemon_fds(fresh)) {
    EXPECT_NE(fd_target(fresh, fd), "anon_inode:[pidfd]") << "fd " << fd;
  }
}

TEST_F(AdoptionTest, AdoptedProcessThatDiesIsRecordedAndItsGroupIsStopped) {
  start_ok("dies", {});
  start_ok("grp", {"--grandchild", "--ignore-term"});
  const auto log = home_ / "logs" / "grp.out.log";
  ASSERT_TRUE(wait_until([&] { return read_file(log).find("grandchild=") != std::string::npos; }));
  const std::string text = read_file(log);
  const auto grandchild =
      static_cast<pid_t>(std::strtol(text.c_str() + text.find("grandchild=") + 11, nullptr, 10));
  extra_pids_.push_back(grandchild);
  const auto pids = online_pids();
  crash_daemon();
  ASSERT_EQ(online_pids(), pids);

  // Not bgod's child any more: its end is seen through the pidfd.
  ASSERT_EQ(::kill(pids.at("dies"), SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return state("dies").at("status").as_string() == "stopped"; }));
  EXPECT_EQ(state("dies").at("stop_reason").as_string(), "crashed");
  EXPECT_EQ(row("dies")->at("status").as_string(), "stopped");

  // The whole group goes, SIGTERM first, SIGKILL after the grace period.
  const auto begin = std::chrono::steady_clock::now();
  RunResult r = bgo({"stop", "grp", "--timeout", "0.3"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 300ms);
  EXPECT_FALSE(pid_alive(pids.at("grp")));
  EXPECT_TRUE(wait_until([&] { return !pid_alive(grandchild); }, 2s));
  EXPECT_EQ(state("grp").at("stop_reason").as_string(), "user");
}

TEST_F(AdoptionTest, KeepChildrenLeavesThemForTheNextDaemon) {
  in_parallel(3, [&](size_t i) { start_ok("k" + std::to_string(i), {}); });
  const auto before = online_pids();
  ASSERT_EQ(before.size(), 3u);
  const pid_t old = daemon_pid();
  RunResult r = bgo({"daemon", "stop", "--keep-children"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(wait_until([&] { return !pid_alive(old); }, 2s));
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgo.sock"));
  for (const auto& [name, pid] : before) {
    EXPECT_TRUE(pid_alive(pid)) << name;
    EXPECT_EQ(state(name).at("status").as_string(), "running") << name;
  }
  EXPECT_EQ(online_pids(), before);
  EXPECT_NE(daemon_pid(), old);
  ASSERT_EQ(bgo({"stop", "k1"}).code, 0);
  EXPECT_FALSE(pid_alive(before.at("k1")));
}

// While no bgod runs (after kill -9, or `daemon stop --keep-children` for an upgrade), a child
// that writes neither dies of SIGPIPE nor loses a line: bgod's pipe keeper still holds the
// read ends, and the next bgod re-opens them through /proc/PID/fd and logs what was waiting.
TEST_F(AdoptionTest, OutputWrittenWhileNoDaemonRunsIsKeptAndLogged) {
  for (const bool crash : {true, false}) {
    const std::string name = crash ? "after-crash" : "after-keep";
    start_ok(name, {"--tick", "20"});
    const pid_t pid = online_pids().at(name);
    const auto log = home_ / "logs" / (name + ".out.log");
    ASSERT_TRUE(wait_until([&] { return ticks_in(read_file(log)).size() >= 2; }));
    if (crash) {
      crash_daemon();
    } else {
      const pid_t old = daemon_pid();
      ASSERT_EQ(bgo({"daemon", "stop", "--keep-children"}).code, 0);
      ASSERT_TRUE(wait_until([&] { return !pid_alive(old); }));
    }
    const uint64_t writes = writes_of(pid);
    ASSERT_TRUE(wait_until([&] { return !pid_alive(pid) || writes_of(pid) >= writes + 3; }));
    ASSERT_TRUE(pid_alive(pid)) << name << " died writing to a pipe nobody reads";
    const size_t logged = ticks_in(read_file(log)).size();
    EXPECT_EQ(online_pids().at(name), pid);  // the next bgod adopts it
    ASSERT_TRUE(wait_until([&] { return ticks_in(read_file(log)).size() >= logged + 6; }));
    const auto ticks = ticks_in(read_file(log));
    EXPECT_TRUE(contiguous_from_one(ticks)) << read_file(log);
    ASSERT_EQ(bgo({"stop", name}).code, 0);
  }
}

// A keeper that was killed is replaced for the children that follow (and bgod reaps it).
TEST_F(AdoptionTest, KilledPipeKeeperIsReplaced) {
  start_ok("first", {});
  const pid_t daemon = daemon_pid();
  const pid_t keeper = keeper_of(daemon);
  ASSERT_GT(keeper, 0);
  ASSERT_EQ(::kill(keeper, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return !pid_alive(keeper); }));
  start_ok("second", {"--tick", "20"});
  const pid_t next = keeper_of(daemon);
  EXPECT_GT(next, 0);
  EXPECT_NE(next, keeper);
  EXPECT_TRUE(wait_until([&] { return zombie_children(daemon).empty(); }, 2s));
  // The new keeper protects the second child through a bgod crash.
  const pid_t pid = online_pids().at("second");
  crash_daemon();
  const uint64_t writes = writes_of(pid);
  ASSERT_TRUE(wait_until([&] { return !pid_alive(pid) || writes_of(pid) >= writes + 3; }));
  EXPECT_TRUE(pid_alive(pid));
  EXPECT_EQ(online_pids().at("second"), pid);
}

// A recorded pid that now belongs to another process (other start time) is never adopted,
// never signalled; the entry counts as crashed and is started again.
TEST_F(AdoptionTest, RecycledPidIsNeitherAdoptedNorSignalled) {
  const pid_t stranger = spawn_foreign({});
  ASSERT_TRUE(wait_until([&] { return pid_alive(stranger); }));
  json::object st{{"name", "old"},
                  {"pid", stranger},
                  {"pgid", stranger},
                  {"command", json::array{bin("bgo_test_child")}},
                  {"cwd", "/"},
                  {"started_at", "2025-03-01T10:15:42.123456+00:00"},
                  {"status", "running"},
                  {"autostart", "unless-stopped"},
                  {"start_ticks", start_ticks_of(stranger) + 1}};
  write_state("old", st);
  auto old = row("old");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->at("status").as_string(), "online");  // resurrected, as a crash would be
  const auto fresh = static_cast<pid_t>(old->at("pid").as_int64());
  EXPECT_NE(fresh, stranger);
  ASSERT_EQ(bgo({"stop", "old"}).code, 0);
  EXPECT_FALSE(pid_alive(fresh));
  EXPECT_TRUE(pid_alive(stranger));
}

// The Python bgo's identity token is `ps -o lstart=` text; a process it started and that
// still runs is adopted (and can then be stopped) rather than started a second time.
TEST_F(AdoptionTest, ProcessStartedByPythonBgoIsAdopted) {
  const pid_t py = spawn_foreign({"--grandchild"});
  ASSERT_TRUE(wait_until([&] { return pid_alive(py); }));
  const std::string lstart = ps_lstart(py);
  ASSERT_FALSE(lstart.empty());
  write_state("legacy", json::object{{"name", "legacy"},
                                     {"pid", py},
                                     {"pgid", py},
                                     {"command", json::array{bin("bgo_test_child")}},
                                     {"cwd", "/tmp"},
                                     {"started_at", "2025-03-01T10:15:42.123456+00:00"},
                                     {"status", "running"},
                                     {"pid_start", lstart},
                                     {"extra_tool_key", json::array{1, "two"}}});
  auto legacy = row("legacy");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->at("status").as_string(), "online");
  EXPECT_EQ(legacy->at("pid").as_int64(), py);
  json::object st = state("legacy");
  EXPECT_EQ(st.at("start_ticks").as_int64(), static_cast<int64_t>(start_ticks_of(py)));
  EXPECT_EQ(st.at("extra_tool_key"), (json::array{1, "two"}));
  EXPECT_FALSE(st.contains("autostart"));  // still a legacy entry: default policy

  RunResult r = bgo({"stop", "legacy"});
  EXPECT_EQ(r.code, 0) << r.err;
  int status = 0;
  EXPECT_EQ(::waitpid(py, &status, 0), py);  // it is this test's child: reap it here
  foreign_.clear();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
  st = state("legacy");
  EXPECT_EQ(st.at("status").as_string(), "stopped");
  EXPECT_EQ(st.at("stop_reason").as_string(), "user");
  EXPECT_EQ(st.at("extra_tool_key"), (json::array{1, "two"}));
}

// A 0.2 file has no identity token at all: the process is adopted only if it still runs the
// recorded command; one that does not is left alone and the entry is started afresh.
TEST_F(AdoptionTest, PythonZeroTwoFileIsAdoptedOnlyByItsCommandLine) {
  const pid_t same = spawn_foreign({"--lines", "0"});
  const pid_t other = spawn_foreign({});
  ASSERT_TRUE(wait_until([&] { return pid_alive(same) && pid_alive(other); }));
  auto legacy = [&](const std::string& name, pid_t pid, json::array command) {
    write_state(name, json::object{{"name", name},
                                   {"pid", pid},
                                   {"pgid", pid},
                                   {"command", std::move(command)},
                                   {"cwd", "/tmp"},
                                   {"started_at", "2025-03-01T10:15:42.123456"},
                                   {"status", "running"}});
  };
  legacy("same", same, json::array{bin("bgo_test_child"), "--lines", "0"});
  legacy("other", other, json::array{bin("bgo_test_child"), "--lines", "1"});
  const auto same_row = row("same");
  ASSERT_TRUE(same_row);
  EXPECT_EQ(same_row->at("pid").as_int64(), same);
  const auto other_row = row("other");
  ASSERT_TRUE(other_row);
  EXPECT_NE(other_row->at("pid").as_int64(), other);  // a fresh copy, resurrected
  ASSERT_EQ(bgo({"stop", "other"}).code, 0);
  EXPECT_TRUE(pid_alive(other));
  ASSERT_EQ(bgo({"stop", "same"}).code, 0);
  EXPECT_EQ(::waitpid(same, nullptr, 0), same);
  foreign_.erase(std::find(foreign_.begin(), foreign_.end(), same));
}

}  // namespace
}  // namespace bgo::test
