// SPDX-License-Identifier: MIT
// render_metrics: which process figures appear when, labels (project, escaping), bgod's own
// figures and the state-write histogram; every page read back by the strict reader.
#include "daemon/rpc/metrics_report.hpp"

#include <gtest/gtest.h>

#include "tests/support/openmetrics_parser.hpp"

namespace bgo::daemon {
namespace {

using std::chrono::microseconds;
using test::OmExposition;

struct Fixture {
  std::vector<ProcessRecord> records;
  std::vector<Snapshot> snapshots;
  DaemonFigures daemon;
  StoreStats store;

  Fixture() {
    records.reserve(4);
    ProcessRecord& web = records.emplace_back();
    web.name = "web";
    web.pid = 4242;
    web.project = "shop";
    web.started_at = "2025-03-01T10:15:42.5+00:00";
    web.watch = WatchBlock{};
    web.watch->restarts = 3;
    web.exit_signal = 9;  // how the run before this one ended
    ProcessRecord& db = records.emplace_back();
    db.name = "we\"ird db";
    db.pid = 4343;
    db.policy.edit().ready = HealthCheck{};
    ProcessRecord& job = records.emplace_back();
    job.name = "job";
    job.pid = 4444;  // the last run's: not shown while stopped
    job.exit_code = 3;
    job.started_at = "2025-03-01T09:00:00+00:00";
    ProcessRecord& waiting = records.emplace_back();
    waiting.name = "waiting";
    waiting.policy.edit().ready = HealthCheck{};

    Snapshot s;
    s.record = &records[0];
    s.online = true;
    s.usage.cpu_seconds = 1.25;
    s.usage.rss_bytes = 4096;
    snapshots.push_back(s);
    s = Snapshot{};
    s.record = &records[1];
    s.online = true;
    s.health.ready = true;
    snapshots.push_back(s);
    s = Snapshot{};
    s.record = &records[2];
    snapshots.push_back(s);
    s = Snapshot{};
    s.record = &records[3];
    s.health.waiting = true;
    s.health.ready = false;
    snapshots.push_back(s);

    daemon.uptime = std::chrono::milliseconds(12500);
    daemon.processes = 4;
    daemon.connections = 2;
    daemon.events_sent = 7;
    store.writes = 3;
    store.failures = 1;
    store.latency.observe(microseconds(80));
    store.latency.observe(microseconds(3000));
    store.latency.observe(std::chrono::seconds(4));
  }

  std::string text() const { return render_metrics(snapshots, daemon, store); }
  OmExposition parsed() const {
    auto p = test::parse_openmetrics(text());
    EXPECT_TRUE(p.exposition) << p.error << "\n" << text();
    return p.exposition.value_or(OmExposition{});
  }
};

TEST(MetricsReport, ThePageIsValidOpenMetricsWithEveryFamilyOnce) {
  const OmExposition page = Fixture().parsed();
  std::vector<std::string> names;
  for (const auto& f : page.families) names.push_back(f.name + " " + f.type);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "bgo_process_up gauge",
                       "bgo_process_ready gauge",
                       "bgo_process_restarts counter",
                       "bgo_process_last_exit_code gauge",
                       "bgo_process_last_exit_signal gauge",
                       "bgo_process_pid gauge",
                       "bgo_process_cpu_seconds counter",
                       "bgo_process_resident_memory_bytes gauge",
                       "bgo_process_start_time_seconds gauge",
                       "bgo_daemon_uptime_seconds gauge",
                       "bgo_daemon_processes gauge",
                       "bgo_daemon_connections gauge",
                       "bgo_daemon_events_sent counter",
                       "bgo_daemon_state_writes counter",
                       "bgo_daemon_state_write_failures counter",
                       "bgo_daemon_state_writes_coalesced counter",
                       "bgo_daemon_state_commits counter",
                       "bgo_daemon_state_commit_duration_seconds histogram",
                       "bgo_daemon_state_write_duration_seconds histogram",
                   }));
  for (const auto& f : page.families) EXPECT_FALSE(f.help.empty()) << f.name;
  EXPECT_EQ(page.family("bgo_process_cpu_seconds")->unit, "seconds");
  EXPECT_EQ(page.family("bgo_process_resident_memory_bytes")->unit, "bytes");
}

TEST(MetricsReport, UpAndRestartsForEveryProcessWithItsProjectWhenItHasOne) {
  const OmExposition page = Fixture().parsed();
  EXPECT_EQ(page.find("bgo_process_up").size(), 4U);
  EXPECT_EQ(page.value("bgo_process_up", {{"name", "web"}, {"project", "shop"}}), 1.0);
  EXPECT_EQ(page.value("bgo_process_up", {{"name", "we\"ird db"}}), 1.0);
  EXPECT_EQ(page.value("bgo_process_up", {{"name", "job"}}), 0.0);
  EXPECT_EQ(page.value("bgo_process_up", {{"name", "waiting"}}), 0.0);
  EXPECT_FALSE(page.find("bgo_process_up", {{"name", "job"}})[0]->label("project"));
  EXPECT_EQ(page.find("bgo_process_restarts_total").size(), 4U);
  EXPECT_EQ(page.value("bgo_process_restarts_total", {{"name", "web"}}), 3.0);
  EXPECT_EQ(page.value("bgo_process_restarts_total", {{"name", "job"}}), 0.0);
}

