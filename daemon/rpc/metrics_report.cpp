// SPDX-License-Identifier: MIT
// render_metrics: the families of docs/metrics.md, in its order.
#include "daemon/rpc/metrics_report.hpp"

#include "common/time_format.hpp"
#include "daemon/rpc/event_hub.hpp"
#include "daemon/rpc/services.hpp"
#include "proto/openmetrics.hpp"

namespace bgo::daemon {

namespace {

using proto::MetricLabels;
using proto::MetricType;
using proto::OpenMetricsWriter;

MetricLabels labels_of(const ProcessRecord& r) {
  MetricLabels labels{{"name", r.name}};
  if (r.project) labels.push_back({"project", *r.project});
  return labels;
}

// Unix seconds of an ISO 8601 `started_at`; nullopt when it does not parse.
std::optional<double> unix_seconds(const std::optional<std::string>& iso) {
  if (!iso) return std::nullopt;
  const auto t = parse_iso(*iso);
  if (!t) return std::nullopt;
  return std::chrono::duration<double>(t->time_since_epoch()).count();
}

void write_processes(OpenMetricsWriter& w, const std::vector<Snapshot>& processes) {
  // Families must not interleave, so each goes over every process in turn.
  const auto each = [&processes](const auto& fn) {
    for (const Snapshot& s : processes) fn(s, *s.record, labels_of(*s.record));
  };
  w.family("bgo_process_up", MetricType::gauge, "",
           "1 while the process runs (bgo status says online), else 0");
  each([&](const Snapshot& s, const ProcessRecord&, const MetricLabels& l) {
    w.sample(l, s.online);
  });
  w.family("bgo_process_ready", MetricType::gauge, "",
           "1 once the readiness check has passed, else 0; only processes with one");
  each([&](const Snapshot& s, const ProcessRecord& r, const MetricLabels& l) {
    if (r.policy->ready) w.sample(l, s.health.ready.value_or(false));
  });
  w.family(
      "bgo_process_restarts", MetricType::counter, "",
      "Restarts by the watcher (the restarts of bgo status; restart --reset-counters zeroes it)");
  each([&](const Snapshot&, const ProcessRecord& r, const MetricLabels& l) {
    w.sample(l, r.watch ? r.watch->restarts : int64_t{0});
  });
  w.family("bgo_process_last_exit_code", MetricType::gauge, "",
           "Exit code of the last run, when it exited (not when a signal ended it)");
  each([&](const Snapshot&, const ProcessRecord& r, const MetricLabels& l) {
    if (r.exit_code) w.sample(l, *r.exit_code);
  });
  w.family("bgo_process_last_exit_signal", MetricType::gauge, "",
           "Number of the signal that ended the last run, when one did");
  each([&](const Snapshot&, const ProcessRecord& r, const MetricLabels& l) {
    if (r.exit_signal) w.sample(l, *r.exit_signal);
  });
  w.family("bgo_process_pid", MetricType::gauge, "", "PID of the running process");
  each([&](const Snapshot& s, const ProcessRecord& r, const MetricLabels& l) {
    if (s.online && r.pid) w.sample(l, *r.pid);
  });
  w.family("bgo_process_cpu_seconds", MetricType::counter, "seconds",
           "CPU time (user and system) of the running process, of its whole cgroup when it has "
           "one");
  each([&](const Snapshot& s, const ProcessRecord&, const MetricLabels& l) {
    if (s.online && s.usage.cpu_seconds) w.sample(l, *s.usage.cpu_seconds);
  });
  w.family("bgo_process_resident_memory_bytes", MetricType::gauge, "bytes",
           "Resident memory of the running process (RSS), of its whole cgroup when it has one");
  each([&](const Snapshot& s, const ProcessRecord&, const MetricLabels& l) {
    if (s.online && s.usage.rss_bytes) w.sample(l, *s.usage.rss_bytes);
  });
  w.family("bgo_process_start_time_seconds", MetricType::gauge, "seconds",
           "When the running process was started, in seconds since the Unix epoch");
  each([&](const Snapshot& s, const ProcessRecord& r, const MetricLabels& l) {
    if (!s.online) return;
    if (const auto t = unix_seconds(r.started_at)) w.sample(l, *t);
  });
}

void write_daemon(OpenMetricsWriter& w, const DaemonFigures& d, const StoreStats& store) {
  w.family("bgo_daemon_uptime_seconds", MetricType::gauge, "seconds", "Time since bgod started");
  w.sample({}, d.uptime.count());
  w.family("bgo_daemon_processes", MetricType::gauge, "", "Processes registered, running or not");
  w.sample({}, d.processes);
  w.family("bgo_daemon_connections", MetricType::gauge, "",
           "Open connections to the control socket (bgo clients, subscribers)");
  w.sample({}, d.connections);
  w.family("bgo_daemon_events_sent", MetricType::counter, "",
           "Event notifications sent to subscribed clients, one per subscriber");
  w.sample({}, d.events_sent);
  w.family("bgo_daemon_state_writes", MetricType::counter, "",
           "State file writes (procs/NAME.json), failed ones included");
  w.sample({}, store.writes);
  w.family("bgo_daemon_state_write_failures", MetricType::counter, "",
           "State file writes that failed (a full disk, an unsafe procs/)");
  w.sample({}, store.failures);
  w.family("bgo_daemon_state_writes_coalesced", MetricType::counter, "",
           "State snapshots never written: a newer one of the same process replaced them first");
  w.sample({}, store.coalesced);
  w.family("bgo_daemon_state_commits", MetricType::counter, "",
           "Group commits of state files: one fsync of procs/ each, for one file or many");
  w.sample({}, store.commits);
  w.family("bgo_daemon_state_commit_duration_seconds", MetricType::histogram, "seconds",
           "Time from a state change to its group commit on disk: what a reply that promises "
           "durability waits at most");
  w.histogram({}, store.commit_latency);
  w.family("bgo_daemon_state_write_duration_seconds", MetricType::histogram, "seconds",
           "Time one state file write took on the writer thread (temp file, fsync, rename)");
  w.histogram({}, store.latency);
}

}  // namespace

std::string render_metrics(const std::vector<Snapshot>& processes, const DaemonFigures& daemon,
                           const StoreStats& store) {
  OpenMetricsWriter w;
  write_processes(w, processes);
  write_daemon(w, daemon, store);
  return w.finish();
}

std::string metrics_text(const Services& s) {
  const std::vector<Snapshot> processes = s.supervisor.list();
  DaemonFigures d;
  d.uptime = s.clock.now() - s.started_at;
  d.processes = processes.size();
  d.connections = s.events.connections();
  d.events_sent = s.events.events_sent();
  return render_metrics(processes, d, s.store_stats);
}

}  // namespace bgo::daemon
