// SPDX-License-Identifier: MIT
// The spawn journal ($BGO_HOME/spawns.journal, docs/reliability.md): the output of a run that
// no state file records and that exited while no bgod ran reaches its log once, with a marker;
// the journal starts afresh with each bgod; a hostile journal is skipped, never followed.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/numbered_lines.hpp"
#include "tests/integration/process_probe.hpp"
#include "tests/support/temp_dir.hpp"

namespace bgo::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// How many lines of `text` contain `what`.
size_t count_lines(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = 0; at < text.size();) {
    const size_t end = std::min(text.find('\n', at), text.size());
    if (text.substr(at, end - at).find(what) != std::string::npos) ++n;
    at = end + 1;
  }
  return n;
}

class SpawnJournalTest : public DaemonTest {
 protected:
  fs::path journal() const { return home_ / "spawns.journal"; }
};

// The gap, reproduced: run A of "j" is recorded; run B replaces it, but bgod is killed before
// B's state file is in place (here: A's file put back while no bgod runs); B prints and exits
// while no bgod runs. Only the journal names B's pipes, which the dead bgod's keeper holds.
TEST_F(SpawnJournalTest, OutputOfAnUnrecordedRunThatExitedIsLoggedOnceWithAMarker) {
  const std::vector<std::string> args = {"--lines",     "3",  "--wait-usr1", "--seq", "4000",
                                         "--err-lines", "40", "--after",     "0"};
  start_ok("j", args);
  const pid_t a = online_pid("j");
  ASSERT_GT(a, 0);
  const std::string recorded_a = read_file(home_ / "procs" / "j.json");
  ASSERT_EQ(bgo({"restart", "j"}).code, 0);
  const pid_t b = online_pid("j");
  ASSERT_GT(b, 0);
  ASSERT_NE(a, b);
  const auto out_log = home_ / "logs" / "j.out.log";
  const auto err_log = home_ / "logs" / "j.err.log";
  ASSERT_TRUE(wait_until([&] { return count_lines(read_file(out_log), "line 3") == 2; }));
  const pid_t keeper = keeper_of(daemon_pid());
  ASSERT_GT(keeper, 0);
  extra_pids_.push_back(keeper);
  crash_daemon();
  ASSERT_EQ(::kill(b, SIGUSR1), 0);
  ASSERT_TRUE(wait_until([&] { return !pid_alive(b); }, 5s));
  ASSERT_TRUE(pid_alive(keeper));  // it holds B's output
  { std::ofstream(home_ / "procs" / "j.json", std::ios::trunc) << recorded_a; }

  ASSERT_EQ(bgo({"status"}).code, 0);  // a new bgod, whose files know run A only
  const std::string out = read_file(out_log);
  EXPECT_TRUE(once_each(numbered(out, "seq"), 4000)) << out;
  EXPECT_TRUE(once_each(numbered(read_file(err_log), "err"), 40)) << read_file(err_log);
  ASSERT_EQ(count_lines(out, "[bgod] exited unrecorded"), 1U) << out;
  EXPECT_EQ(count_lines(read_file(err_log), "[bgod] exited unrecorded"), 1U);
  // In order: B's output, then the marker, then the run the resurrect rule started.
  const size_t last_seq = out.rfind("seq 4000\n");
  const size_t marker = out.find("[bgod] exited unrecorded");
  const size_t restarted = out.rfind("[Starting]");
  EXPECT_LT(last_seq, marker);
  EXPECT_LT(marker, restarted);
  EXPECT_TRUE(wait_until([&] { return online_pid("j") > 0; }));
  EXPECT_TRUE(wait_until([&] { return !pid_alive(keeper); }, 5s)) << "the old keeper stays";
  // The journal started afresh: the runs of the killed bgod are gone from it.
  const std::string text = read_file(journal());
  EXPECT_EQ(text.find("-j\n"), text.rfind("-j\n")) << text;  // the resurrected run only
}

// One line per spawn, each naming the run's marker; a new bgod starts the journal afresh.
TEST_F(SpawnJournalTest, OneLinePerSpawnAndAFreshJournalPerDaemon) {
  start_ok("a", {});
  start_ok("b", {});
  ASSERT_EQ(bgo({"restart", "a"}).code, 0);
  std::string text = read_file(journal());
  ASSERT_EQ(text.rfind("bgo-spawns 1\n", 0), 0U) << text;
  EXPECT_EQ(count_lines(text, "spawn "), 3U) << text;
  EXPECT_EQ(count_lines(text, "-a"), 2U) << text;
  struct stat st {};
  ASSERT_EQ(::lstat(journal().c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600U);

  ASSERT_EQ(bgo({"daemon", "stop", "--keep-children"}).code, 0);
  ASSERT_EQ(bgo({"status"}).code, 0);  // adopts both, spawns nothing
  EXPECT_EQ(read_file(journal()), "bgo-spawns 1\n");
}

// A journal that is a symlink to a file outside the home (with lines naming a pipe) and an old
// generation that is a FIFO: skipped with a warning after a crash, never followed or waited
// on, replaced by a fresh journal; bgod starts.
TEST_F(SpawnJournalTest, AHostileJournalIsSkippedAndReplaced) {
  start_ok("h", {});
  const TempDir outside_dir("bgo_journal_outside");
  const fs::path outside = outside_dir.path() / "target";
  const std::string planted = read_file(journal()) + "spawn 1 2 garbage\n";
  { std::ofstream(outside) << planted; }
  crash_daemon();
  fs::remove(journal());
  fs::create_symlink(outside, journal());
  ASSERT_EQ(::mkfifo((home_ / "spawns.journal.old").c_str(), 0600), 0);

  ASSERT_EQ(bgo({"status"}).code, 0);
  EXPECT_TRUE(wait_until([&] { return online_pid("h") > 0; }));
  EXPECT_FALSE(fs::is_symlink(journal()));
  EXPECT_FALSE(fs::exists(home_ / "spawns.journal.old"));
  EXPECT_EQ(read_file(outside), planted);
  const std::string log = read_file(home_ / "bgod.log");
  EXPECT_TRUE(contains(log, "spawn journal skipped")) << log;
}

}  // namespace
}  // namespace bgo::test
