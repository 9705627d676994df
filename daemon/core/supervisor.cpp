// SPDX-License-Identifier: MIT
// Supervisor: the lifecycle of every child (start, stop, exits, watch restarts).
#include "daemon/core/supervisor.hpp"

#include <algorithm>
#include <cstdio>
#include <signal.h>

#include "common/proc_stat.hpp"
#include "common/time_format.hpp"

namespace bgo::daemon {

std::string_view to_string(Phase phase) {
  switch (phase) {
    case Phase::stopped:
      return "stopped";
    case Phase::running:
      return "running";
    case Phase::stopping:
      return "stopping";
    case Phase::exiting:
      return "exiting";
    case Phase::backoff:
      return "backoff";
  }
  return "stopped";
}

namespace {

std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out.push_back(' ');
    out += arg;
  }
  return out;
}

// True while bgod watches the process: an enabled block that has not given up.
bool is_watched(const ProcessRecord& r) { return r.watch && r.watch->enabled && !r.watch->errored; }

std::string watcher_started(int64_t pid) {
  return "watcher started for pid=" + std::to_string(pid);
}

// True when `argv` (a live process's) ends with the recorded `command`.
bool runs_command(const std::vector<std::string>& argv, const std::vector<std::string>& command) {
  return !command.empty() && argv.size() >= command.size() &&
         std::equal(command.begin(), command.end(),
                    argv.end() - static_cast<std::ptrdiff_t>(command.size()));
}

WatchSettings settings_of(const WatchBlock& w) {
  WatchSettings s;
  s.interval = std::chrono::seconds(w.interval);
  s.min_uptime = std::chrono::seconds(w.min_uptime);
  s.on_fast_crash = w.on_fast_crash;
  return s;
}

}  // namespace

Supervisor::Supervisor(ProcessPort& processes, StorePort& store, LogPort& logs,
                       TimerFactory& timers, Clock& clock, EventSink& events,
                       SupervisorSettings settings)
    : processes_(processes),
      store_(store),
      logs_(logs),
      timers_(timers),
      clock_(clock),
      events_(events),
      settings_(settings) {}

Supervisor::~Supervisor() = default;

Child* Supervisor::find(const std::string& name) {
  auto it = children_.find(name);
  return it == children_.end() ? nullptr : it->second.get();
}

const Child* Supervisor::find(const std::string& name) const {
  auto it = children_.find(name);
  return it == children_.end() ? nullptr : it->second.get();
}

// The original iterates procs/*.json sorted by file name, which is not quite name order
// ("web-2.json" < "web.json"): clean, resurrect and restart-stopped keep that order.
std::vector<Child*> Supervisor::file_order() {
  std::vector<Child*> out;
  for (auto& [name, child] : children_) out.push_back(child.get());
  std::sort(out.begin(), out.end(), [](const Child* a, const Child* b) {
    return a->record.name + ".json" < b->record.name + ".json";
  });
  return out;
}

size_t Supervisor::online_count() const {
  return static_cast<size_t>(std::count_if(children_.begin(), children_.end(),
                                           [](const auto& kv) { return kv.second->online(); }));
}

void Supervisor::save(Child& child) {
  store_.save(child.record);
  std::erase_if(broken_,
                [&](const BrokenState& b) { return b.file == child.record.name + ".json"; });
}

void Supervisor::emit(const Child& child, std::string kind, std::string reason,
                      std::optional<int64_t> delay_ms) {
  ProcessEvent event;
  event.kind = std::move(kind);
  event.name = child.record.name;
  event.pid = child.record.pid;
  event.exit_code = child.record.exit_code;
  event.exit_signal = child.record.exit_signal;
  event.delay_ms = delay_ms;
  event.reason = std::move(reason);
  events_.on_process_event(event);
}

void Supervisor::forget_pid(Child& child) {
  if (child.pid != 0) by_pid_.erase(child.pid);
  child.pid = 0;
}

// ---- loading --------------------------------------------------------------------------------

