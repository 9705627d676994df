// SPDX-License-Identifier: MIT
// Child: spawn, exit, end of output, stop requests, crash handling and the watch restarts.
#include "daemon/core/child.hpp"

#include <csignal>
#include <utility>

#include "common/cron.hpp"
#include "common/time_format.hpp"
#include "daemon/core/health_monitor.hpp"

namespace bgo::daemon {

namespace {

std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out.push_back(' ');
    out += arg;
  }
  return out;
}

WatchSettings settings_of(const WatchBlock& w) {
  WatchSettings s;
  s.interval = std::chrono::seconds(w.interval);
  s.min_uptime = std::chrono::seconds(w.min_uptime);
  s.on_fast_crash = w.on_fast_crash;
  return s;
}

std::string watcher_started(pid_t pid) { return "watcher started for pid=" + std::to_string(pid); }

}  // namespace

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::spawned:
      return "spawned";
    case EventKind::exited:
      return "exited";
    case EventKind::restart_scheduled:
      return "restart_scheduled";
    case EventKind::errored:
      return "errored";
    case EventKind::stopped:
      return "stopped";
    case EventKind::deleted:
      return "deleted";
    case EventKind::ready:
      return "ready";
    case EventKind::unready:
      return "unready";
    case EventKind::unhealthy:
      return "unhealthy";
    case EventKind::waiting:
      return "waiting";
    case EventKind::memory_exceeded:
      return "memory_exceeded";
  }
  return "spawned";
}

Child::Child(ChildHost& host, ChildPorts& ports, const SupervisorSettings& settings,
             ProcessRecord record)
    : host_(host),
      ports_(ports),
      settings_(settings),
      record_(std::move(record)),
      timer_(ports.timers),
      probe_timer_(ports.timers),
      group_timer_(ports.timers),
      cron_timer_(ports.timers),
      // A live upgrade hands the sockets over: this name's may be open already.
      notify_open_(ports.notify != nullptr && ports.notify->is_open(record_.name)) {}

Child::~Child() {
  if (notify_open_ && ports_.notify != nullptr) ports_.notify->close(record_.name);
  if (phase_ == Phase::waiting) host_.on_waiting(*this, false);
}

bool Child::watched() const {
  return record_.watch && record_.watch->enabled && !record_.watch->errored;
}

// The single choke point for phase changes (docs/states.md prints the table).
void Child::set_phase(Phase next) {
  BGO_ASSERT(is_allowed_transition(phase_, next), "illegal child phase transition");
  const bool was_waiting = phase_ == Phase::waiting;
  phase_ = next;
  if (was_waiting != (next == Phase::waiting)) host_.on_waiting(*this, !was_waiting);
}

StoreTicket Child::save() {
  const StoreTicket ticket = ports_.store.save(record_);
  last_save_ = ticket;
  // The host outlives every child; this one may be gone by the time the disk answers.
  ports_.store.when_durable(
      ticket, [&host = host_, name = record_.name, ticket](const Result<void>& result) {
        host.on_saved(name, ticket, result);
      });
  return ticket;
}

bool Child::on_saved(StoreTicket ticket, const Result<void>& result) {
  if (ticket != last_save_) return false;  // a newer save is on its way and will tell
  settled_save_ = ticket;
  if (result) {
    save_error_.reset();
  } else {
    save_error_ = std::make_unique<Error>(result.error());
  }
  return true;
}

void Child::emit(EventKind kind, std::string reason, std::optional<int64_t> delay_ms) {
  ProcessEvent event;
  event.kind = kind;
  event.name = record_.name;
  event.pid = record_.pid;
  event.exit_code = record_.exit_code;
  event.exit_signal = record_.exit_signal;
  event.delay_ms = delay_ms;
  event.reason = std::move(reason);
  ports_.events.on_process_event(event);
}

// ---- changes while idle ---------------------------------------------------------------------

void Child::replace_record(ProcessRecord fresh, bool reset_streak) {
  BGO_ASSERT(idle(), "a record is replaced only while no process runs");
  timer_.cancel();
  health_.reset();  // none while idle; it refers to the policy the new record replaces
  record_ = std::move(fresh);
  if (reset_streak) tracker_.reset();
}

