// SPDX-License-Identifier: MIT
// One supervised process: owns its life from spawn to reap, its timers and its pending answers.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/exit_status.hpp"
#include "common/process_record.hpp"
#include "daemon/core/carry.hpp"
#include "daemon/core/child_state.hpp"
#include "daemon/core/lazy_timer.hpp"
#include "daemon/core/ports.hpp"
#include "daemon/core/watch_policy.hpp"

namespace bgo::daemon {

struct SupervisorSettings {
  std::chrono::milliseconds start_probe{100};    // spec Appendix D #8
  std::chrono::milliseconds stop_timeout{5000};  // SIGTERM -> SIGKILL grace
  std::chrono::milliseconds output_drain{250};   // wait for EOF after reap (descendants)
  std::chrono::milliseconds group_grace{1000};   // after SIGKILL, a group nobody reports on
  LogOptions default_logs;
  std::vector<std::string> default_env;  // bgod's environment, for starts that bring none
};

// Who asked a running process to stop; a later request never weakens an earlier one.
enum class StopRequest {
  restart,  // the first half of a restart: recorded as the user's
  daemon,   // bgod's shutdown: the next bgod starts it again
  user,     // stop or delete: the last word is the user's
};

// The adapters every Child uses; owned by the composition root, shared by all children.
struct ChildPorts {
  ProcessPort& processes;
  StorePort& store;
  LogPort& logs;
  TimerFactory& timers;
  Clock& clock;
  EventSink& events;
  ProbePort* probes = nullptr;   // health checks; null: http/tcp/exec checks never pass
  NotifyPort* notify = nullptr;  // notify sockets; null: a notify check cannot start
};

class Child;
class HealthMonitor;

// What a Child tells its owner (the Supervisor), which keeps the indexes across children.
class ChildHost {
 public:
  virtual ~ChildHost() = default;
  virtual void on_pid_assigned(const Child& child) = 0;  // child.pid() is now its
  virtual void on_pid_released(const Child& child) = 0;  // child.pid() is no longer its
  virtual void on_lingering(const Child& child, bool lingering) = 0;
  // The write of `ticket`, a save of `name`'s record, is on disk or failed (on the loop, maybe
  // long after the save; the child may be gone or a newer one of that name may exist).
  virtual void on_saved(const std::string& name, StoreTicket ticket,
                        const Result<void>& result) = 0;
  [[nodiscard]] virtual bool shutting_down() const = 0;
  // A live upgrade is settling: watch restarts wait in backoff (handed over with their
  // deadline) instead of spawning, so crash loops stop changing phase.
  [[nodiscard]] virtual bool restarts_held() const { return false; }
  // A health verdict or the schedule asks for a restart (or a start, for `cron` when idle).
  virtual void on_restart_wanted(const Child& /*child*/, const std::string& /*why*/) {}
  // The child entered (true) or left (false) Phase::waiting; false too when a waiting child
  // is destroyed.
  virtual void on_waiting(const Child& /*child*/, bool /*waiting*/) {}
};

// One process. Its phase changes only in set_phase(), checked against child_state's table;
// every request about it that waits (the start probe, stop waiters) is answered exactly once.
class Child {
 public:
  Child(ChildHost& host, ChildPorts& ports, const SupervisorSettings& settings,
        ProcessRecord record);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  const ProcessRecord& record() const { return record_; }
  const std::string& name() const { return record_.name; }
  Phase phase() const { return phase_; }
  pid_t pid() const { return pid_; }  // valid from spawn until the exit is finished
  bool adopted() const { return adopted_; }
  bool probing() const { return static_cast<bool>(probe_done_); }  // a start not answered yet
  // Shown as online: a process (or, while stopping, its group) still runs.
  bool online() const {
    return phase_ == Phase::running || phase_ == Phase::stopping || phase_ == Phase::lingering;
  }
  // No process and no exit in progress: a start may replace the record.
  bool idle() const {
    return phase_ == Phase::stopped || phase_ == Phase::backoff || phase_ == Phase::waiting;
  }
  std::optional<StopRequest> stop_request() const { return stop_request_; }
  // A delete is waiting for the process to end: no later request may start it again.
  bool deleting() const { return deleting_; }
  void mark_deleting() { deleting_ = true; }
  bool watched() const;