TEST(MetricsReport, ALabelValueIsEscapedInTheText) {
  const std::string text = Fixture().text();
  EXPECT_NE(text.find("bgo_process_up{name=\"we\\\"ird db\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("bgo_process_up{name=\"web\",project=\"shop\"} 1\n"), std::string::npos);
}

TEST(MetricsReport, ReadyOnlyForProcessesWithAReadinessCheck) {
  const OmExposition page = Fixture().parsed();
  EXPECT_EQ(page.find("bgo_process_ready").size(), 2U);
  EXPECT_EQ(page.value("bgo_process_ready", {{"name", "we\"ird db"}}), 1.0);
  EXPECT_EQ(page.value("bgo_process_ready", {{"name", "waiting"}}), 0.0);
}

TEST(MetricsReport, LastExitCodeOrSignalOnlyWhenTheLastRunEndedSo) {
  const OmExposition page = Fixture().parsed();
  EXPECT_EQ(page.find("bgo_process_last_exit_code").size(), 1U);
  EXPECT_EQ(page.value("bgo_process_last_exit_code", {{"name", "job"}}), 3.0);
  EXPECT_EQ(page.find("bgo_process_last_exit_signal").size(), 1U);
  EXPECT_EQ(page.value("bgo_process_last_exit_signal", {{"name", "web"}}), 9.0);
}

TEST(MetricsReport, PidCpuMemoryAndStartTimeOnlyWhileRunning) {
  const OmExposition page = Fixture().parsed();
  EXPECT_EQ(page.find("bgo_process_pid").size(), 2U);
  EXPECT_EQ(page.value("bgo_process_pid", {{"name", "web"}}), 4242.0);
  EXPECT_EQ(page.value("bgo_process_pid", {{"name", "we\"ird db"}}), 4343.0);
  EXPECT_TRUE(page.find("bgo_process_pid", {{"name", "job"}}).empty());
  // Usage unknown for the db (no /proc figures): nothing rather than a made-up zero.
  EXPECT_EQ(page.find("bgo_process_cpu_seconds_total").size(), 1U);
  EXPECT_EQ(page.value("bgo_process_cpu_seconds_total", {{"name", "web"}}), 1.25);
  EXPECT_EQ(page.find("bgo_process_resident_memory_bytes").size(), 1U);
  EXPECT_EQ(page.value("bgo_process_resident_memory_bytes", {{"name", "web"}}), 4096.0);
  EXPECT_EQ(page.find("bgo_process_start_time_seconds").size(), 1U);
  // 2025-03-01T10:15:42.5Z
  EXPECT_EQ(page.value("bgo_process_start_time_seconds", {{"name", "web"}}), 1740824142.5);
}

TEST(MetricsReport, BgodsOwnFigures) {
  const OmExposition page = Fixture().parsed();
  EXPECT_EQ(page.value("bgo_daemon_uptime_seconds"), 12.5);
  EXPECT_EQ(page.value("bgo_daemon_processes"), 4.0);
  EXPECT_EQ(page.value("bgo_daemon_connections"), 2.0);
  EXPECT_EQ(page.value("bgo_daemon_events_sent_total"), 7.0);
  EXPECT_EQ(page.value("bgo_daemon_state_writes_total"), 3.0);
  EXPECT_EQ(page.value("bgo_daemon_state_write_failures_total"), 1.0);
}

TEST(MetricsReport, TheStateWriteHistogramFromTheStoresStats) {
  const std::string text = Fixture().text();
  const std::string_view expected =
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"0.0001\"} 1\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"0.00025\"} 1\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"0.0005\"} 1\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"0.001\"} 1\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"0.0025\"} 1\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"0.005\"} 2\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"0.01\"} 2\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"0.025\"} 2\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"0.05\"} 2\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"0.1\"} 2\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"0.25\"} 2\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"0.5\"} 2\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"1.0\"} 2\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"2.5\"} 2\n"
      "bgo_daemon_state_write_duration_seconds_bucket{le=\"+Inf\"} 3\n"
      "bgo_daemon_state_write_duration_seconds_count 3\n"
      "bgo_daemon_state_write_duration_seconds_sum 4.00308\n"
      "# EOF\n";
  ASSERT_GE(text.size(), expected.size());
  EXPECT_EQ(text.substr(text.size() - expected.size()), expected);
}

TEST(MetricsReport, NoProcessesStillDescribesEveryFamily) {
  Fixture f;
  f.snapshots.clear();
  f.daemon.processes = 0;
  const OmExposition page = f.parsed();
  EXPECT_EQ(page.families.size(), 19U);
  EXPECT_TRUE(page.find("bgo_process_up").empty());
  EXPECT_EQ(page.value("bgo_daemon_processes"), 0.0);
}

}  // namespace
}  // namespace bgo::daemon
