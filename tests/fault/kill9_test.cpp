// SPDX-License-Identifier: MIT
// Fault scenario 1 (issue #17): kill -9 of bgod at random moments while processes churn
// (starts, stops, restarts, deletes, crash loops, writers printing numbered lines at full
// speed). After each kill the next bgod, started by a client, adopts what runs. Afterwards:
// no unreadable state file, no name running twice, no process bgod does not know (a child
// spawned just before a kill, before its state file was written, is killed by the next bgod),
// no log line of the writers lost or repeated, also of `x` writers, whose finite runs often end
// while no bgod runs (their output is taken from a pipe keeper: through the state file's pipe
// inodes, or the spawn journal's for a run spawned just before the kill that no state file
// records), and no pipe keeper of a killed bgod left.
#include <csignal>
#include <ctime>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "tests/fault/churn.hpp"
#include "tests/fault/fault_support.hpp"
#include "tests/integration/process_probe.hpp"

namespace bgo::test::fault {
namespace {

using namespace std::chrono_literals;

// The pipe keepers (`bgod --keep-pipes`) serving `home`: their stderr is their bgod's, the
// home's bgod.log (they have no environment to tell).
std::vector<pid_t> keepers_for(const std::filesystem::path& home) {
  std::vector<pid_t> out;
  const std::string log = std::filesystem::weakly_canonical(home / "bgod.log").string();
  for (const auto& p : all_processes()) {
    if (p.state == 'Z' || p.state == 'X') continue;
    if (!contains(cmdline_of(p.pid), "--keep-pipes")) continue;
    if (fd_target(p.pid, 2) == log) out.push_back(p.pid);
  }
  return out;
}

// Now, in clock ticks since boot: the unit of field 22 (starttime) of /proc/PID/stat.
int64_t boot_ticks() {
  timespec now{};
  ::clock_gettime(CLOCK_BOOTTIME, &now);
  const int64_t hz = ::sysconf(_SC_CLK_TCK);
  return now.tv_sec * hz + now.tv_nsec / (1'000'000'000 / hz);
}

int64_t start_ticks_of(pid_t pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/stat");
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  for (int i = 3; i < 22 && rest >> field; ++i) {
  }
  int64_t ticks = -1;
  rest >> ticks;
  return ticks;
}

// Names (tags) with more than one live process.
std::set<std::string> running_twice(const std::string& marker) {
  std::map<std::string, int> per_tag;
  for (pid_t p : marked(marker, true)) {
    const std::string tag = tag_of(p);
    if (!tag.empty()) ++per_tag[tag];  // empty: it ended between the two reads
  }
  std::set<std::string> out;
  for (const auto& [tag, n] : per_tag) {
    if (n > 1) out.insert(tag);
  }
  return out;
}

class KillNineTest : public DaemonTest {
 protected:
  std::string marker() const { return home_.parent_path().string() + "/"; }
};

TEST_F(KillNineTest, ChurnSurvivesRepeatedKillNineOfTheDaemon) {
  const long kills = count(6, 500);
  const KillMarkedOnExit cleanup(marker());
  const auto began = std::chrono::steady_clock::now();
  ASSERT_EQ(bgo({"status"}).code, 0);

  ChurnSizes sizes;
  sizes.writers = size(5, 8);
  sizes.exiting_writers = size(2, 2);
  sizes.loopers = size(5, 10);
  sizes.churners = size(10, 30);
  sizes.clients = 3;
  sizes.seq_per_run = long_mode() ? 5000 : 2000;
  Churn churn(
      sizes, marker(),
      [this](const std::vector<std::string>& args) { return bgo_within(30s, args); },
      [this](const std::string& name, const std::vector<std::string>& args,
             const std::vector<std::string>& opts) { start_ok(name, args, opts); });
  churn.start_fixed();
  // Clients race start/stop/restart/delete over the churn names until the kills are done;
  // their calls are refused or cut by a kill now and then (expected, counted).
  const unsigned seed = std::random_device{}();
  churn.start_clients(seed);

  // The kills: at a random moment after a bgod has come up, or (one in four) while it is
  // still starting and adopting.
  std::mt19937 rng(seed);
  std::vector<int64_t> kill_ticks;
  size_t max_twice = 0;
  std::set<std::string> twice_names;
  long done_kills = 0;
  for (; done_kills < kills; ++done_kills) {
    std::vector<pid_t> daemons;
    if (!wait_until([&] { return !(daemons = daemons_for(home_)).empty(); }, 20s)) {
      ADD_FAILURE() << "no bgod came up after kill " << done_kills;
      break;
    }
    if (rng() % 4 != 0) {
      EXPECT_EQ(bgo_within(30s, {"status"}).code, 0);
      const std::set<std::string> twice = running_twice(marker());
      max_twice = std::max(max_twice, twice.size());
      twice_names.insert(twice.begin(), twice.end());
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
      daemons = daemons_for(home_);
    }
    kill_ticks.push_back(boot_ticks());
    for (pid_t d : daemons) ::kill(d, SIGKILL);
    EXPECT_TRUE(wait_until([&] {
      return std::none_of(daemons.begin(), daemons.end(), [](pid_t d) { return pid_alive(d); });
    }));
  }
  churn.stop_clients();
  // One writer run restarted on purpose, so that the log check below sees runs end and begin
  // even when every kill was followed by an adoption.
  EXPECT_EQ(bgo_within(30s, {"restart", churn.fixed().front()}).code, 0);
  for (const auto& o : churn.odd()) ADD_FAILURE() << o << " (seed " << seed << ")";

  // The last bgod adopts everything; then the checks.
  ASSERT_EQ(bgo_within(30s, {"status"}).code, 0);
  const std::set<std::string> unreadable = unreadable_state_files(home_);
  EXPECT_TRUE(unreadable.empty()) << unreadable.size() << " unreadable, e.g. "
                                  << *unreadable.begin();
  const std::set<std::string> twice = running_twice(marker());
  max_twice = std::max(max_twice, twice.size());
  twice_names.insert(twice.begin(), twice.end());
  std::string twice_list;
  for (const auto& name : twice_names) twice_list += " " + name;
  EXPECT_EQ(max_twice, 0U) << "running twice:" << twice_list;

  // Writers and crash loops stop (their last run ends here); then every process still running
  // must be one bgod reports online, and once everything is stopped nothing may be left.
  std::vector<std::string> stop_args{"stop"};
  stop_args.insert(stop_args.end(), churn.fixed().begin(), churn.fixed().end());
  EXPECT_EQ(bgo_within(60s, stop_args).code, 0);
  std::set<pid_t> orphans;
  const bool agreed = wait_until(
      [&] {
        orphans.clear();
        const std::set<pid_t> online = online_pids(status_json());
        for (pid_t p : marked(marker(), true)) {
          if (online.count(p) == 0) orphans.insert(p);
        }
        return orphans.empty();
      },
      5s);
  const RunResult stop_all = bgo_within(60s, {"stop", "all"});
  EXPECT_LE(stop_all.code, 1) << stop_all.err;  // 1 when nothing was left running
  std::set<pid_t> left;
  wait_until([&] { return (left = marked(marker(), true)).empty(); }, 5s);
  orphans.insert(left.begin(), left.end());
  const int64_t hz = ::sysconf(_SC_CLK_TCK);
  // For each unknown process: when it started against the kills, and what bgod has of its name.
  std::string evidence;
  for (pid_t p : orphans) {
    const int64_t started = start_ticks_of(p);
    evidence += "\n  " + std::to_string(p) + " " + tag_of(p) + ": started at tick " +
                std::to_string(started) + "; kills at ticks";
    for (int64_t k : kill_ticks) {
      if (k >= started - 5 * hz && k <= started + 5 * hz) evidence += " " + std::to_string(k);
    }
    const std::string tag = tag_of(p);
    const std::string name = tag.substr(tag.rfind('/') + 1);
    evidence += "; procs/" + name + ".json: " + read_file(home_ / "procs" / (name + ".json"));
  }
  EXPECT_TRUE(orphans.empty()) << "processes bgod does not know:" << evidence;
  EXPECT_TRUE(agreed || orphans.empty());

  SeqReport logs = churn.writer_logs(home_);
  // The known gap: runs of `x` writers that exited while no bgod ran end short.
  const SeqReport exited = churn.exiting_logs(home_);
  logs.duplicated += exited.duplicated;
  logs.other += exited.other;
  EXPECT_EQ(logs.lost, 0) << logs.first_problem;
  // Runs that exited while no bgod ran, recorded or not (the spawn journal names the pipes of
  // those no state file records): every line logged.
  EXPECT_EQ(exited.lost, 0) << exited.first_problem;
  EXPECT_EQ(logs.duplicated, 0) << logs.first_problem;
  EXPECT_EQ(logs.other, 0) << logs.first_problem;
  EXPECT_GT(logs.runs, sizes.writers);

  // Runs a bgod spawned just before it was killed, before their state files were written:
  // killed by the next bgod, which marks where they end in their logs (any name).
  const int64_t killed_unrecorded = killed_unrecorded_markers(home_);
  // Such runs that exited before the next bgod: logged through the spawn journal.
  const int64_t exited_unrecorded = killed_unrecorded_markers(home_, "[bgod] exited unrecorded");

  // Keepers of killed bgods hold pipes of the children they saw until those exit; with
  // everything stopped they must all be gone.
  std::vector<pid_t> keepers;
  const bool keepers_gone = wait_until([&] { return (keepers = keepers_for(home_)).size() <= 1; });
  // A keeper holding output no record names (the gap above) is let go by the next bgod's
  // recovery (KeptPipes::release_home), so none stays.
  EXPECT_TRUE(keepers_gone) << keepers.size() << " pipe keepers left";
  EXPECT_GE(keepers.size(), 1U);  // the last bgod's: found, so the count means something
  for (pid_t k : keepers) extra_pids_.push_back(k);

  if (const char* keep = std::getenv("BGO_FAULT_DEBUG"); keep != nullptr && HasFailure()) {
    std::error_code ec;
    std::filesystem::copy(home_, keep, std::filesystem::copy_options::recursive, ec);
  }
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  figures(
      "kill9",
      "kills=" + std::to_string(done_kills) + " processes=" +
          std::to_string(sizes.writers + sizes.exiting_writers + sizes.loopers + sizes.churners) +
          " client_calls=" + std::to_string(churn.calls()) +
          " calls_cut=" + std::to_string(churn.failed_calls()) + " unreadable_state=" +
          std::to_string(unreadable.size()) + " running_twice=" + std::to_string(max_twice) +
          " orphans=" + std::to_string(orphans.size()) +
          " writer_runs=" + std::to_string(logs.runs) + " lines=" + std::to_string(logs.lines) +
          " lost=" + std::to_string(logs.lost) + " duplicated=" + std::to_string(logs.duplicated) +
          " keepers_left=" + std::to_string(keepers.size()) + " exiting_writer_runs=" +
          std::to_string(exited.runs) + " exiting_writer_lines=" + std::to_string(exited.lines) +
          " exiting_writer_lost=" + std::to_string(exited.lost) +
          " unrecorded_runs_killed=" + std::to_string(killed_unrecorded) +
          " unrecorded_runs_logged=" + std::to_string(exited_unrecorded) +
          " seconds=" + std::to_string(static_cast<int>(seconds)));
}

}  // namespace
}  // namespace bgo::test::fault