  // ---- changes while idle ----
  // Replaces the record for a new start (idle only); the watch streak starts again when asked.
  void replace_record(ProcessRecord fresh, bool reset_streak);
  // Edits settings that do not change the phase (watch block, autostart), then saves.
  StoreTicket update(const std::function<void(ProcessRecord&)>& edit);
  // Spawns from the record: stopped/backoff -> running. `amend` edits the record before the save.
  Result<pid_t> spawn(std::string_view marker_tag,
                      const std::function<void(ProcessRecord&)>& amend = nullptr);
  // The start probe: `done` gets the pid once the process has run for the probe window, or
  // the error of an unwatched exit within it.
  void arm_probe(std::function<void(Result<pid_t>)> done);
  // A process left by an earlier bgod, alive and identified: stopped -> running.
  bool adopt(pid_t pid, uint64_t start_ticks);
  // A `running` record whose process died while no bgod watched.
  void record_died_unwatched();
  // backoff -> stopped; the record is left as it is (crashed).
  void cancel_backoff();
  // stopped/backoff -> waiting: a start whose dependencies are not met. `unmet` says for what
  // ("db (ready)"); saved as running, so a new bgod starts it again.
  void wait_for(std::vector<std::string> unmet);
  void set_waiting_for(std::vector<std::string> unmet) { waiting_for_ = std::move(unmet); }
  const std::vector<std::string>& waiting_for() const { return waiting_for_; }
  // waiting -> stopped: the user stopped it, or `why` (a dependency failed) is recorded.
  void cancel_waiting(const std::optional<std::string>& why = std::nullopt);
  // Forgets the fast-crash streak (a new watch block or a user start).
  void reset_streak() { tracker_.reset(); }
  // Records a stop the user asked for (status stopped, stop_reason user); saves.
  StoreTicket record_user_stop();
  // Answers whatever still waits with an error: the entry is about to be forgotten.
  void abandon(const Error& why);

  // ---- health and order (docs/health.md) ----
  HealthView health_view() const;
  // The `ready` condition of a dependency: running and, with a readiness check, ready.
  bool is_ready() const;
  // It ran and exited on its own (it is stopped, not by a stop request); `succeeded` also
  // needs an exit code its policy counts as success.
  bool has_completed() const;
  bool has_succeeded() const;
  bool wants_output() const;
  void on_output(std::string_view data);
  void on_notify(const std::vector<std::pair<std::string, std::string>>& fields);
  // Arms the `cron` schedule's timer for its next match (cancels it without a schedule).
  void arm_schedule();
  // The stop timeout of this process: its `stop_timeout_ms`, else bgod's.
  std::chrono::milliseconds stop_timeout() const;

  // ---- live upgrade (docs/architecture.md, "Live upgrade") ----
  // The fast-crash streak, and while in backoff the restart's deadline (a steady_clock time:
  // CLOCK_MONOTONIC, which the next image of the same process reads the same).
  int streak() const { return tracker_.streak(); }
  std::optional<Clock::time_point> restart_at() const;
  std::chrono::milliseconds last_uptime() const { return last_uptime_; }
  // The restarts that can still hold the next one back (RestartThrottle::recent).
  std::vector<std::chrono::milliseconds> recent_restarts() const;
  // Its health checks where they stand: running, spawned by this image (or handed to it) and
  // with checks that have not ended the run; nullopt otherwise.
  std::optional<HealthCarry> health_carry() const;
  // In the next image, after load: the streak and the recent restarts back; for a watched
  // child loaded stopped, stopped -> backoff with the restart armed for the same deadline (at
  // once if it is past); for a child handed over running, its health checks go on from
  // `carried.health` (readiness to the same deadline, the watchdog armed as it was) instead of
  // being taken as adopted (docs/health.md). A notify check needs the child's socket handed
  // over too (NotifyPort::is_open); without it the child stays as adopted.
  void resume_watch(const WatchCarry& carried);
  // In backoff: arms the restart for its deadline again (once restarts are no longer held).
  void rearm_backoff();