void Supervisor::load(std::vector<ProcessRecord> records, std::vector<BrokenState> broken) {
  broken_ = std::move(broken);
  for (auto& record : records) {
    auto child = std::make_unique<Child>();
    child->record = std::move(record);
    child->timer = timers_.make_timer();
    child->probe_timer = timers_.make_timer();
    ProcessRecord& r = child->record;
    if (r.status == "running" && r.pid && *r.pid > 0) {
      const auto pid = static_cast<pid_t>(*r.pid);
      std::optional<uint64_t> ticks = r.start_ticks;
      bool same = ticks && processes_.alive(pid, ticks);
      if (!ticks && processes_.alive(pid, std::nullopt)) {
        // A file from the Python bgo: its identity token is the lstart text; a 0.2 file has
        // none, so its process must at least still run the recorded command (the tail of
        // its argv: a script's interpreter comes first). Adopting a stranger would mean
        // signalling it later; starting a second copy is the lesser risk.
        if (auto st = read_proc_stat(pid);
            st && (r.pid_start ? processes_.lstart(st->start_ticks) == *r.pid_start
                               : runs_command(processes_.command_line(pid), r.command))) {
          ticks = st->start_ticks;
          same = true;
        }
      }
      if (same && processes_.adopt(pid, *ticks, r.name, r.logs.value_or(settings_.default_logs))) {
        child->phase = Phase::running;
        child->adopted = true;
        child->pid = pid;
        // Uptime counts from the real start (the original's watcher uses `started_at` too),
        // so the first exit after a bgod restart is judged fast or not correctly.
        child->spawned_at = clock_.now();
        if (auto started = r.started_at ? parse_iso(*r.started_at) : std::nullopt;
            started && *started < clock_.wall_now()) {
          child->spawned_at -=
              std::chrono::duration_cast<Clock::time_point::duration>(clock_.wall_now() - *started);
        }
        if (is_watched(r)) logs_.watcher_line(r.name, watcher_started(pid));
        if (!r.start_ticks) {
          r.start_ticks = ticks;
          store_.save(r);
        }
        by_pid_[pid] = r.name;
      } else {
        // It died while no bgod was watching: record what we know.
        r.status = "stopped";
        r.stop_reason = "crashed";
        store_.save(r);
      }
    }
    const std::string name = child->record.name;
    children_[name] = std::move(child);
  }
}

bool Supervisor::is_candidate_for_resurrect(const Child& child) const {
  if (child.phase != Phase::stopped) return false;
  const ProcessRecord& r = child.record;
  const std::string policy = r.autostart_policy();
  if (policy == "never") return false;
  if (policy == "unless-stopped" && r.status == "stopped" &&
      r.stop_reason.value_or("user") == "user") {
    return false;
  }
  return true;
}

void Supervisor::resurrect_on_boot() {
  for (Child* child : file_order()) {
    if (!is_candidate_for_resurrect(*child)) continue;
    start_from_record(child->record.name, {}, [](Result<StartOutcome>) {});
  }
}

// ---- start ----------------------------------------------------------------------------------

