// SPDX-License-Identifier: MIT
// Issue #17: `bgo logs -f` goes on through live upgrades of bgod (`bgo daemon upgrade`), every
// line printed once and in order, and still ends as before when bgod stops.
#include <csignal>
#include <sstream>
#include <sys/wait.h>

#include "tests/integration/background.hpp"
#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/numbered_lines.hpp"

namespace bgo::test {
namespace {

using namespace std::chrono_literals;

class FollowUpgradeTest : public DaemonTest {
 protected:
  // The highest "tick N" in `name`'s stdout log.
  long last_tick(const std::string& name) {
    const auto seen = numbered(read_file(home_ / "logs" / (name + ".out.log")), "tick");
    return seen.empty() ? 0 : seen.rbegin()->first;
  }
  std::unique_ptr<Background> follower(const std::vector<std::string>& args) {
    std::vector<std::string> argv{bin("bgo")};
    argv.insert(argv.end(), args.begin(), args.end());
    auto f = std::make_unique<Background>(argv, home_);
    extra_pids_.push_back(f->pid());
    EXPECT_TRUE(f->wait_for("(Ctrl+C to exit)\n")) << f->output();
    return f;
  }
};

TEST_F(FollowUpgradeTest, LogsFollowGoesOnThroughUpgradesWithEveryLineOnce) {
  start_ok("n", {"--tick", "20"});
  ASSERT_TRUE(wait_until([&] { return last_tick("n") >= 3; }, 5s));
  auto f = follower({"logs", "-f", "-n", "1000", "n"});
  ASSERT_TRUE(f->wait_for("tick 3\n")) << f->output();
  for (int i = 1; i <= 3; ++i) {
    RunResult r = bgo_within(60s, {"daemon", "upgrade"});
    ASSERT_EQ(r.code, 0) << "upgrade " << i << ": " << r.out << r.err;
  }
  const long upto = last_tick("n") + 20;
  ASSERT_TRUE(f->wait_for("tick " + std::to_string(upto) + "\n", 20s)) << f->output();
  int status = 0;
  EXPECT_EQ(::waitpid(f->pid(), &status, WNOHANG), 0) << "the follower ended:\n" << f->output();
  // Every tick from 1 on exactly once, in order; nothing about a closed connection.
  std::string out = f->output();
  out.erase(out.find("tick " + std::to_string(upto) + "\n"));
  EXPECT_TRUE(once_each(numbered(out, "tick"), upto - 1)) << out;
  long expect = 1;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("tick ", 0) != 0) continue;
    ASSERT_EQ(std::stol(line.substr(5)), expect++) << out;
  }
  EXPECT_FALSE(contains(f->output(), "closed the connection")) << f->output();
  EXPECT_FALSE(contains(f->output(), "bgo: ")) << f->output();  // no loss reported
  EXPECT_EQ(f->stop(SIGINT), 0) << f->output();
}

TEST_F(FollowUpgradeTest, LogsFollowStillEndsWhenBgodStops) {
  start_ok("m", {"--tick", "50"});
  auto f = follower({"logs", "-f", "m"});
  ASSERT_TRUE(f->wait_for("tick 2\n")) << f->output();
  ASSERT_EQ(bgo_within(30s, {"daemon", "stop"}).code, 0);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(f->stop(0), 1) << f->output();  // signal 0: only waits for it to end
  EXPECT_LT(std::chrono::steady_clock::now() - before, 10s);
  EXPECT_TRUE(contains(f->output(), "bgod closed the connection")) << f->output();
}

}  // namespace
}  // namespace bgo::test