  // ---- stopping ----
  void request_stop(StopRequest why, bool force, std::chrono::milliseconds timeout);
  // Called once the stop has finished (the process and its group are gone, output drained).
  void add_stop_waiter(std::function<void()> waiter);

  // ---- events from the adapters ----
  void on_exit(const ExitStatus& status);
  void on_output_closed();
  // A process bgod did not know was reaped (an orphan of some group): a lingering group may
  // have become empty.
  void on_group_member_reaped();

  // Hands the record to the store (written behind: docs/architecture.md, "What is durable
  // when"); its outcome comes back through ChildHost::on_saved.
  StoreTicket save();
  // The ticket of the newest save: waiting for it waits for the record as it is now.
  StoreTicket last_save() const { return last_save_; }
  // True while the newest save is not on disk yet, nor failed.
  bool saving() const { return settled_save_ != last_save_; }
  // The outcome of save `ticket`; older ones than the newest are ignored (false).
  bool on_saved(StoreTicket ticket, const Result<void>& result);
  // The result of the last settled save (null: it succeeded); an error stays until a later
  // save succeeds.
  const Error* save_error() const { return save_error_.get(); }

 private:
  void set_phase(Phase next);
  void finish_exit();
  void finish_stop();
  void handle_crash();
  void complete_probe(Result<pid_t> result);
  void watch_restart();
  void become_errored(const std::string& reason);
  void emit(EventKind kind, std::string reason = {},
            std::optional<int64_t> delay_ms = std::nullopt);
  void release_pid();
  void escalate();
  void arm_group_bound();
  void enter_exiting();
  void leave_lingering();
  // A fresh run's checks, an adopted one's (taken as ready), or a handed-over run's `carried`.
  void start_health(bool adopted, const HealthCarry* carried = nullptr);
  void fail_run(const std::string& why);
  int stop_signal() const;

  ChildHost& host_;
  ChildPorts& ports_;
  const SupervisorSettings& settings_;
  ProcessRecord record_;
  Phase phase_ = Phase::stopped;
  pid_t pid_ = 0;
  pid_t pgid_ = 0;  // the group signalled while stopping; outlives the leader's reap
  bool adopted_ = false;
  int outputs_open_ = 0;
  Clock::time_point spawned_at_{};
  Clock::time_point exited_at_{};             // when it was reaped: where its uptime ends
  std::chrono::milliseconds last_uptime_{0};  // of the last run (watcher log)
  Clock::time_point restart_at_{};            // the backoff timer's deadline
  std::optional<ExitStatus> exit_;
  std::optional<StopRequest> stop_request_;
  bool killed_ = false;
  bool deleting_ = false;  // SIGKILL was sent to the group during this stop
  LazyTimer timer_;        // kill escalation, output drain or restart backoff
  LazyTimer probe_timer_;  // the start probe
  LazyTimer group_timer_;  // bound on a lingering group after SIGKILL
  std::function<void(Result<pid_t>)> probe_done_;
  std::vector<std::function<void()>> stop_waiters_;
  WatchTracker tracker_;
  RestartThrottle throttle_;
  std::unique_ptr<Error> save_error_;  // 8 bytes, not 184: almost always none
  StoreTicket last_save_ = 0;
  StoreTicket settled_save_ = 0;
  std::unique_ptr<HealthMonitor> health_;  // the checks of the current run
  LazyTimer cron_timer_;                   // the next `cron` match
  std::vector<std::string> waiting_for_;   // unmet dependencies while waiting
  std::string last_health_detail_;         // kept after the run for the detail view
  bool notify_open_ = false;               // a notify socket exists for this name
  bool fast_fail_ = false;                 // this run failed its readiness: a fast crash
};

}  // namespace bgo::daemon