void Supervisor::start(StartParams params, StartDone done) {
  // A restart whose stop completed during shutdown must not leave a new child behind.
  if (shutting_down_) return done(make_error(Errc::invalid_state, "bgod is shutting down"));
  Child* existing = find(params.name);
  if (existing != nullptr && existing->phase != Phase::stopped &&
      existing->phase != Phase::backoff) {
    const auto pid = existing->pid;
    return done(make_error(
        Errc::already_running,
        "Process '" + params.name + "' is already running (PID: " + std::to_string(pid) + ")",
        std::to_string(pid)));
  }
  if (params.command.empty()) {
    return done(make_error(Errc::invalid_params, "No command specified"));
  }
  auto resolved = processes_.resolve(params.command, params.env, params.cwd);
  if (!resolved) return done(resolved.error());

  ProcessRecord fresh;
  fresh.name = params.name;
  fresh.command = std::move(*resolved);
  fresh.cwd = params.cwd;
  fresh.status = "running";
  // Watch block inheritance (spec §5.2); a disabled block is kept rather than dropped (§12.2 #16).
  const std::optional<WatchBlock> prior = existing ? existing->record.watch : std::nullopt;
  if (params.watch) {
    WatchBlock w;
    if (params.interval) w.interval = *params.interval;
    if (params.min_uptime) w.min_uptime = *params.min_uptime;
    if (params.on_fast_crash) w.on_fast_crash = *params.on_fast_crash;
    fresh.watch = w;
  } else if (prior) {
    WatchBlock w = *prior;
    w.watcher_pid.reset();
    w.watcher_pgid.reset();
    if (w.enabled) {
      w.errored = false;
      w.error_reason.reset();
      w.last_stderr_tail.reset();
    }
    fresh.watch = w;
  }
  fresh.autostart = params.autostart
                        ? *params.autostart
                        : (existing ? existing->record.autostart_policy() : "unless-stopped");
  // No environment given (a file from the Python bgo, resurrect at boot, a bare RPC client):
  // bgod's own environment, never an empty one.
  fresh.env = params.env.empty() ? settings_.default_env : std::move(params.env);
  if (params.keep_unknown_keys && existing) fresh.extra = existing->record.extra;
  if (params.logs) {
    fresh.logs = params.logs;
  } else if (existing && existing->record.logs) {
    fresh.logs = existing->record.logs;
  }

  Child* child = existing;
  if (child == nullptr) {
    auto owned = std::make_unique<Child>();
    owned->timer = timers_.make_timer();
    owned->probe_timer = timers_.make_timer();
    child = owned.get();
    children_[params.name] = std::move(owned);
  }
  ProcessRecord previous = child->record;
  const Phase previous_phase = child->phase;
  child->timer->cancel();
  child->record = std::move(fresh);
  if (params.watch || child->record.watch.has_value()) child->tracker.reset();

  auto spawned = spawn_child(*child, "Starting");
  if (!spawned) {
    // Nothing is registered: an older entry of that name is left as it was.
    if (existing == nullptr) {
      children_.erase(params.name);
    } else {
      child->record = std::move(previous);
      child->phase = previous_phase == Phase::backoff ? Phase::stopped : previous_phase;
    }
    return done(spawned.error());
  }
  if (is_watched(child->record)) logs_.watcher_line(params.name, watcher_started(spawned->pid));
  const std::string name = params.name;
  child->probe_done = [this, name, done = std::move(done)](Result<pid_t> r) {
    if (!r) return done(r.error());
    const Child* c = find(name);
    StartOutcome outcome{name, *r, std::nullopt};
    if (c != nullptr && c->record.watch && c->record.watch->enabled)
      outcome.watch = c->record.watch;
    done(outcome);
  };
  child->probe_timer->arm(clock_.now() + settings_.start_probe, [this, name] {
    Child* c = find(name);
    // Already reaped and draining: finish_exit() answers with the real outcome.
    if (c == nullptr || !c->probe_done || c->phase == Phase::exiting) return;
    auto fn = std::move(c->probe_done);
    c->probe_done = nullptr;
    fn(static_cast<pid_t>(c->record.pid.value_or(0)));
  });
}

Result<StartOutcome> Supervisor::spawn_child(Child& child, std::string_view marker_tag,
                                             const std::function<void(ProcessRecord&)>& amend) {
  ProcessRecord& r = child.record;
  const auto wall = clock_.wall_now();
  const std::string command_text = join(r.command);
  logs_.append_marker(r.name, "\n=== [" + iso_utc(wall) + "] [" + std::string(marker_tag) + "] " +
                                  command_text + " ===\n");
  SpawnRequest request{r.name, r.command, r.env.value_or(std::vector<std::string>{}),
                       r.cwd.value_or("/"), r.logs.value_or(settings_.default_logs)};
  auto spawned = processes_.spawn(request);
  if (!spawned) return spawned.error();
  child.pid = spawned->pid;
  child.adopted = false;
  child.outputs_open = 2;
  child.exit.reset();
  child.stop_reason.clear();
  child.spawned_at = clock_.now();
  child.phase = Phase::running;
  by_pid_[spawned->pid] = r.name;
  r.pid = spawned->pid;
  r.pgid = spawned->pid;
  r.has_pgid = true;
  r.started_at = iso_utc(wall);
  r.status = "running";
  r.pid_start = processes_.lstart(spawned->start_ticks);
  r.start_ticks = spawned->start_ticks;
  r.stop_reason.reset();
  r.stopped_at.reset();
  r.exit_code.reset();
  r.exit_signal.reset();
  if (amend) amend(r);
  // The event first: saving may wait for the disk, and subscribers read bgod's memory.
  emit(child, "spawned");
  save(child);
  return StartOutcome{r.name, spawned->pid, r.watch};
}

// ---- exits ----------------------------------------------------------------------------------

void Supervisor::on_exit(pid_t pid, const ExitStatus& status) {
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end()) return;  // not ours (or already handled)
  Child* child = find(it->second);
  if (child == nullptr || child->pid != pid) return;
  child->exit = status;
  child->exited_at = clock_.now();
  child->phase = Phase::exiting;
  by_pid_.erase(it);
  if (child->adopted) child->outputs_open = 0;
  if (child->outputs_open <= 0) return finish_exit(*child);
  // Its pipes may still hold its last lines, or a surviving descendant may keep them open:
  // give the drain a short bound so the exit is never held up for long.
  const std::string name = child->record.name;
  child->timer->arm(clock_.now() + settings_.output_drain, [this, name] {
    Child* c = find(name);
    if (c != nullptr && c->phase == Phase::exiting) finish_exit(*c);
  });
}

