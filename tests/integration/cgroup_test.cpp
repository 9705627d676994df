// SPDX-License-Identifier: MIT
// Whole-tree containment (issue #14): each child in a cgroup of its own, so a daemon that left
// the process group is still stopped, counted and measured; BGO_CGROUP=off keeps process groups.
// The cgroup tests need a cgroup2 that bgod may write (root here, or a delegated unit); where
// bgod reports process-group mode they are skipped with its reason.
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill() and SIGKILL
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <boost/json.hpp>

#include "common/proc_stat.hpp"
#include "tests/integration/daemon_harness.hpp"

extern char** environ;

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class CgroupTest : public DaemonTest {
 protected:
  json::object daemon_status(const std::map<std::string, std::string>& env = {}) {
    RunResult r = bgo({"daemon", "status", "--json"}, env);
    EXPECT_EQ(r.code, 0) << r.err;
    json::error_code ec;
    json::value v = json::parse(r.out, ec);
    if (ec || !v.is_object()) {
      ADD_FAILURE() << r.out;
      return {};
    }
    return v.as_object();
  }

  // The folder of this bgod's children's cgroups, or empty (with `reason_`) in process-group
  // mode. Starts bgod when none runs.
  std::string cgroup_folder() {
    RunResult r = bgo({"daemon", "start"});
    EXPECT_EQ(r.code, 0) << r.err;
    const json::object st = daemon_status();
    if (st.contains("containment") && st.at("containment") == "cgroup") {
      return std::string(st.at("cgroup").as_string());
    }
    reason_ = st.contains("containment_reason") ? json::serialize(st.at("containment_reason"))
                                                : "no containment key";
    return {};
  }

  // The pid `bgo_test_child --escape` printed as "escaped=<pid>", 0 when it did not.
  pid_t escaped_of(const std::string& name) {
    const auto log = home_ / "logs" / (name + ".out.log");
    if (!wait_until([&] { return contains(read_file(log), "escaped="); })) return 0;
    const std::string text = read_file(log);
    const auto pid =
        static_cast<pid_t>(std::strtol(text.c_str() + text.find("escaped=") + 8, nullptr, 10));
    extra_pids_.push_back(pid);
    return pid;
  }

  pid_t pid_of(const std::string& name) {
    const auto r = row(name);
    return r ? static_cast<pid_t>(r->at("pid").as_int64()) : 0;
  }

  void TearDown() override {
    DaemonTest::TearDown();
    for (const pid_t pid : own_children_) {
      EXPECT_TRUE(wait_until([&] { return ::waitpid(pid, nullptr, WNOHANG) != 0; }, 5s)) << pid;
    }
    // Deepest first; a pipe keeper may still hold a leaf for a moment after its bgod exited.
    for (auto it = cgroups_.rbegin(); it != cgroups_.rend(); ++it) {
      EXPECT_TRUE(wait_until([&] { return ::rmdir(it->c_str()) == 0 || errno == ENOENT; }, 5s))
          << *it;
    }
  }

  std::string reason_;
  std::vector<pid_t> own_children_;   // reaped in TearDown
  std::vector<std::string> cgroups_;  // made by the test, removed in TearDown
};

// The cgroup v2 path of `pid` ("0::" line of /proc/<pid>/cgroup), empty when none.
std::string cgroup_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return {};
}

std::string leaf_of(pid_t pid) {
  const std::string cgroup = cgroup_of(pid);
  return cgroup.substr(cgroup.rfind('/') + 1);
}