StoreTicket Child::update(const std::function<void(ProcessRecord&)>& edit) {
  edit(record_);
  return save();
}

Result<pid_t> Child::spawn(std::string_view marker_tag,
                           const std::function<void(ProcessRecord&)>& amend) {
  const auto wall = ports_.clock.wall_now();
  ports_.logs.append_marker(record_.name, "\n=== [" + iso_utc(wall) + "] [" +
                                              std::string(marker_tag) + "] " +
                                              join(record_.command) + " ===\n");
  SpawnRequest request;
  request.name = record_.name;
  request.argv = record_.command;
  if (record_.env) request.env = *record_.env;
  request.cwd = record_.cwd.value_or("/");
  request.logs = record_.logs.value_or(settings_.default_logs);
  request.contain = record_.policy->kill_mode.value_or(KillMode::tree) == KillMode::tree;
  request.memory_max = record_.policy->max_memory;
  if (record_.policy->ready && record_.policy->ready->kind == CheckKind::notify) {
    if (ports_.notify == nullptr) {
      return make_error(Errc::spawn_failed, "this bgod has no notify sockets");
    }
    auto socket = ports_.notify->open(record_.name);
    if (!socket) return socket.error();
    notify_open_ = true;
    request.env.push_back("NOTIFY_SOCKET=" + *socket);
  }
  // Its uptime counts from before the spawn: posix_spawn returns once the program runs, and
  // the work after it (pipes handed to the keeper, /proc read) must not shorten the run.
  const Clock::time_point started = ports_.clock.now();
  auto spawned = ports_.processes.spawn(request);
  if (!spawned) return spawned.error();
  timer_.cancel();
  pid_ = spawned->pid;
  pgid_ = spawned->pid;
  adopted_ = false;
  outputs_open_ = 2;
  exit_.reset();
  stop_request_.reset();
  killed_ = false;
  fast_fail_ = false;
  waiting_for_.clear();
  spawned_at_ = started;
  set_phase(Phase::running);
  host_.on_pid_assigned(*this);
  record_.pid = spawned->pid;
  record_.pgid = spawned->pid;
  record_.has_pgid = true;
  record_.started_at = iso_utc(wall);
  record_.status = RecordStatus::running;
  record_.pid_start = ports_.processes.lstart(spawned->start_ticks);
  record_.start_ticks = spawned->start_ticks;
  record_.out_pipe = spawned->out_pipe ? std::optional<uint64_t>(spawned->out_pipe) : std::nullopt;
  record_.err_pipe = spawned->err_pipe ? std::optional<uint64_t>(spawned->err_pipe) : std::nullopt;
  record_.invocation =
      spawned->invocation.empty() ? std::nullopt : std::optional<std::string>(spawned->invocation);
  record_.stop_reason.reset();
  record_.stopped_at.reset();
  record_.exit_code.reset();
  record_.exit_signal.reset();
  if (amend) amend(record_);
  start_health(false);
  emit(EventKind::spawned);
  (void)save();  // the caller waits for last_save() when it promises the start to a client
  return pid_;
}

void Child::arm_probe(std::function<void(Result<pid_t>)> done) {
  probe_done_ = std::move(done);
  probe_timer_.arm(ports_.clock.now() + settings_.start_probe, [this] {
    // Already reaped and draining: finish_exit() answers with the real outcome.
    if (phase_ == Phase::exiting) return;
    complete_probe(static_cast<pid_t>(record_.pid.value_or(0)));
  });
}

void Child::complete_probe(Result<pid_t> result) {
  probe_timer_.cancel();
  if (auto done = std::exchange(probe_done_, nullptr)) done(std::move(result));
}

