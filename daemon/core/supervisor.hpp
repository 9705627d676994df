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
#include <utility>
#include <vector>

#include "common/exit_status.hpp"
#include "daemon/core/carry.hpp"
#include "daemon/core/child.hpp"
#include "daemon/core/env_table.hpp"
#include "daemon/core/ports.hpp"

namespace bgo::daemon {

struct StartParams {
  std::string name;
  std::vector<std::string> command;
  std::string cwd;     // absolute
  SharedEnv env;       // complete "K=V" list; null or empty: bgod's own
  bool watch = false;  // fresh watch block (spec §5.2)
  std::optional<int64_t> interval;
  std::optional<int64_t> min_uptime;
  std::optional<std::string> on_fast_crash;
  std::optional<AutostartPolicy> autostart;
  std::optional<LogOptions> logs;
  ProcessPolicy policy;  // docs/health.md; checked by the caller except `after`
  // The project claiming the name (`bgo up`): a start of a name another project owns, or that
  // no project owns, is refused. Without it, an existing record's project is kept and its
  // definition dropped (the process no longer runs what the file says).
  std::optional<std::string> project;
  std::optional<std::string> definition;
  // Restart paths (restart, resurrect, restart-stopped/last): state-file keys bgod does not
  // know survive, as they do every other load-modify-save. A plain `start` writes afresh.
  bool keep_unknown_keys = false;
};

struct StartOutcome {
  std::string name;
  pid_t pid = 0;
  std::optional<WatchBlock> watch;       // set when the process is watched
  std::vector<std::string> waiting_for;  // non-empty: accepted, waits for these dependencies
};
using StartDone = std::function<void(Result<StartOutcome>)>;

struct StopOutcome {
  bool was_running = false;
  pid_t pid = 0;
  std::vector<std::string> dependents;  // stopped first (`with_dependents`), in stop order
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
  HealthView health;
};

// What `list` selects (docs/protocol.md "list"): a page of names in byte order, of every
// process or of one project's, with or without the usage figures.
struct ListQuery {
  std::optional<std::string> after;    // only names sorting after it (it need not exist)
  std::optional<std::size_t> limit;    // at most this many rows (>= 1); nullopt: all
  std::optional<std::string> project;  // only the processes of this project
  bool usage = true;  // CPU, memory and uptime of the online rows (the Processes port: /proc)
};
struct ListPage {
  std::vector<Snapshot> rows;       // sorted by name, at most `limit`
  std::size_t total = 0;            // the processes selected, all pages together
  std::optional<std::string> next;  // the `after` of the next page; nullopt on the last
};

// A child bgod spawned itself and that runs now (a live upgrade hands these over).
struct RunningChild {
  std::string name;
  pid_t pid = 0;
  uint64_t start_ticks = 0;
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

// Whether `clean` keeps the log files of the processes it removes (the original's choice,
// spec §3.8) or removes them too (`bgo clean --logs`, issue #13.9).
enum class KeepLogs { yes, no };

// Owns every supervised process by name (a Child each), the batches across them and the
// resurrect policy. Also the children's host: it keeps the pid index and the set of records
// whose save failed, which are written again on the next successful save or by a timer.
class Supervisor final : private ChildHost, private EventSink {
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

  // The adapters behind health checks (docs/health.md); without them only log checks work.
  void set_health_ports(ProbePort* probes, NotifyPort* notify);

  void start(StartParams params, StartDone done);
  // Starts every item at once (`start_many`): all are spawned in this call, so their start
  // probes run side by side, and `done` gets one BatchItem per item, in order, once the last
  // probe is over. An item that is an error is answered with it; `names` (one per item) are
  // the names the results carry.
  void start_many(std::vector<Result<StartParams>> items, std::vector<std::string> names,
                  BatchDone done);
  // `timeout`: SIGKILL after it; nullopt: the process's own stop timeout. With
  // `with_dependents`, what depends on `name` (transitively) is stopped first.
  void stop(const std::string& name, bool force, std::optional<std::chrono::milliseconds> timeout,
            StopDone done, bool with_dependents = false);
  void restart(const std::string& name, RestartParams params,
               const std::function<void(Result<RestartOutcome>)>& done);
  void remove(const std::string& name, bool keep_logs,
              const std::function<void(Result<bool>)>& done);
  // Unregisters every process that is not running; returns their names in file order. Their
  // files are removed behind: when_all_saved() waits for that.
  std::vector<std::string> clean(KeepLogs keep_logs);
  void resurrect(const std::vector<std::string>& env, BatchDone done);
  // restart-stopped (names or all) and restart-last (all, recent order).
  void restart_many(const std::vector<std::string>& names, CandidateOrder order,
                    const std::vector<std::string>& env, BatchDone done);
  std::vector<std::string> candidates(CandidateOrder order) const;

  // These three save behind: a reply that promises the change waits for when_saved(name).
  Result<WatchBlock> watch(const std::string& name, const WatchOverrides& overrides, bool reset);
  Result<bool> unwatch(const std::string& name);  // false: was not watched
  Result<AutostartPolicy> set_autostart(const std::string& name, AutostartPolicy policy);

  // Calls `done` once `name`'s record as it is now is on disk, with the save's result (an
  // io_error for a full disk); a name that is not registered waits for every write so far.
  void when_saved(const std::string& name, std::function<void(Result<void>)> done);
  // Calls `done` once every state write made so far is on disk or failed.
  void when_all_saved(std::function<void()> done);

