// SPDX-License-Identifier: MIT
// Metrics from a real bgod (docs/metrics.md, issue #19): `bgo metrics` shows every process,
// its text is valid OpenMetrics, and its figures are those of `bgo status --json`.
#include <csignal>

#include <boost/json.hpp>

#include "common/time_format.hpp"
#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/metrics_support.hpp"
#include "tests/support/event_stream.hpp"
#include "tests/support/wait_until.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;

class MetricsTest : public DaemonTest {
 protected:
  OmExposition bgo_metrics() {
    RunResult r = bgo({"metrics"});
    EXPECT_EQ(r.code, 0) << r.err;
    return parsed_metrics(r.out);
  }
};

TEST_F(MetricsTest, BgoMetricsShowsEveryProcessWithTheFiguresOfStatusJson) {
  start_ok("web", {});
  start_ok("we\"ird name", {});  // a quote and a space: escaped in the label
  // Killed once, restarted at once (min-uptime 0: not a fast crash), then it stays up.
  start_ok("flappy", {}, {"-w", "--min-uptime", "0"});
  const int64_t first = row("flappy")->at("running_pid").as_int64();
  ASSERT_EQ(::kill(static_cast<pid_t>(first), SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] {
    const auto r = row("flappy");
    return r && r->at("status") == "online" && r->at("restarts") == 1 &&
           r->at("running_pid") != first;
  }));
  start_ok("done", {"--after", "300", "--exit", "3"});
  start_ok("killed", {});
  ASSERT_EQ(::kill(static_cast<pid_t>(row("killed")->at("running_pid").as_int64()), SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] {
    return row("done")->at("status") == "stopped" && row("killed")->at("status") == "stopped";
  }));

  // Nothing changes any more, so the page and the rows around it describe the same moment.
  const json::value before = status_json();
  const OmExposition page = bgo_metrics();
  const json::value after = status_json();
  ASSERT_EQ(stable_fields(before), stable_fields(after));
  expect_same_figures(page, after.as_array());

  EXPECT_EQ(page.value("bgo_process_last_exit_code", {{"name", "done"}}), 3.0);
  EXPECT_EQ(page.value("bgo_process_last_exit_signal", {{"name", "killed"}}), SIGKILL);
  EXPECT_EQ(page.value("bgo_process_restarts_total", {{"name", "flappy"}}), 1.0);
  // A new run clears the last one's exit, in the rows and on the page alike.
  EXPECT_TRUE(page.find("bgo_process_last_exit_signal", {{"name", "flappy"}}).empty());
  EXPECT_EQ(page.value("bgo_daemon_processes"), 5.0);
  EXPECT_GE(page.value("bgo_daemon_connections").value_or(0), 1.0);  // this bgo's
  const double writes = page.value("bgo_daemon_state_writes_total").value_or(0);
  const double coalesced = page.value("bgo_daemon_state_writes_coalesced_total").value_or(0);
  EXPECT_GE(writes + coalesced, 6.0);  // a save at each of the six spawns at least
  EXPECT_GE(page.value("bgo_daemon_state_commits_total").value_or(0), 1.0);
  EXPECT_LE(page.value("bgo_daemon_state_commits_total").value_or(0), writes);
  EXPECT_EQ(page.value("bgo_daemon_state_write_duration_seconds_count"), writes);
  EXPECT_EQ(page.value("bgo_daemon_state_write_failures_total"), 0.0);
}

TEST_F(MetricsTest, EventsSentCountsTheNotificationsOfEverySubscriber) {
  start_ok("one", {});
  const double before = bgo_metrics().value("bgo_daemon_events_sent_total").value_or(-1);
  EXPECT_GE(before, 0.0);
  EventStream first(home_ / "bgo.sock");
  EventStream second(home_ / "bgo.sock");
  ASSERT_TRUE(first.ok() && second.ok());
  RunResult r = bgo({"stop", "one"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(first.wait_for("stopped", "one", std::chrono::seconds(10)));
  ASSERT_TRUE(second.wait_for("stopped", "one", std::chrono::seconds(10)));
  // One notification per event and subscriber, all of them counted.
  EXPECT_TRUE(wait_until([&] {
    return bgo_metrics().value("bgo_daemon_events_sent_total") ==
           before + static_cast<double>(first.size() + second.size());
  }));
  EXPECT_EQ(first.size(), second.size());
}

}  // namespace
}  // namespace bgo::test