bool Child::adopt(pid_t pid, uint64_t start_ticks) {
  if (!ports_.processes.adopt(pid, start_ticks, record_.name,
                              record_.logs.value_or(settings_.default_logs))) {
    return false;
  }
  pid_ = pid;
  pgid_ = pid;
  // Handed over by a live upgrade: still our child, with both pipes, as after a spawn.
  adopted_ = !ports_.processes.handed_over(pid);
  if (!adopted_) outputs_open_ = 2;
  set_phase(Phase::running);
  host_.on_pid_assigned(*this);
  // Uptime counts from the real start (the original's watcher uses `started_at` too), so the
  // first exit after a bgod restart is judged fast or not correctly.
  spawned_at_ = ports_.clock.now();
  if (auto started = record_.started_at ? parse_iso(*record_.started_at) : std::nullopt;
      started && *started < ports_.clock.wall_now()) {
    spawned_at_ -=
        std::chrono::duration_cast<Clock::time_point::duration>(ports_.clock.wall_now() - *started);
  }
  if (watched() && adopted_) ports_.logs.watcher_line(record_.name, watcher_started(pid));
  start_health(true);
  if (!record_.start_ticks) {
    record_.start_ticks = start_ticks;
    (void)save();  // kept dirty and retried on failure
  }
  return true;
}

std::optional<Clock::time_point> Child::restart_at() const {
  if (phase_ != Phase::backoff) return std::nullopt;
  return restart_at_;
}

std::vector<std::chrono::milliseconds> Child::recent_restarts() const {
  return throttle_.recent(ports_.clock.now());
}

std::optional<HealthCarry> Child::health_carry() const {
  if (phase_ != Phase::running || adopted_ || !health_) return std::nullopt;
  return health_->carry();
}

void Child::resume_watch(const WatchCarry& carried) {
  tracker_.set_streak(carried.streak);
  last_uptime_ = carried.last_uptime;
  throttle_.restore(carried.recent_restarts);
  // load() took a handed-over child as adopted (ready, no watchdog); the carried state is
  // better, unless the checks listen on a socket that did not come along (an older image).
  const bool needs_socket =
      record_.policy->ready && record_.policy->ready->kind == CheckKind::notify;
  if (carried.health && phase_ == Phase::running && !adopted_ && (notify_open_ || !needs_socket)) {
    start_health(false, &*carried.health);
  }
  if (!carried.restart_at || phase_ != Phase::stopped || !watched()) return;
  set_phase(Phase::backoff);
  restart_at_ = *carried.restart_at;
  timer_.arm(restart_at_, [this] { watch_restart(); });
}

void Child::rearm_backoff() {
  if (phase_ != Phase::backoff) return;
  timer_.arm(restart_at_, [this] { watch_restart(); });
}

void Child::record_died_unwatched() {
  // First what it left in its pipes, so that the log has it before any later run's.
  ports_.processes.recover_output(record_, record_.logs.value_or(settings_.default_logs));
  record_.status = RecordStatus::stopped;
  record_.stop_reason = StopReason::crashed;
  (void)save();  // kept dirty and retried on failure
}

void Child::cancel_backoff() {
  if (phase_ != Phase::backoff) return;
  timer_.cancel();
  set_phase(Phase::stopped);
}

StoreTicket Child::record_user_stop() {
  record_.status = RecordStatus::stopped;
  record_.stop_reason = StopReason::user;
  return save();
}

void Child::abandon(const Error& why) { complete_probe(why); }

// ---- stopping -------------------------------------------------------------------------------

void Child::request_stop(StopRequest why, bool force, std::chrono::milliseconds timeout) {
  // The latest request wins (a restart after a stop restarts), except over a delete.
  stop_request_ = deleting_ ? StopRequest::user : why;
  if (phase_ == Phase::exiting) return;  // already reaped: only the drain remains
  if (phase_ == Phase::lingering) {
    if (force && ports_.processes.group_alive(pgid_)) escalate();
    return;
  }
  BGO_ASSERT(phase_ == Phase::running || phase_ == Phase::stopping,
             "only a live process is signalled");
  ports_.processes.signal_group(pid_, force ? SIGKILL : stop_signal());
  killed_ = killed_ || force;
  if (phase_ == Phase::stopping) return;
  set_phase(Phase::stopping);
  if (force) return;
  timer_.arm(ports_.clock.now() + timeout, [this] { escalate(); });
}

