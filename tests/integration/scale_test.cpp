// SPDX-License-Identifier: MIT
// Many processes under one bgod (issue #18): 2,000 `sleep`s started by one `bgo start --from`,
// all listed, all stopped by `daemon stop` within the grace period, all back with the next bgod.
// Too long for the default suite (each start still saves its state file with an fsync on the
// loop: about 60 ms a process under ASan here), so it runs only with BGO_SCALE_TESTS=1, as the
// ctest test `scale_2000` (label `scale`: `ctest -L scale`) sets it; BGO_SCALE_N changes the
// count (bench/scale.sh measures up to 10,000).
#include <cstdlib>
#include <fstream>
#include <set>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill()
#include <sys/resource.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class ScaleTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    // bgod inherits this limit; each child costs it about 4 descriptors.
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved_), 0);
    rlimit raised = saved_;
    raised.rlim_cur = raised.rlim_max;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &raised), 0);
  }
  void TearDown() override {
    DaemonTest::TearDown();
    (void)::setrlimit(RLIMIT_NOFILE, &saved_);  // best effort: the next test's limit
  }

  static size_t count() {
    const char* text = std::getenv("BGO_SCALE_N");
    const long n = text != nullptr ? std::strtol(text, nullptr, 10) : 0;
    return n > 0 ? static_cast<size_t>(n) : 2000;
  }

  // Online processes by name, from `bgo status --json`.
  std::map<std::string, pid_t> online() {
    std::map<std::string, pid_t> out;
    // A bgod that starts resurrects every process before it answers: minutes under ASan.
    const RunResult listed = bgo_within(600s, {"status", "--json"});
    json::error_code ec;
    const json::value rows = json::parse(listed.out, ec);
    if (ec || !rows.is_array()) return out;
    for (const auto& r : rows.as_array()) {
      if (r.at("status").as_string() == "online") {
        out[std::string(r.at("name").as_string())] = static_cast<pid_t>(r.at("pid").as_int64());
      }
    }
    return out;
  }

  rlimit saved_{};
};

TEST_F(ScaleTest, TwoThousandProcessesStartListStopAndComeBack) {
  if (std::getenv("BGO_SCALE_TESTS") == nullptr) GTEST_SKIP() << "set BGO_SCALE_TESTS=1";
  const size_t n = count();
  if (saved_.rlim_max < 4 * n + 256) {
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << saved_.rlim_max << " is too low for " << n;
  }
  const std::filesystem::path list = home_.parent_path() / "list";
  {
    std::ofstream out(list);
    for (size_t i = 0; i < n; ++i) out << "s" << i << " -- sleep 100000\n";
  }
  RunResult r = bgo_within(180s, {"start", "-w", "--from", list.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Started " + std::to_string(n) + " process(es)")) << r.out;

  const auto before = online();
  ASSERT_EQ(before.size(), n);
  std::set<pid_t> pids;
  for (const auto& [name, pid] : before) pids.insert(pid);
  EXPECT_EQ(pids.size(), n);  // one process each

  // Every child leaves on SIGTERM, within its grace period: none needed the SIGKILL. (The
  // stop as a whole still takes about 7 ms a process here, one fsync'd state file each.)
  r = bgo_within(300s, {"daemon", "stop"});
  ASSERT_EQ(r.code, 0) << r.err;
  size_t alive = 0;
  for (pid_t pid : pids) alive += pid_alive(pid) ? 1 : 0;
  EXPECT_EQ(alive, 0u);
  size_t killed = 0;
  for (const auto& [name, pid] : before) {
    const json::object st = state(name);
    if (st.at("stop_reason") != "daemon" || st.at("exit_signal") != SIGTERM) ++killed;
  }
  EXPECT_EQ(killed, 0u);

  // The next bgod (started by this status call) brings every one back.
  std::map<std::string, pid_t> after;
  EXPECT_TRUE(wait_until(
      [&] {
        after = online();
        return after.size() == n;
      },
      600s))
      << after.size() << " of " << n << " online";
  for (const auto& [name, pid] : after) EXPECT_EQ(before.count(name), 1u) << name;
}

// A bad line is a usage error naming it, and nothing is started; stdin works as a file.
TEST_F(ScaleTest, StartFromRefusesABadLineAndReadsStdin) {
  RunResult r = bgo({"start", "--from", "-"}, {}, "ok -- sleep 100000\n'unclosed -- sleep 1\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "<stdin>:2: ")) << r.err;
  r = bgo({"start", "--from", "-"}, {}, "a -- sleep 100000\n# comment\n\na -- sleep 1\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "<stdin>:4: 'a' is already on line 1")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(home_ / "procs" / "a.json"));
  r = bgo({"start", "--from", "-", "-w"}, {}, "a -- sleep 100000\nb --cwd / -- sleep 100000\n");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Started 2 process(es)")) << r.out;
  EXPECT_TRUE(state("b").at("watch").as_object().at("enabled").as_bool());
  r = bgo({"start", "--from", "-"}, {}, "a -- sleep 100000\nc -- /no/such/program\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "already running")) << r.err;
  EXPECT_TRUE(contains(r.err, "2/2 process(es) failed to start")) << r.err;
}

}  // namespace
}  // namespace bgo::test
