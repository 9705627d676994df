// SPDX-License-Identifier: MIT
// Fault scenario (issue #17, the unrecorded-spawn gap): bgod killed with -9 while many starts
// are in flight, so that some children are spawned and their state files not yet on disk.
// After each kill the next bgod must leave no process of this home running that it does not
// know: it kills such runs (found by their BGO_INVOCATION marker) and marks their logs.
#include <csignal>
#include <fstream>
#include <random>
#include <thread>

#include "tests/fault/fault_support.hpp"
#include "tests/integration/process_probe.hpp"

namespace bgo::test::fault {
namespace {

using namespace std::chrono_literals;

class SpawnWindowTest : public DaemonTest {
 protected:
  std::string marker() const { return home_.parent_path().string() + "/"; }
};

TEST_F(SpawnWindowTest, NoProcessRunsUnknownAfterAKillAmidStarts) {
  const long rounds = count(4, 100);
  const long starts = size(16, 30);
  const KillMarkedOnExit cleanup(marker());
  const auto began = std::chrono::steady_clock::now();
  ASSERT_EQ(bgo({"status"}).code, 0);
  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  int64_t unknown = 0;
  int64_t calls_cut = 0;
  std::string evidence;
  for (long round = 0; round < rounds; ++round) {
    std::vector<pid_t> daemons;
    ASSERT_TRUE(wait_until([&] { return !(daemons = daemons_for(home_)).empty(); }, 20s));
    // One `start --from`: a start_many call, every item spawned in the same turn of bgod's
    // loop and their state files written together afterwards (one group commit).
    const auto batch = home_.parent_path() / "batch.txt";
    {
      std::string lines;
      for (long i = 0; i < starts; ++i) {
        const std::string name = "s" + std::to_string(i);
        lines += name;
        lines += " -- " + bin("bgo_test_child");
        lines += " --tag " + marker();
        lines += name;
        lines += " --tick 50\n";
      }
      std::ofstream(batch) << lines;
    }
    std::vector<std::thread> clients;
    std::atomic<int64_t> cut{0};
    clients.emplace_back([&] {
      if (bgo_within(30s, {"start", "--from", batch.string()}).code != 0) ++cut;
    });
    // The kill lands as the children appear: each is spawned before its state file is
    // written (a temp file, fsync, rename on the writer thread), so some have none yet.
    const size_t target = 1 + rng() % 3;
    wait_until([&] { return marked(marker(), true).size() >= target; }, 10s);
    for (pid_t d : daemons) ::kill(d, SIGKILL);
    for (auto& t : clients) t.join();
    calls_cut += cut;
    ASSERT_TRUE(wait_until([&] {
      return std::none_of(daemons.begin(), daemons.end(), [](pid_t d) { return pid_alive(d); });
    }));
    // The next bgod: everything of this home that runs must be a process it reports online.
    ASSERT_EQ(bgo_within(30s, {"status"}).code, 0);
    std::set<pid_t> orphans;
    wait_until(
        [&] {
          orphans.clear();
          const std::set<pid_t> online = online_pids(status_json());
          for (pid_t p : marked(marker(), true)) {
            if (online.count(p) == 0) orphans.insert(p);
          }
          return orphans.empty();
        },
        3s);
    unknown += static_cast<int64_t>(orphans.size());
    for (pid_t p : orphans) evidence += "\n  round " + std::to_string(round) + ": " + describe({p});
    // Everything stops before the next round; nothing may be left.
    const RunResult stop = bgo_within(60s, {"stop", "all"});
    EXPECT_LE(stop.code, 1) << stop.err;
    std::set<pid_t> left;
    EXPECT_TRUE(wait_until([&] { return (left = marked(marker(), true)).empty(); }, 5s))
        << "left after stop all: " << describe(left);
  }
  EXPECT_EQ(unknown, 0) << "processes bgod did not know (seed " << seed << "):" << evidence;
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  figures("spawn_window",
          "kills=" + std::to_string(rounds) + " starts_per_kill=" + std::to_string(starts) +
              " calls_cut=" + std::to_string(calls_cut) +
              " unrecorded_runs_killed=" + std::to_string(killed_unrecorded_markers(home_)) +
              " unknown_processes=" + std::to_string(unknown) +
              " seconds=" + std::to_string(static_cast<int>(seconds)));
}

}  // namespace
}  // namespace bgo::test::fault