// SIGKILL at the stop timeout, to the leader's group while it runs, or to what is left of the
// group once it was reaped. Either way the number still names our group: the kernel does not
// reuse a pid while a process group of that number has members.
void Child::escalate() {
  if (phase_ == Phase::stopping) {
    ports_.processes.signal_group(pid_, SIGKILL);
  } else if (phase_ == Phase::lingering && ports_.processes.group_alive(pgid_)) {
    ports_.processes.signal_group(pgid_, SIGKILL);
  } else if (phase_ == Phase::lingering) {
    return leave_lingering();  // emptied without a word reaching us: nothing left to wait for
  } else {
    return;
  }
  killed_ = true;
  if (phase_ == Phase::lingering) arm_group_bound();
}

// Members of the group that bgod can see die are reaped by it (it is their subreaper) and
// reported through on_group_member_reaped(); one whose parent lives outside the group is not.
// After SIGKILL nothing survives for long, so this bound ends the wait in that case.
void Child::arm_group_bound() {
  group_timer_.arm(ports_.clock.now() + settings_.group_grace, [this] {
    if (phase_ == Phase::lingering) leave_lingering();
  });
}

void Child::add_stop_waiter(std::function<void()> waiter) {
  stop_waiters_.push_back(std::move(waiter));
}

// ---- exits ----------------------------------------------------------------------------------

void Child::on_exit(const ExitStatus& status) {
  exit_ = status;
  exited_at_ = ports_.clock.now();
  if (adopted_) outputs_open_ = 0;
  if (health_) last_health_detail_ = health_->detail();
  health_.reset();  // no probe outlives its run
  // In a cgroup of its own, the run is over when the cgroup is empty: what the leader left
  // behind gets the stop signal now, SIGKILL at the stop timeout (systemd's control-group).
  if (!stop_request_ && !adopted_ && phase_ == Phase::running &&
      ports_.processes.containment() == Containment::cgroup &&
      record_.policy->kill_mode.value_or(KillMode::tree) == KillMode::tree &&
      ports_.processes.group_alive(pgid_)) {
    ports_.processes.signal_group(pgid_, stop_signal());
    set_phase(Phase::lingering);
    host_.on_lingering(*this, true);
    timer_.arm(ports_.clock.now() + stop_timeout(), [this] { escalate(); });
    return;
  }
  // A stop is over only when the whole group is: members that ignore SIGTERM get SIGKILL at
  // the timeout even though their leader is gone.
  if (stop_request_ && !adopted_ && ports_.processes.group_alive(pgid_)) {
    set_phase(Phase::lingering);
    host_.on_lingering(*this, true);
    if (killed_) arm_group_bound();
    return;
  }
  enter_exiting();
}

void Child::on_group_member_reaped() {
  if (phase_ == Phase::lingering && !ports_.processes.group_alive(pgid_)) leave_lingering();
}

void Child::leave_lingering() {
  group_timer_.cancel();
  host_.on_lingering(*this, false);
  enter_exiting();
}

void Child::enter_exiting() {
  set_phase(Phase::exiting);
  if (outputs_open_ <= 0) return finish_exit();
  // Its pipes may still hold its last lines, or a surviving descendant may keep them open:
  // give the drain a short bound so the exit is never held up for long.
  timer_.arm(ports_.clock.now() + settings_.output_drain, [this] {
    if (phase_ == Phase::exiting) finish_exit();
  });
}

void Child::on_output_closed() {
  if (outputs_open_ <= 0) return;
  if (--outputs_open_ == 0 && phase_ == Phase::exiting) finish_exit();
}

void Child::release_pid() {
  if (pid_ != 0) host_.on_pid_released(*this);
  pid_ = 0;
}