uint64_t rss_bytes(pid_t pid) {
  const auto st = read_proc_stat(pid);
  return st ? st->rss_pages * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

TEST_F(CgroupTest, StopEndsADaemonThatLeftTheProcessGroup) {
  const std::string folder = cgroup_folder();
  if (folder.empty()) GTEST_SKIP() << "bgod runs in process-group mode here: " << reason_;
  RunResult r = bgo({"daemon", "status"});
  EXPECT_TRUE(contains(r.out, "  Containment: cgroup " + folder)) << r.out;

  start_ok("esc", {"--escape"});
  const pid_t leader = pid_of("esc");
  const pid_t escaped = escaped_of("esc");
  ASSERT_GT(escaped, 0);
  // It left the session and the process group: a process-group stop would miss it.
  EXPECT_NE(::getsid(escaped), ::getsid(leader));
  EXPECT_NE(::getpgid(escaped), leader);
  const std::string leaf = leaf_of(leader);
  EXPECT_EQ(cgroup_of(escaped), cgroup_of(leader));
  EXPECT_TRUE(std::filesystem::is_directory(folder + "/" + leaf)) << folder << "/" << leaf;

  r = bgo({"stop", "esc"});
  ASSERT_EQ(r.code, 0) << r.err;
  // The stop answers once the whole cgroup is empty: nothing is left to wait for.
  EXPECT_FALSE(pid_alive(leader));
  EXPECT_FALSE(pid_alive(escaped));
  EXPECT_EQ(row("esc")->at("status").as_string(), "stopped");
  EXPECT_EQ(read_file(folder + "/" + leaf + "/cgroup.procs"), "");

  // The next start of the name reuses its empty cgroup (kept 10 s for that).
  start_ok("esc", {"--escape"});
  EXPECT_EQ(leaf_of(pid_of("esc")), leaf);
  ASSERT_EQ(bgo({"stop", "esc"}).code, 0);

  // A clean exit of bgod removes every cgroup it made, and its folder.
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);
  EXPECT_FALSE(std::filesystem::exists(folder));
}

// A finished child's empty cgroup waits 10 s for a restart of its name, then goes.
TEST_F(CgroupTest, IdleCgroupIsRemovedAfterItsGrace) {
  const std::string folder = cgroup_folder();
  if (folder.empty()) GTEST_SKIP() << "bgod runs in process-group mode here: " << reason_;
  start_ok("brief", {});
  const std::string leaf = folder + "/" + leaf_of(pid_of("brief"));
  const auto stopped = std::chrono::steady_clock::now();
  ASSERT_EQ(bgo({"stop", "brief"}).code, 0);
  EXPECT_TRUE(std::filesystem::is_directory(leaf));
  EXPECT_TRUE(wait_until([&] { return !std::filesystem::exists(leaf); }, 20s)) << leaf;
  EXPECT_GE(std::chrono::steady_clock::now() - stopped, 9s);
  EXPECT_TRUE(std::filesystem::is_directory(folder));  // bgod's folder stays while it runs
}

