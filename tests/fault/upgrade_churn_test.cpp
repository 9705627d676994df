// SPDX-License-Identifier: MIT
// Fault scenario 2 (issue #17): live upgrades of bgod (`bgo daemon upgrade`) under the kill -9
// scenario's churn, while a client calls `list` throughout. Afterwards: every upgrade done,
// bgod's pid unchanged, no child restarted by an upgrade (steady children keep their pid and
// restart count, writers ran once more per restart a client asked for and no more), no log
// line lost or repeated, no client call failed, and children that exited while an upgrade was
// under way have their exit codes recorded.
#include <atomic>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <thread>

#include <boost/json.hpp>

#include "tests/fault/churn.hpp"
#include "tests/fault/fault_support.hpp"
#include "tests/integration/background.hpp"
#include "tests/integration/numbered_lines.hpp"
#include "tests/integration/process_probe.hpp"

namespace bgo::test::fault {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class UpgradeChurnTest : public DaemonTest {
 protected:
  std::string marker() const { return home_.parent_path().string() + "/"; }

  json::object daemon_status() {
    const RunResult r = bgo_within(30s, {"daemon", "status", "--json"});
    json::error_code ec;
    const json::value v = json::parse(r.out, ec);
    return !ec && v.is_object() ? v.as_object() : json::object{};
  }

  // The pid bgod reports for `name` while it is online, else 0; and its watch restart count.
  pid_t online_pid(const std::string& name) {
    const auto r = row(name);
    if (!r || r->at("status").as_string() != "online" || !r->at("pid").is_int64()) return 0;
    return static_cast<pid_t>(r->at("pid").as_int64());
  }
  int64_t watch_restarts(const std::string& name) {
    const json::object s = state(name);
    const json::value* w = s.if_contains("watch");
    if (w == nullptr || !w->is_object()) return -1;
    const json::value* n = w->as_object().if_contains("restarts");
    return n != nullptr && n->is_int64() ? n->as_int64() : -1;
  }
};

TEST_F(UpgradeChurnTest, LiveUpgradesUnderChurnLoseNothing) {
  const long upgrades = count(3, 100);
  const long steady = size(2, 5);
  const long exiting_per_upgrade = size(2, 3);
  const KillMarkedOnExit cleanup(marker());
  const auto began = std::chrono::steady_clock::now();
  ASSERT_EQ(bgo({"status"}).code, 0);
  const pid_t bgod = daemon_pid();
  ASSERT_GT(bgod, 0);

  ChurnSizes sizes;
  sizes.writers = size(3, 8);
  sizes.exiting_writers = size(2, 2);
  sizes.loopers = size(3, 10);
  sizes.churners = size(6, 30);
  sizes.clients = size(2, 3);
  sizes.seq_per_run = long_mode() ? 5000 : 2000;
  Churn churn(
      sizes, marker(),
      [this](const std::vector<std::string>& args) { return bgo_within(60s, args); },
      [this](const std::string& name, const std::vector<std::string>& args,
             const std::vector<std::string>& opts) { start_ok(name, args, opts); });
  churn.start_fixed();
  // Steady children nobody touches: an upgrade must not restart them.
  std::map<std::string, pid_t> steady_pids;
  for (long i = 0; i < steady; ++i) {
    const std::string name = "s" + std::to_string(i);
    start_ok(name, {"--tag", churn.tag(name), "--tick", "20"}, {"-w"});
    steady_pids[name] = online_pid(name);
    ASSERT_GT(steady_pids[name], 0) << name;
  }
  const unsigned seed = std::random_device{}();
  churn.start_clients(seed);
  const auto setup_done = std::chrono::steady_clock::now();

  // A client calls `list` throughout: not one call may fail.
  std::atomic<bool> done{false};
  std::atomic<int64_t> lists{0};
  std::atomic<int64_t> failed_lists{0};
  std::string list_failure;  // the first one; written by the lister only until it is joined
  std::thread lister([&] {
    while (!done) {
      const RunResult r = bgo_within(60s, {"list"});
      ++lists;
      if (r.code != 0 || !contains(r.out, "s0")) {
        if (failed_lists++ == 0) list_failure = "code " + std::to_string(r.code) + ": " + r.err;
      }
    }
  });

  // A follower (`bgo logs -f`) of a steady ticker through every upgrade: it must print each
  // tick once, in order, and still run at the end.
  Background follower({bin("bgo"), "logs", "-f", "-n", "100000", "s0"}, home_);
  extra_pids_.push_back(follower.pid());
  ASSERT_TRUE(follower.wait_for("(Ctrl+C to exit)\n")) << follower.output();

  // The upgrades. Before each, children that exit on their own some time between now and the
  // end of the upgrade (while the new binary is checked, while bgod settles, around the exec,
  // while the new image takes over), with an exit code each of their own.
  std::mt19937 rng(seed);
  long done_upgrades = 0;
  int64_t exits_checked = 0;
  int64_t exits_wrong = 0;
  std::string first_wrong;
  std::vector<int64_t> upgrade_ms;
  std::vector<std::string> refused;
  for (long u = 0; u < upgrades; ++u) {
    std::map<std::string, int> exiting;
    for (long e = 0; e < exiting_per_upgrade; ++e) {
      const std::string name = "e" + std::to_string(u) + "_" + std::to_string(e);
      const int code = 10 + static_cast<int>((u + e) % 100);
      // On a loaded machine the start probe may fire after the exit: then the start is answered
      // with the exit (and its code), which is just as good here.
      const RunResult started =
          bgo_within(60s, {"start", name, "--", bin("bgo_test_child"), "--tag", churn.tag(name),
                           "--after", std::to_string(400 + rng() % (long_mode() ? 1500 : 900)),
                           "--exit", std::to_string(code)});
      EXPECT_TRUE(started.code == 0 || contains(started.err, "exit code " + std::to_string(code)))
          << started.err;
      exiting[name] = code;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const RunResult r = bgo_within(60s, {"daemon", "upgrade"});
    upgrade_ms.push_back(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count());
    if (r.code == 0) {
      ++done_upgrades;
    } else {
      refused.push_back(r.err);
    }
    EXPECT_EQ(daemons_for(home_), std::vector<pid_t>{bgod}) << "after upgrade " << u;
    // Read from the state files, which say `stopped` only once the exit is recorded.
    std::vector<std::string> delete_args{"delete", "-y"};
    for (const auto& [exiting_name, code] : exiting) {
      const std::string name = exiting_name;  // a copy: lambdas cannot capture a binding (C++20)
      json::object s;
      const bool stopped = wait_until(
          [&] {
            s = state(name);
            const json::value* status = s.if_contains("status");
            return status != nullptr && status->is_string() && status->as_string() == "stopped";
          },
          10s);
      ++exits_checked;
      const json::value* c = s.if_contains("exit_code");
      if (!stopped || c == nullptr || !c->is_int64() || c->as_int64() != code) {
        if (exits_wrong++ == 0) {
          first_wrong = name + " (exit " + std::to_string(code) + "): " + json::serialize(s);
        }
      }
      delete_args.push_back(name);
    }
    EXPECT_EQ(bgo_within(30s, delete_args).code, 0);
    follower.pump();  // its output pipe must not fill
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % (long_mode() ? 1000 : 200)));
  }
  done = true;
  lister.join();
  churn.stop_clients();
  for (const auto& o : churn.odd()) ADD_FAILURE() << o << " (seed " << seed << ")";