void Child::finish_exit() {
  timer_.cancel();
  const ExitStatus status = exit_.value_or(ExitStatus::unknown());
  record_.exit_code = status.code ? std::optional<int64_t>(*status.code) : std::nullopt;
  record_.exit_signal = status.signal ? std::optional<int64_t>(*status.signal) : std::nullopt;
  release_pid();
  if (stop_request_) return finish_stop();
  emit(EventKind::exited, status.describe());
  handle_crash();
}

void Child::finish_stop() {
  // A restart's stop is the user's (the new start overwrites the record at once).
  const StopReason reason =
      *stop_request_ == StopRequest::daemon ? StopReason::daemon : StopReason::user;
  record_.status = RecordStatus::stopped;
  record_.stop_reason = reason;
  if (reason == StopReason::user) record_.stopped_at = iso_utc(ports_.clock.wall_now());
  set_phase(Phase::stopped);
  (void)save();  // the stop waiters wait for last_save() when they promise the stop
  emit(EventKind::stopped, std::string(to_string(reason)));
  complete_probe(static_cast<pid_t>(record_.pid.value_or(0)));
  // A waiter may start the process again or forget it (delete): `this` must not be touched
  // once they run.
  auto waiters = std::exchange(stop_waiters_, {});
  for (auto& waiter : waiters) waiter();
}

void Child::handle_crash() {
  record_.status = RecordStatus::stopped;
  record_.stop_reason = StopReason::crashed;
  record_.stopped_at = iso_utc(ports_.clock.wall_now());
  // A policy that says what success is (docs/health.md) turns a successful exit into `exited`,
  // and `restart: on-failure` leaves it at that.
  const ProcessPolicy& policy = *record_.policy;
  const bool success = !fast_fail_ && record_.exit_code && policy.is_success(*record_.exit_code);
  if (success && (policy.restart || policy.success_codes)) record_.stop_reason = StopReason::exited;
  const bool done = success && policy.restart == RestartPolicy::on_failure;
  if (done && watched())
    ports_.logs.watcher_line(record_.name,
                             "exited successfully; not restarting (restart=on-failure)");
  const bool watch = watched() && !host_.shutting_down() && !done;
  if (probe_done_) {
    if (!watch) {
      set_phase(Phase::stopped);
      (void)save();  // kept dirty and retried on failure
      const ExitStatus status = exit_.value_or(ExitStatus::unknown());
      Error e = make_error(Errc::exited_at_once, "Process '" + record_.name +
                                                     "' failed to start (exited immediately, " +
                                                     status.describe() + ")");
      e.exit = status;
      return complete_probe(e);
    }
    // A watched process goes through the watch policy as a fast crash (Appendix D #8).
    complete_probe(static_cast<pid_t>(record_.pid.value_or(0)));
  }
  if (!watch) {
    set_phase(Phase::stopped);
    (void)save();  // kept dirty and retried on failure
    return;
  }
  // Uptime ends at the reap, not after the output drain.
  // A run that never became ready counts as a fast crash, however long it took to say so.
  const auto uptime =
      fast_fail_ ? std::chrono::milliseconds(0)
                 : std::chrono::duration_cast<std::chrono::milliseconds>(exited_at_ - spawned_at_);
  last_uptime_ = uptime;
  const WatchDecision decision = tracker_.on_exit(settings_of(*record_.watch), uptime);
  for (const auto& line : decision.log_lines) ports_.logs.watcher_line(record_.name, line);
  if (decision.kind == WatchDecision::Kind::errored) return become_errored(decision.reason);
  set_phase(Phase::backoff);
  auto delay = decision.delay;
  if (delay.count() <= 0) delay = throttle_.on_restart(exited_at_);
  if (delay.count() <= 0 && !host_.restarts_held()) {
    // Restarted in this same turn: the spawn saves the record, so no save (and no wait for
    // the disk) comes between the exit and the respawn.
    emit(EventKind::restart_scheduled, {}, 0);
    return watch_restart();
  }
  (void)save();  // kept dirty and retried on failure
  emit(EventKind::restart_scheduled, {}, delay.count());
  // Counted from the exit itself, not from when the output drained or the record was saved.
  restart_at_ = exited_at_ + delay;
  timer_.arm(restart_at_, [this] { watch_restart(); });
}