void Supervisor::on_output_closed(pid_t pid) {
  for (auto& [name, child] : children_) {
    if (child->pid != pid || child->outputs_open <= 0) continue;
    if (--child->outputs_open == 0 && child->phase == Phase::exiting) finish_exit(*child);
    return;
  }
}

void Supervisor::finish_exit(Child& child) {
  child.timer->cancel();
  ProcessRecord& r = child.record;
  const ExitStatus status = child.exit.value_or(ExitStatus::unknown());
  r.exit_code = status.code ? std::optional<int64_t>(*status.code) : std::nullopt;
  r.exit_signal = status.signal ? std::optional<int64_t>(*status.signal) : std::nullopt;
  child.pid = 0;
  const bool probe_pending = static_cast<bool>(child.probe_done);
  if (!child.stop_reason.empty()) {
    // A restart's stop is the user's (the new start overwrites the record at once).
    const std::string reason = child.stop_reason == "restart" ? "user" : child.stop_reason;
    r.status = "stopped";
    r.stop_reason = reason;
    if (reason == "user") r.stopped_at = iso_utc(clock_.wall_now());
    child.phase = Phase::stopped;
    save(child);
    emit(child, "stopped", reason);
    if (probe_pending) {
      child.probe_timer->cancel();
      auto fn = std::move(child.probe_done);
      child.probe_done = nullptr;
      fn(static_cast<pid_t>(r.pid.value_or(0)));
    }
    auto waiters = std::move(child.stop_waiters);
    child.stop_waiters.clear();
    for (auto& w : waiters) w();
    return;
  }
  emit(child, "exited", status.describe());
  handle_crash(child, probe_pending);
}

void Supervisor::handle_crash(Child& child, bool probe_pending) {
  ProcessRecord& r = child.record;
  const std::string name = r.name;
  r.status = "stopped";
  r.stop_reason = "crashed";
  r.stopped_at = iso_utc(clock_.wall_now());
  const bool watched = r.watch && r.watch->enabled && !r.watch->errored && !shutting_down_;
  if (probe_pending) {
    child.probe_timer->cancel();
    auto fn = std::move(child.probe_done);
    child.probe_done = nullptr;
    if (watched) {
      // A watched process goes through the watch policy as a fast crash (Appendix D #8).
      fn(static_cast<pid_t>(r.pid.value_or(0)));
    } else {
      child.phase = Phase::stopped;
      save(child);
      const ExitStatus status = child.exit.value_or(ExitStatus::unknown());
      return fn(make_error(
          Errc::exited_at_once,
          "Process '" + name + "' failed to start (exited immediately, " + status.describe() + ")",
          status.describe()));
    }
  }
  if (!watched) {
    child.phase = Phase::stopped;
    save(child);
    return;
  }
  // Uptime ends at the reap, not after the output drain.
  const auto uptime =
      std::chrono::duration_cast<std::chrono::milliseconds>(child.exited_at - child.spawned_at);
  child.last_uptime = uptime;
  const WatchDecision decision = child.tracker.on_exit(settings_of(*r.watch), uptime);
  for (const auto& line : decision.log_lines) logs_.watcher_line(name, line);
  if (decision.kind == WatchDecision::Kind::errored) {
    child.phase = Phase::stopped;
    return become_errored(child, decision.reason);
  }
  child.phase = Phase::backoff;
  if (decision.delay.count() <= 0) {
    // Restarted in this same turn: the spawn saves the record, so no save (and no wait for
    // the disk) comes between the exit and the respawn.
    emit(child, "restart_scheduled", {}, 0);
    return watch_restart(name);
  }
  save(child);
  emit(child, "restart_scheduled", {}, decision.delay.count());
  // Counted from the exit itself, not from when the output drained or the record was saved.
  child.timer->arm(child.exited_at + decision.delay, [this, name] { watch_restart(name); });
}

