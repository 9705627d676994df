// SPDX-License-Identifier: MIT
// Fault scenario 4 (issue #17): crash-restart cycles by the thousand. No zombie is left, and
// bgod's descriptors and resident memory stay flat (both printed at the start and the end).
#include <cstdlib>
#include <map>
#include <thread>

#include <boost/json.hpp>

#include "tests/fault/fault_support.hpp"
#include "tests/integration/process_probe.hpp"

namespace bgo::test::fault {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class CrashStormTest : public DaemonTest {
 protected:
  std::string marker() const { return home_.parent_path().string() + "/"; }

  // Restarts of every process, from the state files.
  int64_t total_restarts() {
    int64_t sum = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(home_ / "procs", ec)) {
      json::error_code jec;
      const json::value v = json::parse(read_file(e.path()), jec);
      if (jec || !v.is_object()) continue;
      const json::value* w = v.as_object().if_contains("watch");
      if (w == nullptr || !w->is_object()) continue;
      const json::value* n = w->as_object().if_contains("restarts");
      if (n != nullptr && n->is_int64()) sum += n->as_int64();
    }
    return sum;
  }
};

TEST_F(CrashStormTest, ThousandsOfCrashRestartCyclesLeaveNoZombieAndFlatResources) {
  const int64_t cycles = count(200, 10000);
  const long processes = size(10, 50);
  const KillMarkedOnExit cleanup(marker());
  const auto began = std::chrono::steady_clock::now();
  // ASan's quarantine would hold freed memory and hide whether bgod's own memory stays flat.
  const char* asan_env = std::getenv("ASAN_OPTIONS");
  const std::string asan = asan_env != nullptr ? asan_env : "";
  ASSERT_EQ(bgo({"status"}, {{"ASAN_OPTIONS", asan + ":quarantine_size_mb=1"}}).code, 0);
  const pid_t daemon = daemon_pid();
  // One child started and stopped first, so the pipe keeper's socket is in the baseline.
  start_ok("warm", {"--tag", marker() + "warm"});
  ASSERT_EQ(bgo({"delete", "-y", "warm"}).code, 0);
  const std::vector<int> fds_before = settled_daemon_fds(daemon);
  const int64_t rss_before = rss_kb(daemon);

  for (long i = 0; i < processes; ++i) {
    const std::string name = "crash" + std::to_string(i);
    start_ok(name, {"--tag", marker() + name, "--after", "20", "--exit", "1"},
             {"-w", "--min-uptime", "0"});
  }
  // A zombie lives from an exit to bgod's waitpid: a moment, or seconds while the storm
  // saturates the machine (the long run on 2 shared cores saw 3.4 s). One seen for more than
  // 10 s (sampled every 100 ms) was missed; the oldest age is printed.
  using Clock = std::chrono::steady_clock;
  std::map<pid_t, Clock::time_point> zombie_since;
  std::set<pid_t> stuck_zombies;
  Clock::duration oldest_zombie{0};
  int64_t done = 0;
  const auto limit = Clock::now() + duration(120s, 1800s);
  while ((done = total_restarts()) < cycles && Clock::now() < limit) {
    std::map<pid_t, Clock::time_point> seen;
    const auto now = Clock::now();
    for (pid_t z : zombie_children(daemon)) {
      const auto it = zombie_since.find(z);
      seen[z] = it != zombie_since.end() ? it->second : now;
      oldest_zombie = std::max(oldest_zombie, now - seen[z]);
      if (now - seen[z] > 10s) stuck_zombies.insert(z);
    }
    zombie_since = std::move(seen);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GE(done, cycles) << "the cycles did not complete in time";
  const double storm_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  const int64_t rss_storm = rss_kb(daemon);
  const int64_t fds_storm = fd_count(daemon);

  const auto delete_began = Clock::now();
  const RunResult stopped = bgo_within(duration(60s, 600s), {"delete", "-y", "all"});
  EXPECT_EQ(stopped.code, 0) << stopped.err;
  const auto delete_took = Clock::now() - delete_began;
  std::set<pid_t> left;
  EXPECT_TRUE(wait_until([&] { return (left = marked(marker(), true)).empty(); }, 10s))
      << describe(left);
  std::vector<pid_t> zombies_after;
  EXPECT_TRUE(wait_until([&] { return (zombies_after = zombie_children(daemon)).empty(); }, 2s));
  const std::vector<int> fds_after = settled_daemon_fds(daemon);
  const int64_t rss_after = rss_kb(daemon);
  EXPECT_TRUE(stuck_zombies.empty()) << stuck_zombies.size() << " zombies left unreaped";
  EXPECT_EQ(fds_after.size(), fds_before.size()) << describe_fds(daemon);
  // Flat: allocator caches and the state of 50 records may move it a little, a leak per cycle
  // (thousands of cycles) would not stay within this.
  EXPECT_LE(rss_after, rss_before + std::max<int64_t>(8192, rss_before / 4));
  EXPECT_TRUE(pid_alive(daemon));

  figures("crash_storm",
          "cycles=" + std::to_string(done) + " processes=" + std::to_string(processes) +
              " cycles_per_s=" +
              std::to_string(static_cast<int>(static_cast<double>(done) / storm_seconds)) +
              " zombies_stuck=" + std::to_string(stuck_zombies.size()) + " oldest_zombie_ms=" +
              std::to_string(
                  std::chrono::duration_cast<std::chrono::milliseconds>(oldest_zombie).count()) +
              " zombies_after=" + std::to_string(zombies_after.size()) + " fds_idle_start=" +
              std::to_string(fds_before.size()) + " fds_during=" + std::to_string(fds_storm) +
              " fds_idle_end=" + std::to_string(fds_after.size()) + " rss_kb_idle_start=" +
              std::to_string(rss_before) + " rss_kb_during=" + std::to_string(rss_storm) +
              " rss_kb_idle_end=" + std::to_string(rss_after) + " delete_all_ms=" +
              std::to_string(
                  std::chrono::duration_cast<std::chrono::milliseconds>(delete_took).count()) +
              " seconds=" + std::to_string(static_cast<int>(storm_seconds)));
}

}  // namespace
}  // namespace bgo::test::fault
