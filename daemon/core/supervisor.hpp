// SPDX-License-Identifier: MIT
// Owns every supervised process by name: start, stop, restart, delete, watch policy, exits.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <sys/types.h>
#include <unordered_map>
#include <vector>

#include "common/exit_status.hpp"
#include "daemon/core/child.hpp"
#include "daemon/core/ports.hpp"

namespace bgo::daemon {

struct StartParams {
  std::string name;
  std::vector<std::string> command;
  std::string cwd;               // absolute
  std::vector<std::string> env;  // complete "K=V" list
  bool watch = false;            // fresh watch block (spec §5.2)
  std::optional<int64_t> interval;
  std::optional<int64_t> min_uptime;
  std::optional<std::string> on_fast_crash;
  std::optional<AutostartPolicy> autostart;
  std::optional<LogOptions> logs;
  // Restart paths (restart, resurrect, restart-stopped/last): state-file keys bgod does not
  // know survive, as they do every other load-modify-save. A plain `start` writes afresh.
  bool keep_unknown_keys = false;
};

struct StartOutcome {
  std::string name;
  pid_t pid = 0;
  std::optional<WatchBlock> watch;  // set when the process is watched
};
using StartDone = std::function<void(Result<StartOutcome>)>;

struct StopOutcome {
  bool was_running = false;
  pid_t pid = 0;
};
using StopDone = std::function<void(Result<StopOutcome>)>;

struct RestartParams {
  bool reset_counters = false;   // also zero watch.restarts and watch.last_restart_at
  std::vector<std::string> env;  // the caller's environment
  // Replace the recorded environment with `env` (pm2's --update-env); otherwise `env` is used
  // only by a record that has none (a file of the Python bgo).
  bool update_env = false;
};

struct RestartOutcome {
  bool was_running = false;
  Result<StartOutcome> start = make_error(Errc::internal, "not started");
};

struct BatchItem {
  std::string name;
  Result<StartOutcome> result = make_error(Errc::internal, "not started");
};
struct BatchOutcome {
  std::vector<std::string> skipped;  // already running
  std::vector<BatchItem> items;      // in target order
};
using BatchDone = std::function<void(Result<BatchOutcome>)>;

struct Snapshot {
  const ProcessRecord* record = nullptr;
  bool online = false;
  Phase phase = Phase::stopped;
  UsageText usage;
};

struct WatchOverrides {
  std::optional<int64_t> interval;
  std::optional<int64_t> min_uptime;
  std::optional<std::string> on_fast_crash;
};

struct BrokenState {
  std::string file;  // file name inside procs/
  std::string error;
};

enum class CandidateOrder { file, recent };

// Owns every supervised process by name (a Child each), the batches across them and the
// resurrect policy. Also the children's host: it keeps the pid index and the set of records
// whose save failed, which are written again on the next successful save or by a timer.
class Supervisor final : private ChildHost {
 public:
  Supervisor(ProcessPort& processes, StorePort& store, LogPort& logs, TimerFactory& timers,
             Clock& clock, EventSink& events, SupervisorSettings settings);
  ~Supervisor() override;
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Startup: takes the loaded records, adopts those still alive, records the dead ones.
  void load(std::vector<ProcessRecord> records, std::vector<BrokenState> broken);
  // Starts every resurrect candidate (spec §3.6, Appendix D #10) in the background.
  void resurrect_on_boot();

  void start(StartParams params, StartDone done);
  void stop(const std::string& name, bool force, std::chrono::milliseconds timeout, StopDone done);
  void restart(const std::string& name, RestartParams params,
               const std::function<void(Result<RestartOutcome>)>& done);
  void remove(const std::string& name, bool keep_logs,
              const std::function<void(Result<bool>)>& done);
  std::vector<std::string> clean();
  void resurrect(const std::vector<std::string>& env, BatchDone done);
  // restart-stopped (names or all) and restart-last (all, recent order).
  void restart_many(const std::vector<std::string>& names, CandidateOrder order,
                    const std::vector<std::string>& env, BatchDone done);
  std::vector<std::string> candidates(CandidateOrder order) const;

  Result<WatchBlock> watch(const std::string& name, const WatchOverrides& overrides, bool reset);
  Result<bool> unwatch(const std::string& name);  // false: was not watched
  Result<AutostartPolicy> set_autostart(const std::string& name, AutostartPolicy policy);

  std::vector<Snapshot> list() const;  // sorted by name
  Result<Snapshot> get(const std::string& name) const;
  const std::vector<BrokenState>& broken() const { return broken_; }
  size_t size() const { return children_.size(); }
  size_t online_count() const;

  // Stops every child (unless `keep_children`), then calls `done`.
  void shutdown(bool keep_children, std::function<void()> done);

  // Events from the OS adapters. `on_exit` also takes pids bgod did not spawn itself (orphans
  // of its children's groups, reparented to it as their subreaper).
  void on_exit(pid_t pid, const ExitStatus& status);
  void on_output_closed(pid_t pid);
  // The cgroup of the contained child whose process group (leader pid) is `pgid` has no
  // process left: a stop lingering on it ends. May come before the leader's on_exit.
  void on_group_empty(pid_t pgid);
  // The contained child led by `pid` reached its memory_max (event memory_exceeded).
  // TODO(#14): restart it, as docs/health.md says; for now the event and a watcher-log line.
  void on_memory_exceeded(pid_t pid);

 private:
  // ChildHost
  void on_pid_assigned(const Child& child) override;
  void on_pid_released(const Child& child) override;
  void on_lingering(const Child& child, bool lingering) override;
  void on_saved(const Child& child, const Result<void>& result) override;
  bool shutting_down() const override { return shutting_down_; }

  Child* find(const std::string& name);
  const Child* find(const std::string& name) const;
  Child& add(ProcessRecord record);
  void erase(const std::string& name);
  void forget(const std::string& name, bool keep_logs);
  std::vector<Child*> file_order();
  Snapshot snapshot(const Child& child) const;
  bool is_candidate_for_resurrect(const Child& child) const;
  void start_from_record(const std::string& name, std::vector<std::string> env, StartDone done);
  void run_batch(std::vector<std::string> targets, const std::vector<std::string>& env,
                 std::vector<std::string> skipped, BatchDone done);
  void retry_saves();

  ChildPorts ports_;
  SupervisorSettings settings_;
  std::map<std::string, std::unique_ptr<Child>> children_;
  std::unordered_map<pid_t, Child*> by_pid_;
  std::set<std::string> lingering_;  // children whose stopped leader left group members
  std::set<std::string> unsaved_;    // children whose last save failed
  std::unique_ptr<Timer> retry_timer_;
  bool retrying_ = false;
  std::vector<BrokenState> broken_;
  bool shutting_down_ = false;
};

}  // namespace bgo::daemon