void Supervisor::become_errored(Child& child, const std::string& reason) {
  ProcessRecord& r = child.record;
  r.watch->errored = true;
  r.watch->error_reason = reason;
  r.watch->last_stderr_tail = logs_.stderr_tail(r.name);
  r.watch->watcher_pid.reset();
  r.watch->watcher_pgid.reset();
  r.status = "stopped";
  r.stop_reason = "crashed";
  child.phase = Phase::stopped;
  save(child);
  emit(child, "errored", reason);
}

void Supervisor::watch_restart(const std::string& name) {
  Child* child = find(name);
  if (child == nullptr || child->phase != Phase::backoff) return;
  auto spawned = spawn_child(*child, "watch restart", [](ProcessRecord& r) {
    r.watch->restarts += 1;
    r.watch->last_restart_at = r.started_at;
  });
  if (!spawned) {
    const Error& e = spawned.error();
    std::string reason = e.detail == "not_found" ? "command not found: " + child->record.command[0]
                         : e.detail == "permission"
                             ? "permission denied: " + child->record.command[0]
                             : "failed to start: " + e.message;
    logs_.watcher_line(name, "restart failed: " + reason);
    child->phase = Phase::stopped;
    return become_errored(*child, reason);
  }
  const WatchBlock& w = *child->record.watch;
  logs_.watcher_line(name, "restart #" + std::to_string(w.restarts) +
                               " pid=" + std::to_string(spawned->pid) + " (prev uptime " +
                               format_uptime(child->last_uptime) + "s)");
}

// ---- stop -----------------------------------------------------------------------------------

void Supervisor::request_stop(Child& child, const std::string& reason, bool force,
                              std::chrono::milliseconds timeout) {
  child.stop_reason = reason;
  if (child.phase == Phase::exiting) return;  // already reaped: only the drain remains
  processes_.signal_group(child.pid, force ? SIGKILL : SIGTERM);
  if (child.phase == Phase::stopping) return;
  child.phase = Phase::stopping;
  if (force) return;
  const std::string name = child.record.name;
  const pid_t pid = child.pid;
  child.timer->arm(clock_.now() + timeout, [this, name, pid] {
    Child* c = find(name);
    // Only a child that is not yet reaped may be signalled: its pid cannot have been reused.
    if (c != nullptr && c->phase == Phase::stopping && c->pid == pid) {
      processes_.signal_group(pid, SIGKILL);
    }
  });
}

void Supervisor::stop(const std::string& name, bool force, std::chrono::milliseconds timeout,
                      StopDone done) {
  Child* child = find(name);
  if (child == nullptr) {
    return done(make_error(Errc::no_such_process, "No process named '" + name + "' found"));
  }
  // Watching ends here; the original's watcher would log this when it noticed.
  if (is_watched(child->record) && child->phase != Phase::stopped) {
    logs_.watcher_line(name, child->phase == Phase::backoff
                                 ? "proc stopped by user during backoff; exiting"
                                 : "proc manually stopped; exiting");
  }
  if (child->phase == Phase::stopped || child->phase == Phase::backoff) {
    child->timer->cancel();
    child->phase = Phase::stopped;
    child->record.status = "stopped";
    child->record.stop_reason = "user";
    save(*child);
    return done(StopOutcome{false, static_cast<pid_t>(child->record.pid.value_or(0))});
  }
  const auto pid = child->pid;
  child->stop_waiters.push_back([done = std::move(done), pid] { done(StopOutcome{true, pid}); });
  request_stop(*child, "user", force, timeout);
}

void Supervisor::shutdown(bool keep_children, std::function<void()> done) {
  shutting_down_ = true;
  auto remaining = std::make_shared<size_t>(1);
  auto finish = std::make_shared<std::function<void()>>(std::move(done));
  auto one_done = [remaining, finish] {
    if (--*remaining == 0) (*finish)();
  };
  for (auto& [name, child] : children_) {
    child->probe_timer->cancel();
    if (child->phase == Phase::backoff) {
      child->timer->cancel();
      child->phase = Phase::stopped;
    }
    if (keep_children || !(child->online() || child->phase == Phase::exiting)) continue;
    ++*remaining;
    child->stop_waiters.push_back(one_done);
    // A stop the user asked for stays the user's (no resurrect at the next start); one
    // that was half of a restart becomes the daemon's, so the next bgod starts it again.
    const bool user_stop = child->phase == Phase::stopping && child->stop_reason == "user";
    request_stop(*child, user_stop ? "user" : "daemon", false, settings_.stop_timeout);
  }
  one_done();
}

}  // namespace bgo::daemon