  std::vector<Snapshot> list() const;  // sorted by name
  // The rows `query` selects; the Processes port is asked only for the rows returned, and
  // not at all without `query.usage`.
  ListPage list(const ListQuery& query) const;
  Result<Snapshot> get(const std::string& name) const;
  const std::vector<BrokenState>& broken() const { return broken_; }
  size_t size() const { return children_.size(); }
  size_t online_count() const;
  // Live upgrade: the running children bgod spawned (not adopted after a crash), and how many
  // children are between two steady phases (stopping, exiting, lingering, or a start not yet
  // answered), which the upgrade waits out. A child in backoff is carried (watch_carry).
  std::vector<RunningChild> own_running() const;
  size_t settling_count() const;
  // The children with a fast-crash streak, a restart pending or, running, health checks, and,
  // in the next image after load(), their state back (names no longer known are skipped).
  std::vector<WatchCarry> watch_carry() const;
  void resume_watch(const std::vector<WatchCarry>& carried);
  // While an upgrade settles: watch restarts wait in backoff (a crash loop exits once more at
  // most, then waits to be handed over); released, those that came due run at once.
  void hold_restarts(bool held);

  // Stops every child (unless `keep_children`), then calls `done`.
  void shutdown(bool keep_children, const std::function<void()>& done);

  // Events from the OS adapters. `on_exit` also takes pids bgod did not spawn itself (orphans
  // of its children's groups, reparented to it as their subreaper).
  void on_exit(pid_t pid, const ExitStatus& status);
  void on_output_closed(pid_t pid);
  // A contained child's cgroup became empty (the leader's pid names it).
  void on_group_empty(pid_t pgid);
  // A contained child's cgroup reached its memory limit.
  void on_memory_exceeded(pid_t pid);
  // A datagram on `name`'s notify socket.
  void on_notify(const std::string& name,
                 const std::vector<std::pair<std::string, std::string>>& fields);
  // Output of `name`, for a log readiness check: only asked for while wants_output().
  bool wants_output(const std::string& name) const;
  void on_output(const std::string& name, std::string_view data);

 private:
  // ChildHost
  void on_pid_assigned(const Child& child) override;
  void on_pid_released(const Child& child) override;
  void on_lingering(const Child& child, bool lingering) override;
  void on_saved(const std::string& name, StoreTicket ticket, const Result<void>& result) override;
  bool shutting_down() const override { return shutting_down_; }
  bool restarts_held() const override { return restarts_held_; }
  void on_restart_wanted(const Child& child, const std::string& why) override;
  void on_waiting(const Child& child, bool waiting) override;
  void run_wanted_restarts();
  // EventSink: every child's event passes here on its way out, so that waiting starts learn
  // about their dependencies.
  void on_process_event(const ProcessEvent& event) override;

  // Dependencies (supervisor_order.cpp).
  Result<void> check_dependencies(const std::string& name, const ProcessPolicy& policy) const;
  // Unmet dependencies of `child` ("db (ready)"), or the reason one can no longer be met.
  struct DependencyState {
    std::vector<std::string> unmet;
    std::optional<std::string> failed;
  };
  DependencyState dependency_state(const Child& child) const;
  void recheck_waiting();
  void start_waiting(Child& child);
  std::vector<std::string> dependents_of(const std::string& name) const;
  // Stops `names` so that each is stopped after everything in `names` that depends on it.
  void stop_in_order(std::vector<std::string> names, StopRequest why,
                     const std::function<void(std::string)>& each,
                     const std::function<void()>& done);
  struct StopPlan;
  void advance_stops(const std::shared_ptr<StopPlan>& plan);

  Child* find(const std::string& name);
  const Child* find(const std::string& name) const;
  Child& add(ProcessRecord record);
  void erase(const std::string& name);
  StoreTicket forget(const std::string& name, bool keep_logs);  // the removal's ticket
  // A start's answer waits for its state on disk and for the probe (supervisor_start.cpp).
  struct PendingStart;
  void answer_start(const std::shared_ptr<PendingStart>& pending);
  void refuse_unsaved_start(const std::shared_ptr<PendingStart>& pending, Error why);
  std::vector<Child*> file_order();
  Snapshot snapshot(const Child& child, bool usage = true) const;
  bool is_candidate_for_resurrect(const Child& child) const;
  void end_unrecorded_runs();
  void start_from_record(const std::string& name, const SharedEnv& env, StartDone done);
  void run_batch(std::vector<std::string> targets, const std::vector<std::string>& env,
                 std::vector<std::string> skipped, BatchDone done);
  void retry_saves();

  EventSink& events_;  // the real subscribers; ports_.events is this Supervisor
  ChildPorts ports_;
  SupervisorSettings settings_;
  std::map<std::string, std::unique_ptr<Child>> children_;
  EnvTable envs_;  // the records' environments, one copy of each
  std::unordered_map<pid_t, Child*> by_pid_;
  std::set<std::string> lingering_;  // children whose stopped leader left group members
  std::set<std::string> unsaved_;    // children whose last save failed
  // Children in Phase::waiting: an event looks at these, not at every child.
  std::set<std::string> waiting_;
  std::unique_ptr<Timer> retry_timer_;
  std::unique_ptr<Timer> recheck_timer_;  // waiting starts are looked at in the next turn
  std::unique_ptr<Timer> restart_timer_;  // restarts asked for by checks and the schedule
  std::vector<std::pair<std::string, std::string>> wanted_restarts_;  // (name, why)
  // Dependency failures seen in events since the last recheck, by name: which event, and why.
  struct DependencyFailure {
    EventKind kind = EventKind::stopped;
    std::string why;
  };
  std::map<std::string, DependencyFailure> failed_dependencies_;
  bool retrying_ = false;
  std::vector<BrokenState> broken_;
  bool shutting_down_ = false;
  bool restarts_held_ = false;
};

}  // namespace bgo::daemon