  // The follower got up to the log's last tick, each tick once and in order, and runs on.
  const auto s0_ticks = numbered(read_file(home_ / "logs" / "s0.out.log"), "tick");
  const long last_tick = s0_ticks.empty() ? 0 : s0_ticks.rbegin()->first;
  EXPECT_TRUE(follower.wait_for("tick " + std::to_string(last_tick) + "\n", 30s));
  int follower_status = 0;
  const bool follower_alive = ::waitpid(follower.pid(), &follower_status, WNOHANG) == 0;
  EXPECT_TRUE(follower_alive) << follower.output();
  int64_t follower_lines = 0;
  int64_t follower_lost = 0;
  int64_t follower_duplicated = 0;
  {
    std::istringstream lines(follower.output());
    long previous = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("tick ", 0) != 0) continue;
      const long k = std::stol(line.substr(5));
      ++follower_lines;
      if (k <= previous) {
        ++follower_duplicated;
      } else {
        follower_lost += k - previous - 1;
        previous = k;
      }
    }
  }
  EXPECT_EQ(follower_lost, 0) << follower.output();
  EXPECT_EQ(follower_duplicated, 0) << follower.output();

  // The same bgod, upgraded each time.
  EXPECT_EQ(daemon_pid(), bgod);
  const json::object st = daemon_status();
  const json::value* count_v = st.if_contains("upgrades");
  const int64_t reported = count_v != nullptr && count_v->is_int64() ? count_v->as_int64() : -1;
  EXPECT_EQ(reported, done_upgrades);
  std::string refusals;
  for (const auto& why : refused) refusals += "\n  " + why;
  EXPECT_EQ(done_upgrades, upgrades) << "refused:" << refusals;

  // No child restarted by an upgrade.
  int64_t steady_restarted = 0;
  for (const auto& [name, pid] : steady_pids) {
    if (online_pid(name) != pid || watch_restarts(name) != 0) ++steady_restarted;
  }
  EXPECT_EQ(steady_restarted, 0);
  SeqReport logs = churn.writer_logs(home_);
  const SeqReport finite = churn.exiting_logs(home_);
  int64_t writer_runs_extra = 0;  // runs beyond the first and the restarts clients asked for
  for (long i = 0; i < sizes.writers; ++i) {
    const std::string name = "w" + std::to_string(i);
    const SeqReport one = check_seq_log(home_ / "logs" / (name + ".out.log"), 0);
    writer_runs_extra += std::max<int64_t>(0, one.runs - 1 - churn.writer_restarts_asked(name));
  }
  EXPECT_EQ(writer_runs_extra, 0);
  EXPECT_EQ(logs.lost, 0) << logs.first_problem;
  EXPECT_EQ(logs.duplicated, 0) << logs.first_problem;
  EXPECT_EQ(logs.other, 0) << logs.first_problem;
  EXPECT_EQ(finite.lost, 0) << finite.first_problem;
  EXPECT_EQ(finite.duplicated, 0) << finite.first_problem;
  EXPECT_EQ(finite.other, 0) << finite.first_problem;
  EXPECT_EQ(exits_wrong, 0) << first_wrong;
  EXPECT_EQ(failed_lists.load(), 0) << list_failure;
  EXPECT_EQ(churn.transport_failures(), 0) << churn.first_transport_failure();

  // Everything stops; nothing bgod started is left.
  const auto checks_done = std::chrono::steady_clock::now();
  const RunResult stop_all = bgo_within(120s, {"stop", "all"});
  EXPECT_LE(stop_all.code, 1) << stop_all.err;
  std::set<pid_t> left;
  EXPECT_TRUE(wait_until([&] { return (left = marked(marker(), true)).empty(); }, 10s))
      << describe(left);

  const auto secs = [](auto from, auto to) {
    return std::to_string(static_cast<int>(std::chrono::duration<double>(to - from).count()));
  };
  std::sort(upgrade_ms.begin(), upgrade_ms.end());
  const int64_t median_ms = upgrade_ms.empty() ? 0 : upgrade_ms[upgrade_ms.size() / 2];
  const int64_t max_ms = upgrade_ms.empty() ? 0 : upgrade_ms.back();
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  figures(
      "upgrade",
      "upgrades=" + std::to_string(done_upgrades) + "/" + std::to_string(upgrades) + " processes=" +
          std::to_string(sizes.writers + sizes.exiting_writers + sizes.loopers + sizes.churners +
                         steady) +
          " bgod_pid_changed=" + std::to_string(daemon_pid() != bgod ? 1 : 0) +
          " steady_restarted=" + std::to_string(steady_restarted) + " writer_runs_extra=" +
          std::to_string(writer_runs_extra) + " writer_runs=" + std::to_string(logs.runs) +
          " lines=" + std::to_string(logs.lines + finite.lines) +
          " lost=" + std::to_string(logs.lost + finite.lost) +
          " duplicated=" + std::to_string(logs.duplicated + finite.duplicated) +
          " follower_lines=" + std::to_string(follower_lines) +
          " follower_lost=" + std::to_string(follower_lost) +
          " follower_duplicated=" + std::to_string(follower_duplicated) + " follower_alive=" +
          std::to_string(follower_alive ? 1 : 0) + " list_calls=" + std::to_string(lists.load()) +
          " list_failed=" + std::to_string(failed_lists.load()) +
          " churn_calls=" + std::to_string(churn.calls()) +
          " churn_refused=" + std::to_string(churn.failed_calls() - churn.transport_failures()) +
          " churn_cut=" + std::to_string(churn.transport_failures()) + " exits_during_upgrade=" +
          std::to_string(exits_checked) + " exit_codes_wrong=" + std::to_string(exits_wrong) +
          " upgrade_ms_median=" + std::to_string(median_ms) + " upgrade_ms_max=" +
          std::to_string(max_ms) + " seconds=" + std::to_string(static_cast<int>(seconds)) +
          " (setup " + secs(began, setup_done) + ", upgrades " + secs(setup_done, checks_done) +
          ", stop " + secs(checks_done, std::chrono::steady_clock::now()) + ")");
}

}  // namespace
}  // namespace bgo::test::fault