void Child::become_errored(const std::string& reason) {
  WatchBlock& w = *record_.watch;
  w.errored = true;
  w.clear_watcher();
  WatchRare& rare = w.rare.edit();
  rare.error_reason = reason;
  rare.last_stderr_tail = ports_.logs.stderr_tail(record_.name);
  record_.status = RecordStatus::stopped;
  record_.stop_reason = StopReason::crashed;
  set_phase(Phase::stopped);
  (void)save();  // kept dirty and retried on failure
  emit(EventKind::errored, reason);
}

void Child::watch_restart() {
  if (phase_ != Phase::backoff) return;
  if (host_.restarts_held()) return;  // rearm_backoff() or the next image restarts it
  auto spawned = spawn("watch restart", [](ProcessRecord& r) {
    r.watch->restarts += 1;
    r.watch->last_restart_at = r.started_at;
  });
  if (!spawned) {
    const Error& e = spawned.error();
    const std::string& program = record_.command.front();
    const std::string reason =
        e.spawn == SpawnFailure::not_found    ? "command not found: " + program
        : e.spawn == SpawnFailure::permission ? "permission denied: " + program
        : e.spawn == SpawnFailure::resources  ? e.message  // "Cannot start 'x': bgod is out of …"
                                              : "failed to start: " + e.message;
    ports_.logs.watcher_line(record_.name, "restart failed: " + reason);
    return become_errored(reason);
  }
  ports_.logs.watcher_line(record_.name, "restart #" + std::to_string(record_.watch->restarts) +
                                             " pid=" + std::to_string(*spawned) + " (prev uptime " +
                                             format_uptime(last_uptime_) + "s)");
}

// ---- health and order -----------------------------------------------------------------------

int Child::stop_signal() const { return record_.policy->stop_signal.value_or(SIGTERM); }

std::chrono::milliseconds Child::stop_timeout() const {
  if (record_.policy->stop_timeout_ms) {
    return std::chrono::milliseconds(*record_.policy->stop_timeout_ms);
  }
  return settings_.stop_timeout;
}

void Child::start_health(bool adopted, const HealthCarry* carried) {
  health_.reset();
  const ProcessPolicy& policy = *record_.policy;
  if (!policy.ready && !policy.live && !policy.watchdog_ms) return;
  HealthVerdicts verdicts;
  verdicts.ready = [this] {
    ports_.logs.watcher_line(record_.name, "ready" + (health_ && !health_->detail().empty()
                                                          ? " (" + health_->detail() + ")"
                                                          : std::string()));
    emit(EventKind::ready);
  };
  verdicts.unready = [this](const std::string& why) {
    ports_.logs.watcher_line(record_.name, "unready: " + why);
    emit(EventKind::unready, why);
    fail_run(why);
  };
  verdicts.unhealthy = [this](const std::string& why) {
    ports_.logs.watcher_line(record_.name, "unhealthy: " + why + "; restarting");
    emit(EventKind::unhealthy, why);
    host_.on_restart_wanted(*this, why);
  };
  health_ = std::make_unique<HealthMonitor>(*record_.policy,
                                            HealthPorts{ports_.probes, ports_.timers, ports_.clock},
                                            std::move(verdicts));
  // Exec checks run like the process itself: its environment, its folder, argv[0] on its PATH.
  const auto env = record_.env ? *record_.env : std::vector<std::string>{};
  const auto cwd = record_.cwd.value_or("/");
  auto resolve = [&](const std::optional<HealthCheck>& check) {
    if (!check || check->kind != CheckKind::exec) return std::vector<std::string>{};
    auto argv = ports_.processes.resolve(check->command, env, cwd);
    return argv ? *argv : check->command;  // a missing program fails each attempt instead
  };
  health_->set_exec_context(env, cwd, resolve(policy.ready), resolve(policy.live));
  if (carried != nullptr) {
    health_->resume(*carried);
  } else if (adopted) {
    health_->start_adopted();
  } else {
    health_->start();
  }
}

