// SPDX-License-Identifier: MIT
// bgod at its descriptor limit (issue #18, "Descriptors"; issue #17, out of descriptors): a
// start is refused with the cause and the limit, every other request is served, deleting makes
// room again, `daemon stop` stops everything, nothing leaks; children get the soft limit bgod
// was started with, not its raised one.
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include <boost/json.hpp>

#include "tests/integration/background.hpp"
#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/process_probe.hpp"
#include "tests/integration/raw_client.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* k_setpriv = "/usr/bin/setpriv";
constexpr const char* k_prlimit = "/usr/bin/prlimit";

// "Max open files" of /proc/<pid>/limits: {soft, hard}; {0, 0} when unreadable.
std::pair<uint64_t, uint64_t> nofile_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream words(line.substr(14));
    uint64_t soft = 0;
    uint64_t hard = 0;
    words >> soft >> hard;
    return {soft, hard};
  }
  return {0, 0};
}

bool has_cap_sys_resource() {
  const std::string eff = status_field(::getpid(), "CapEff");
  return !eff.empty() && ((std::stoull(eff, nullptr, 16) >> 24) & 1U) != 0;  // CAP_SYS_RESOURCE
}

uint64_t nr_open() {
  std::ifstream in("/proc/sys/fs/nr_open");
  uint64_t n = 0;
  in >> n;
  return n;
}

// Descriptors of `pid` that are not log files (the log cache opens and closes those freely).
size_t non_log_fds(pid_t pid) {
  size_t n = 0;
  for (int fd : open_fds(pid)) {
    const std::string target = fd_target(pid, fd);
    if (target.find("/logs/") == std::string::npos) ++n;
  }
  return n;
}

class LimitsTest : public DaemonTest {
 protected:
  // bgod under RLIMIT_NOFILE `soft`:`hard`; with `drop_cap`, without CAP_SYS_RESOURCE (as any
  // user runs it: the hard limit cannot be raised). `env` goes before bgod (`env K=V`).
  std::unique_ptr<Background> start_bgod(uint64_t soft, uint64_t hard, bool drop_cap = true,
                                         const std::vector<std::string>& env = {}) {
    fs::create_directories(home_);
    std::vector<std::string> argv;
    if (drop_cap) argv = {k_setpriv, "--bounding-set=-sys_resource", "--"};
    argv.insert(argv.end(),
                {k_prlimit, "--nofile=" + std::to_string(soft) + ":" + std::to_string(hard), "--"});
    if (!env.empty()) {
      argv.emplace_back("/usr/bin/env");
      argv.insert(argv.end(), env.begin(), env.end());
    }
    argv.insert(argv.end(), {bin("bgod"), "--foreground"});
    auto daemon = std::make_unique<Background>(argv, home_, home_ / "bgod.log");
    extra_pids_.push_back(daemon->pid());
    EXPECT_TRUE(wait_until([&] { return daemon_pid() == daemon->pid(); }))
        << read_file(home_ / "bgod.log");
    return daemon;
  }

  bool tools_present() const { return fs::exists(k_setpriv) && fs::exists(k_prlimit); }

  std::vector<pid_t> child_pids() {
    std::vector<pid_t> out;
    const json::value rows = status_json();
    for (const auto& row : rows.as_array()) {
      const auto* pid = row.as_object().if_contains("pid");
      if (pid != nullptr && pid->is_int64() && pid->as_int64() > 1) {
        out.push_back(static_cast<pid_t>(pid->as_int64()));
      }
    }
    return out;
  }