TEST_F(CgroupTest, EscapedProcessIgnoringSigtermGetsCgroupKill) {
  const std::string folder = cgroup_folder();
  if (folder.empty()) GTEST_SKIP() << "bgod runs in process-group mode here: " << reason_;
  start_ok("stubborn", {"--escape", "--ignore-term"});
  const pid_t leader = pid_of("stubborn");
  const pid_t escaped = escaped_of("stubborn");
  ASSERT_GT(escaped, 0);
  const auto begin = std::chrono::steady_clock::now();
  RunResult r = bgo({"stop", "stubborn", "--timeout", "0.3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 300ms);
  EXPECT_FALSE(pid_alive(leader));
  EXPECT_FALSE(pid_alive(escaped));
  EXPECT_EQ(state("stubborn").at("exit_signal").as_int64(), SIGKILL);
}

// A member bgod cannot reap (its parent is this test, not a descendant of bgod) is seen leaving
// through cgroup.events alone: the stop ends when it dies, long before the SIGKILL timeout.
TEST_F(CgroupTest, LingeringStopEndsWhenCgroupEventsSaysEmpty) {
  const std::string folder = cgroup_folder();
  if (folder.empty()) GTEST_SKIP() << "bgod runs in process-group mode here: " << reason_;
  start_ok("host", {});
  const pid_t leader = pid_of("host");
  ASSERT_GT(leader, 0);
  const std::string leaf = folder + "/" + leaf_of(leader);
  const std::string procs = leaf + "/cgroup.procs";

  std::vector<std::string> args{bin("bgo_test_child"), "--ignore-term"};
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t foreign = 0;
  ASSERT_EQ(::posix_spawn(&foreign, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  extra_pids_.push_back(foreign);
  { std::ofstream(procs) << foreign << "\n"; }
  ASSERT_TRUE(wait_until([&] { return contains(read_file(procs), std::to_string(foreign)); }));

  RunResult stop;
  const auto begin = std::chrono::steady_clock::now();
  std::thread stopper([&] { stop = bgo({"stop", "host", "--timeout", "20"}); });
  // The leader dies of SIGTERM; the foreign member ignores it, so the stop lingers.
  EXPECT_TRUE(wait_until([&] { return !pid_alive(leader); }, 5s));
  EXPECT_EQ(row("host")->at("status").as_string(), "online");
  ASSERT_EQ(::kill(foreign, SIGKILL), 0);
  ASSERT_EQ(::waitpid(foreign, nullptr, 0), foreign);
  stopper.join();
  EXPECT_EQ(stop.code, 0) << stop.err;
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 10s);  // not the 20 s timeout
  EXPECT_EQ(row("host")->at("status").as_string(), "stopped");
  EXPECT_EQ(read_file(procs), "");
}

TEST_F(CgroupTest, UsageCountsTheWholeTree) {
  const std::string folder = cgroup_folder();
  if (folder.empty()) GTEST_SKIP() << "bgod runs in process-group mode here: " << reason_;
  start_ok("tree", {"--escape"});
  const pid_t leader = pid_of("tree");
  const pid_t escaped = escaped_of("tree");
  ASSERT_GT(escaped, 0);
  const auto r = row("tree");
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->at("memory_bytes").is_int64()) << json::serialize(*r);
  const auto bytes = static_cast<uint64_t>(r->at("memory_bytes").as_int64());
  if (daemon_status().at("memory_controller").as_bool()) {
    EXPECT_GT(bytes, 0u);  // memory.current: page cache and kernel memory too, not only RSS
  } else {
    // The sum of both RSS (idle processes: their RSS does not move between the reads).
    EXPECT_GT(bytes, rss_bytes(leader) + rss_bytes(escaped) / 2) << bytes;
  }
  EXPECT_TRUE(r->at("cpu_percent").is_double()) << json::serialize(*r);
}

TEST_F(CgroupTest, AdoptedChildIsStillContained) {
  const std::string folder = cgroup_folder();
  if (folder.empty()) GTEST_SKIP() << "bgod runs in process-group mode here: " << reason_;
  start_ok("kept", {"--escape"});
  const pid_t leader = pid_of("kept");
  const pid_t escaped = escaped_of("kept");
  ASSERT_GT(escaped, 0);
  const pid_t old = daemon_pid();
  ASSERT_EQ(::kill(old, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return !pid_alive(old); }));
  // The next bgod of this home uses the same folder and finds the child's cgroup there.
  EXPECT_EQ(cgroup_folder(), folder);
  EXPECT_NE(daemon_pid(), old);
  EXPECT_EQ(pid_of("kept"), leader);
  RunResult r = bgo({"stop", "kept"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(pid_alive(leader));
  EXPECT_TRUE(wait_until([&] { return !pid_alive(escaped); }, 2s));
}

// A cgroup that holds only bgod, as systemd's Delegate=yes gives it one: bgod moves into its leaf
// `bgod` (a cgroup with children may hold no process once a controller is on) and creates the
// children's cgroups next to it; the cgroup itself is systemd's, so it stays when bgod exits.
TEST_F(CgroupTest, DelegatedCgroupGetsBgodMovedIntoALeaf) {
  const std::string folder = cgroup_folder();
  if (folder.empty()) GTEST_SKIP() << "bgod runs in process-group mode here: " << reason_;
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);
  const std::string unit =
      folder.substr(0, folder.rfind('/')) + "/bgo-test-unit-" + std::to_string(::getpid());
  ASSERT_EQ(::mkdir(unit.c_str(), 0755), 0) << unit << ": " << std::strerror(errno);
  cgroups_ = {unit, unit + "/bgod"};

  // bgod started inside `unit`, alone there (what systemd does for bgod.service).
  const std::string procs = unit + "/cgroup.procs";
  const std::string program = bin("bgod");
  std::vector<std::string> env = env_with_home(home_);
  std::vector<char*> envp;
  envp.reserve(env.size() + 1);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string arg0 = program, arg1 = "--foreground";
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  const int log = ::open((home_ / "bgod.log").c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  ASSERT_GE(log, 0);
  const pid_t daemon = ::fork();
  if (daemon == 0) {  // only async-signal-safe calls until execve
    const int fd = ::open(procs.c_str(), O_WRONLY);
    if (fd < 0 || ::write(fd, "0", 1) != 1) ::_exit(126);
    (void)::close(fd);
    (void)::dup2(log, 1);
    (void)::dup2(log, 2);
    ::execve(argv[0], argv, envp.data());
    ::_exit(127);
  }
  ::close(log);
  ASSERT_GT(daemon, 0);
  own_children_.push_back(daemon);
  ASSERT_TRUE(wait_until([&] { return bgo({"daemon", "status"}).code == 0; }, 10s));
  ASSERT_EQ(daemon_pid(), daemon);

  const json::object st = daemon_status();
  EXPECT_EQ(st.at("containment"), "cgroup");
  EXPECT_EQ(st.at("cgroup").as_string(), unit);
  EXPECT_EQ(leaf_of(daemon), "bgod");
  start_ok("svc", {"--escape"});
  const pid_t leader = pid_of("svc");
  const pid_t escaped = escaped_of("svc");
  ASSERT_GT(escaped, 0);
  const std::string leaf = leaf_of(leader);
  EXPECT_EQ(cgroup_of(leader),
            cgroup_of(daemon).substr(0, cgroup_of(daemon).rfind('/')) + "/" + leaf);
  EXPECT_TRUE(std::filesystem::is_directory(unit + "/" + leaf));
  ASSERT_EQ(bgo({"stop", "svc"}).code, 0);
  EXPECT_FALSE(pid_alive(leader));
  EXPECT_FALSE(pid_alive(escaped));

  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);
  EXPECT_TRUE(wait_until([&] { return ::waitpid(daemon, nullptr, WNOHANG) == daemon; }, 5s));
  own_children_.clear();
  EXPECT_FALSE(std::filesystem::exists(unit + "/" + leaf));
  EXPECT_TRUE(std::filesystem::is_directory(unit));  // systemd's to remove, not bgod's
}

// Forced off: today's process groups, and the daemon that left its group survives a stop.
TEST_F(CgroupTest, OffKeepsProcessGroups) {
  const std::map<std::string, std::string> off{{"BGO_CGROUP", "off"}};
  RunResult r = bgo({"start", "pg", "--", bin("bgo_test_child"), "--escape"}, off);
  ASSERT_EQ(r.code, 0) << r.err;
  const json::object st = daemon_status();
  EXPECT_EQ(st.at("containment"), "process-group");
  EXPECT_TRUE(st.at("cgroup").is_null());
  EXPECT_EQ(st.at("containment_reason"), "BGO_CGROUP=off");
  r = bgo({"daemon", "status"});
  EXPECT_TRUE(contains(r.out, "  Containment: process group (BGO_CGROUP=off)")) << r.out;

  const pid_t leader = pid_of("pg");
  const pid_t escaped = escaped_of("pg");
  ASSERT_GT(escaped, 0);
  EXPECT_EQ(cgroup_of(leader), cgroup_of(::getpid()));  // no cgroup of its own
  r = bgo({"stop", "pg"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(pid_alive(leader));
  EXPECT_TRUE(pid_alive(escaped));  // out of reach of a process-group stop, as before
  ASSERT_EQ(::kill(escaped, SIGKILL), 0);
  EXPECT_TRUE(wait_until([&] { return !pid_alive(escaped); }));
}

}  // namespace
}  // namespace bgo::test