// The run failed its readiness check: it is stopped like a stop would, and its exit then
// goes through the watch policy as a fast crash.
void Child::fail_run(const std::string& why) {
  if (phase_ != Phase::running) return;
  last_health_detail_ = why;
  fast_fail_ = true;
  ports_.processes.signal_group(pid_, stop_signal());
  set_phase(Phase::stopping);
  timer_.arm(ports_.clock.now() + stop_timeout(), [this] { escalate(); });
}

HealthView Child::health_view() const {
  HealthView v;
  if (phase_ == Phase::waiting) {
    v.waiting = true;
    v.waiting_for = waiting_for_;
    v.health = "waiting";
    if (record_.policy->ready) v.ready = false;
    return v;
  }
  const ProcessPolicy& policy = *record_.policy;
  if (!policy.ready && !policy.live && !policy.watchdog_ms) return v;
  if (health_ && online()) {
    v.ready = health_->ready();
    v.health = health_->health();
    if (!health_->detail().empty()) v.detail = health_->detail();
    return v;
  }
  if (policy.ready) v.ready = false;
  if (!last_health_detail_.empty()) v.detail = last_health_detail_;
  return v;
}

bool Child::is_ready() const {
  if (phase_ != Phase::running) return false;
  if (!record_.policy->ready) return true;
  return health_ && health_->ready().value_or(false);
}

bool Child::has_completed() const {
  if (phase_ != Phase::stopped) return false;
  const auto reason = record_.stop_reason;
  return (reason == StopReason::crashed || reason == StopReason::exited) &&
         (record_.exit_code || record_.exit_signal);
}

bool Child::has_succeeded() const {
  return has_completed() && record_.exit_code && record_.policy->is_success(*record_.exit_code);
}

bool Child::wants_output() const { return health_ && health_->wants_output(); }

void Child::on_output(std::string_view data) {
  if (health_) health_->on_output(data);
}

void Child::on_notify(const std::vector<std::pair<std::string, std::string>>& fields) {
  if (health_ && online()) health_->on_notify(fields);
}

void Child::arm_schedule() {
  cron_timer_.cancel();
  if (!record_.policy->cron) return;
  auto schedule = CronSchedule::parse(*record_.policy->cron);
  if (!schedule) return;  // refused when the start was accepted
  const auto wall = ports_.clock.wall_now();
  const auto next = schedule->next_after(wall);
  if (!next) return;
  const auto wait = std::chrono::duration_cast<Clock::time_point::duration>(*next - wall);
  cron_timer_.arm(ports_.clock.now() + wait, [this] {
    ports_.logs.watcher_line(record_.name, "cron '" + *record_.policy->cron + "': restarting");
    arm_schedule();  // first: the restart may replace nothing, but the next match is due
    host_.on_restart_wanted(*this, "cron");
  });
}

void Child::wait_for(std::vector<std::string> unmet) {
  BGO_ASSERT(phase_ == Phase::stopped || phase_ == Phase::backoff, "only an idle child waits");
  timer_.cancel();
  set_phase(Phase::waiting);
  waiting_for_ = std::move(unmet);
  record_.status = RecordStatus::running;  // the intent: a new bgod starts it again
  (void)save();                            // kept dirty and retried on failure
  std::string what;
  for (const auto& w : waiting_for_) what += (what.empty() ? "" : ", ") + w;
  ports_.logs.watcher_line(record_.name, "waiting for " + what);
  emit(EventKind::waiting, what);
}

void Child::cancel_waiting(const std::optional<std::string>& why) {
  if (phase_ != Phase::waiting) return;
  set_phase(Phase::stopped);
  waiting_for_.clear();
  if (!why) return;
  last_health_detail_ = *why;
  record_.status = RecordStatus::stopped;
  record_.stop_reason = StopReason::crashed;
  record_.stopped_at = iso_utc(ports_.clock.wall_now());
  (void)save();  // kept dirty and retried on failure
  ports_.logs.watcher_line(record_.name, "not started: " + *why);
  emit(EventKind::errored, *why);
}

}  // namespace bgo::daemon