  // The soft and hard limit of a child started now, against bgod's.
  void expect_child_gets_original_soft(uint64_t soft, uint64_t bgod_limit) {
    const pid_t daemon = daemon_pid();
    EXPECT_EQ(nofile_of(daemon), std::make_pair(bgod_limit, bgod_limit));
    RunResult r = bgo({"start", "limits", "--", "/bin/sleep", "1000"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto pids = child_pids();
    ASSERT_EQ(pids.size(), 1U);
    EXPECT_EQ(nofile_of(pids[0]), std::make_pair(soft, bgod_limit));
  }
};

TEST_F(LimitsTest, AtTheLimitAStartIsRefusedAndEverythingElseIsServed) {
  if (!tools_present()) GTEST_SKIP() << "needs setpriv and prlimit (util-linux)";
  auto daemon = start_bgod(64, 64);
  const pid_t bgod = daemon->pid();
  std::vector<std::string> started;
  RunResult refused;
  for (int i = 0; i < 40; ++i) {
    const std::string name = "w" + std::to_string(i);
    RunResult r = bgo({"start", name, "--", "/bin/sleep", "1000"});
    if (r.code != 0) {
      refused = r;
      break;
    }
    started.push_back(name);
  }
  ASSERT_GE(started.size(), 3U) << read_file(home_ / "bgod.log");
  ASSERT_EQ(refused.code, 1) << "every start succeeded";
  const std::string refused_name = "w" + std::to_string(started.size());
  EXPECT_TRUE(contains(refused.err, "Cannot start '" + refused_name +
                                        "': bgod is out of file descriptors (limit 64"))
      << refused.err;
  EXPECT_TRUE(refused.out.empty()) << refused.out;
  // Nothing half-started: no entry, no state file, no extra descriptor.
  EXPECT_FALSE(fs::exists(home_ / "procs" / (refused_name + ".json")));
  const size_t fds = non_log_fds(bgod);
  RunResult again = bgo({"start", refused_name, "--", "/bin/sleep", "1000"});
  EXPECT_EQ(again.code, 1);
  EXPECT_TRUE(wait_until([&] { return non_log_fds(bgod) == fds; })) << describe_fds(bgod);

  // list, status, stop and delete keep working at the limit.
  EXPECT_EQ(status_json().as_array().size(), started.size());
  RunResult one = bgo({"status", started[0]});
  EXPECT_EQ(one.code, 0) << one.err;
  RunResult stop = bgo({"stop", started[0]});
  EXPECT_EQ(stop.code, 0) << stop.err;
  RunResult del = bgo({"delete", started[0]});
  EXPECT_EQ(del.code, 0) << del.err;
  // Room again: the refused one starts now, and a start/delete cycle leaks nothing.
  RunResult now = bgo({"start", refused_name, "--", "/bin/sleep", "1000"});
  EXPECT_EQ(now.code, 0) << now.err;
  const size_t before = non_log_fds(bgod);
  RunResult del2 = bgo({"delete", "-y", refused_name});
  EXPECT_EQ(del2.code, 0) << del2.err;
  RunResult start2 = bgo({"start", refused_name, "--", "/bin/sleep", "1000"});
  EXPECT_EQ(start2.code, 0) << start2.err;
  EXPECT_TRUE(wait_until([&] { return non_log_fds(bgod) == before; }))
      << before << " before, now:\n"
      << describe_fds(bgod);

  // daemon stop stops every child, at the limit too.
  const auto pids = child_pids();
  EXPECT_EQ(pids.size(), started.size());
  RunResult stopped = bgo_within(std::chrono::seconds(30), {"daemon", "stop"});
  EXPECT_EQ(stopped.code, 0) << stopped.err;
  for (pid_t pid : pids) {
    EXPECT_TRUE(wait_until([&] { return !pid_alive(pid); })) << "child " << pid << " survived";
  }
  EXPECT_TRUE(wait_until([&] { return !pid_alive(bgod); }));
}

TEST_F(LimitsTest, ClientsAreServedWhenBgodHasNoDescriptorLeft) {
  if (!tools_present()) GTEST_SKIP() << "needs setpriv and prlimit (util-linux)";
  auto daemon = start_bgod(64, 64);
  // A sanitized bgod checks each new (type, vtable) pair once, with a pipe(2): at zero free
  // descriptors that check fails and aborts. One full call first takes every pair a session
  // meets; the rest of bgod is unchanged by it.
  RunResult warm = bgo({"status", "--json"});
  EXPECT_EQ(warm.code, 0) << warm.err;
  RunResult warm_daemon = bgo({"daemon", "status"});  // daemon.status, which `daemon stop` asks
  EXPECT_EQ(warm_daemon.code, 0) << warm_daemon.err;
  // More idle connections than bgod has descriptors: it accepts until it has none left.
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 80; ++i) {
    idle.push_back(std::make_unique<RawClient>(home_ / "bgo.sock"));
    ASSERT_TRUE(idle.back()->ok());
  }
  for (int i = 0; i < 3; ++i) {
    RunResult r = bgo_within(std::chrono::seconds(20), {"status", "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
  }
  RunResult stopped = bgo_within(std::chrono::seconds(20), {"daemon", "stop"});
  EXPECT_EQ(stopped.code, 0) << stopped.err;
  EXPECT_TRUE(wait_until([&] { return !pid_alive(daemon->pid()); }));
}

TEST_F(LimitsTest, ChildrenGetTheSoftLimitBgodWasStartedWith) {
  if (!tools_present()) GTEST_SKIP() << "needs setpriv and prlimit (util-linux)";
  auto daemon = start_bgod(100, 200);
  expect_child_gets_original_soft(100, 200);
}

TEST_F(LimitsTest, ProcessGroupChildrenGetTheSoftLimitBgodWasStartedWith) {
  if (!tools_present()) GTEST_SKIP() << "needs setpriv and prlimit (util-linux)";
  auto daemon = start_bgod(100, 200, true, {"BGO_CGROUP=off"});
  expect_child_gets_original_soft(100, 200);
}

TEST_F(LimitsTest, WithCapSysResourceTheHardLimitIsRaisedToNrOpen) {
  if (!fs::exists(k_prlimit)) GTEST_SKIP() << "needs prlimit (util-linux)";
  if (!has_cap_sys_resource()) GTEST_SKIP() << "needs CAP_SYS_RESOURCE";
  auto daemon = start_bgod(64, 64, false);
  expect_child_gets_original_soft(64, nr_open());
}

}  // namespace
}  // namespace bgo::test
