// SPDX-License-Identifier: MIT
// Supervisor: the name -> Child map and the operations on one name.
#include "daemon/core/supervisor.hpp"

#include <algorithm>

namespace bgo::daemon {

namespace {

constexpr std::chrono::seconds k_save_retry{2};

Error unknown_name(const std::string& name) {
  return make_error(Errc::no_such_process, "No process named '" + name + "' found");
}

}  // namespace

Supervisor::Supervisor(ProcessPort& processes, StorePort& store, LogPort& logs,
                       TimerFactory& timers, Clock& clock, EventSink& events,
                       SupervisorSettings settings)
    : events_(events),
      ports_{processes, store, logs, timers, clock, static_cast<EventSink&>(*this)},
      settings_(std::move(settings)),
      retry_timer_(timers.make_timer()),
      recheck_timer_(timers.make_timer()),
      restart_timer_(timers.make_timer()) {}

void Supervisor::set_health_ports(ProbePort* probes, NotifyPort* notify) {
  ports_.probes = probes;
  ports_.notify = notify;
}

// Children go first: their destructors may still call back (timers cancelled, nothing else).
Supervisor::~Supervisor() { children_.clear(); }

Child* Supervisor::find(const std::string& name) {
  auto it = children_.find(name);
  return it == children_.end() ? nullptr : it->second.get();
}

const Child* Supervisor::find(const std::string& name) const {
  auto it = children_.find(name);
  return it == children_.end() ? nullptr : it->second.get();
}

Child& Supervisor::add(ProcessRecord record) {
  const std::string name = record.name;
  record.env = envs_.intern(record.env);
  ChildHost& host = *this;
  auto child = std::make_unique<Child>(host, ports_, settings_, std::move(record));
  Child& ref = *child;
  children_[name] = std::move(child);
  return ref;
}

// delete and clean: the file, the logs (or only what holds them open), the event, the entry.
StoreTicket Supervisor::forget(const std::string& name, bool keep_logs) {
  Child* child = find(name);
  child->cancel_backoff();
  const StoreTicket removed = ports_.store.remove(name);
  if (keep_logs) {
    ports_.logs.release(name);
  } else {
    ports_.logs.remove_logs(name);
  }
  ProcessEvent event;
  event.kind = EventKind::deleted;
  event.name = name;
  event.pid = child->record().pid;
  event.exit_code = child->record().exit_code;
  event.exit_signal = child->record().exit_signal;
  on_process_event(event);
  erase(name);
  return removed;
}

// Forgets an entry that has no process (idle). Whatever still waits on it gets an answer.
void Supervisor::erase(const std::string& name) {
  auto it = children_.find(name);
  if (it == children_.end()) return;
  std::unique_ptr<Child> child = std::move(it->second);
  children_.erase(it);
  BGO_ASSERT(child->pid() == 0, "a child is forgotten only once it was reaped");
  unsaved_.erase(name);
  lingering_.erase(name);
  child->abandon(unknown_name(name));
}

size_t Supervisor::online_count() const {
  return static_cast<size_t>(std::count_if(children_.begin(), children_.end(),
                                           [](const auto& kv) { return kv.second->online(); }));
}

std::vector<RunningChild> Supervisor::own_running() const {
  std::vector<RunningChild> out;
  for (const auto& [name, child] : children_) {
    if (child->phase() != Phase::running || child->adopted()) continue;
    out.push_back({name, child->pid(), child->record().start_ticks.value_or(0)});
  }
  return out;
}

size_t Supervisor::settling_count() const {
  return static_cast<size_t>(std::count_if(children_.begin(), children_.end(), [](const auto& kv) {
    const Phase p = kv.second->phase();
    return kv.second->probing() || p == Phase::stopping || p == Phase::exiting ||
           p == Phase::lingering;
  }));
}

std::vector<WatchCarry> Supervisor::watch_carry() const {
  std::vector<WatchCarry> out;
  for (const auto& [name, child] : children_) {
    const auto at = child->restart_at();
    auto recent = child->recent_restarts();
    auto health = child->health_carry();
    if (child->streak() == 0 && !at && recent.empty() && !health) continue;
    out.push_back(
        {name, child->streak(), at, child->last_uptime(), std::move(recent), std::move(health)});
  }
  return out;
}

void Supervisor::hold_restarts(bool held) {
  restarts_held_ = held;
  if (held) return;
  for (const auto& [name, child] : children_) child->rearm_backoff();
}

void Supervisor::resume_watch(const std::vector<WatchCarry>& carried) {
  for (const auto& c : carried) {
    if (Child* child = find(c.name)) {
      child->resume_watch(c);
    }
  }
}

// ---- ChildHost ------------------------------------------------------------------------------

void Supervisor::on_pid_assigned(const Child& child) {
  by_pid_[child.pid()] =
      const_cast<Child*>(&child);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
}

void Supervisor::on_pid_released(const Child& child) {
  // Only its own entry: the kernel may already have given the number to another child.
  if (auto it = by_pid_.find(child.pid()); it != by_pid_.end() && it->second == &child) {
    by_pid_.erase(it);
  }
}

void Supervisor::on_waiting(const Child& child, bool waiting) {
  if (waiting) {
    waiting_.insert(child.name());
  } else {
    waiting_.erase(child.name());
  }
}

void Supervisor::on_lingering(const Child& child, bool lingering) {
  if (lingering) {
    lingering_.insert(child.name());
  } else {
    lingering_.erase(child.name());
  }
}

// Only the outcome of a child's newest save counts: an older one was overtaken, and one of a
// name that was forgotten (or registered again since) says nothing about what is there now.
void Supervisor::on_saved(const std::string& name, StoreTicket ticket, const Result<void>& result) {
  Child* child = find(name);
  if (child == nullptr || !child->on_saved(ticket, result)) return;
  if (!result) {
    unsaved_.insert(name);
    retry_timer_->arm(ports_.clock.now() + k_save_retry, [this] { retry_saves(); });
    return;
  }
  std::erase_if(broken_, [&](const BrokenState& b) { return b.file == name + ".json"; });
  unsaved_.erase(name);
  // A write went through: space (or whatever failed) is back, so write what is owed now.
  if (!unsaved_.empty() && !retrying_) retry_saves();
}

// Each owed record is saved again unless a save of it is already on its way; the outcomes come
// back through on_saved, which re-arms the timer for those that fail again.
void Supervisor::retry_saves() {
  retrying_ = true;
  const std::set<std::string> owed = unsaved_;
  for (const auto& name : owed) {
    Child* child = find(name);
    if (child == nullptr) {
      unsaved_.erase(name);
    } else if (!child->saving()) {
      (void)child->save();
    }
  }
  retrying_ = false;
}

void Supervisor::when_saved(const std::string& name, std::function<void(Result<void>)> done) {
  const Child* child = find(name);
  if (child == nullptr) return when_all_saved([done = std::move(done)] { done({}); });
  ports_.store.when_durable(child->last_save(), std::move(done));
}

void Supervisor::when_all_saved(std::function<void()> done) {
  ports_.store.when_durable(ports_.store.newest(),
                            [done = std::move(done)](const Result<void>&) { done(); });
}

// ---- stop, restart, delete ------------------------------------------------------------------

void Supervisor::stop(const std::string& name, bool force,
                      std::optional<std::chrono::milliseconds> timeout, StopDone done,
                      bool with_dependents) {
  Child* child = find(name);
  if (child == nullptr) return done(unknown_name(name));
  if (with_dependents) {
    std::vector<std::string> names = dependents_of(name);
    std::erase_if(names, [&](const std::string& n) {
      const Child* c = find(n);
      return c == nullptr ||
             (!c->online() && c->phase() != Phase::waiting && c->phase() != Phase::backoff);
    });
    if (!names.empty()) {
      auto stopped = std::make_shared<std::vector<std::string>>();
      return stop_in_order(
          names, StopRequest::user, [stopped](const std::string& n) { stopped->push_back(n); },
          [this, name, force, timeout, stopped, done = std::move(done)]() mutable {
            stop(name, force, timeout, [stopped, done](Result<StopOutcome> r) {
              if (r) r->dependents = *stopped;
              done(std::move(r));
            });
          });
    }
  }
  if (child->phase() == Phase::waiting) child->cancel_waiting();
  // Watching ends here; the original's watcher would log this when it noticed.
  if (child->watched() && child->phase() != Phase::stopped) {
    ports_.logs.watcher_line(name, child->phase() == Phase::backoff
                                       ? "proc stopped by user during backoff; exiting"
                                       : "proc manually stopped; exiting");
  }
  // Answered once the stop is on disk: a bgod that dies after the answer leaves it stopped.
  if (child->idle()) {
    child->cancel_backoff();
    const StoreTicket saved = child->record_user_stop();
    const pid_t pid = static_cast<pid_t>(child->record().pid.value_or(0));
    return ports_.store.when_durable(saved, [name, pid,
                                             done = std::move(done)](const Result<void>& result) {
      if (!result) {
        Error e = result.error();
        e.message = "the state of '" + name + "' could not be saved (bgod retries): " + e.message;
        return done(e);
      }
      done(StopOutcome{false, pid, {}});
    });
  }
  const pid_t pid = child->pid();
  child->add_stop_waiter([this, name, pid, done = std::move(done)] {
    when_saved(name, [name, pid, done](const Result<void>& result) {
      if (!result) {
        Error e = result.error();
        e.message =
            "'" + name + "' stopped, but its state could not be saved (bgod retries): " + e.message;
        return done(e);
      }
      done(StopOutcome{true, pid, {}});
    });
  });
  child->request_stop(StopRequest::user, force, timeout.value_or(child->stop_timeout()));
}

void Supervisor::restart(const std::string& name, RestartParams params,
                         const std::function<void(Result<RestartOutcome>)>& done) {
  Child* child = find(name);
  // A name on its way out cannot be revived: the delete has the last word.
  if (child == nullptr || child->deleting()) return done(unknown_name(name));
  if (child->record().watch) {
    (void)child->update([&](ProcessRecord& r) {  // kept dirty and retried on failure
      r.watch->errored = false;
      r.watch->clear_error();
      if (params.reset_counters) {
        r.watch->restarts = 0;
        r.watch->last_restart_at.reset();
      }
    });
  }
  if (params.update_env && !params.env.empty()) {
    (void)child->update([&](ProcessRecord& r) { r.env = envs_.intern(params.env); });  // retried
  }
  auto then_start = [this, name, env = std::move(params.env), done](bool was_running) mutable {
    start_from_record(name, make_env(std::move(env)), [done, was_running](Result<StartOutcome> r) {
      RestartOutcome outcome;
      outcome.was_running = was_running;
      outcome.start = std::move(r);
      done(std::move(outcome));
    });
  };
  if (child->idle()) {
    child->cancel_backoff();
    child->cancel_waiting();
    return then_start(false);
  }
  child->add_stop_waiter([this, name, done, then_start]() mutable {
    // A `stop` or `delete` that came while it was stopping wins: the last word is the user's.
    if (const Child* c = find(name); c == nullptr || c->stop_request() == StopRequest::user) {
      RestartOutcome outcome;
      outcome.was_running = true;
      outcome.start = make_error(Errc::invalid_state,
                                 "Process '" + name + "' was stopped before it could restart");
      return done(std::move(outcome));
    }
    then_start(true);
  });
  child->request_stop(StopRequest::restart, false, child->stop_timeout());
}

void Supervisor::remove(const std::string& name, bool keep_logs,
                        const std::function<void(Result<bool>)>& done) {
  Child* child = find(name);
  if (child == nullptr) return done(unknown_name(name));
  // Answered once the file is gone from the disk (a failed removal is only logged).
  if (child->idle()) {
    child->cancel_waiting();
    return ports_.store.when_durable(forget(name, keep_logs),
                                     [done](const Result<void>&) { done(false); });
  }
  // Recorded first: a bgod that dies before the process does must not start it again.
  (void)child->record_user_stop();  // kept dirty and retried on failure
  child->mark_deleting();
  child->add_stop_waiter([this, name, keep_logs, done] {
    const StoreTicket removed =
        find(name) != nullptr ? forget(name, keep_logs) : ports_.store.newest();
    ports_.store.when_durable(removed, [done](const Result<void>&) { done(true); });
  });
  child->request_stop(StopRequest::user, false, child->stop_timeout());
}

// ---- settings -------------------------------------------------------------------------------

Result<WatchBlock> Supervisor::watch(const std::string& name, const WatchOverrides& overrides,
                                     bool reset) {
  Child* child = find(name);
  if (child == nullptr) return unknown_name(name);
  // A process waiting for its watch restart (backoff) counts as running: `watch` then only
  // changes the settings for the next exit and leaves the pending restart as it is.
  const bool in_backoff = child->phase() == Phase::backoff;
  if (!child->online() && !in_backoff) {
    return make_error(Errc::invalid_state,
                      "Process '" + name + "' is not running. Start it first.");
  }
  WatchBlock w;
  if (!reset && child->record().watch) {
    w = *child->record().watch;
    w.enabled = true;
    w.errored = false;
    w.clear_error();
  }
  w.clear_watcher();
  if (overrides.interval) w.interval = *overrides.interval;
  if (overrides.min_uptime) w.min_uptime = *overrides.min_uptime;
  if (overrides.on_fast_crash) w.on_fast_crash = *overrides.on_fast_crash;
  child->reset_streak();
  (void)child->update([&](ProcessRecord& r) { r.watch = w; });  // the caller waits: when_saved
  if (!in_backoff) {
    ports_.logs.watcher_line(name, "watcher started for pid=" + std::to_string(child->pid()));
  }
  return w;
}

Result<bool> Supervisor::unwatch(const std::string& name) {
  Child* child = find(name);
  if (child == nullptr) return unknown_name(name);
  const auto& w = child->record().watch;
  if (!w || !w->enabled) return false;
  if (!w->errored && (child->online() || child->phase() == Phase::backoff)) {
    ports_.logs.watcher_line(name, "watch disabled; exiting");
  }
  // Unwatched during a backoff: the pending restart is cancelled; it stays crashed.
  child->cancel_backoff();
  (void)child->update([](ProcessRecord& r) {  // the caller waits: when_saved
    r.watch->enabled = false;
    r.watch->clear_watcher();
  });
  return true;
}

Result<AutostartPolicy> Supervisor::set_autostart(const std::string& name, AutostartPolicy policy) {
  Child* child = find(name);
  if (child == nullptr) return unknown_name(name);
  (void)child->update([&](ProcessRecord& r) { r.autostart = policy; });  // caller: when_saved
  return policy;
}

// ---- queries --------------------------------------------------------------------------------

Snapshot Supervisor::snapshot(const Child& child, bool usage) const {
  Snapshot s;
  s.record = &child.record();
  s.online = child.online();
  s.phase = child.phase();
  if (usage && child.pid() != 0 && child.online()) s.usage = ports_.processes.usage(child.pid());
  s.health = child.health_view();
  return s;
}

std::vector<Snapshot> Supervisor::list() const { return list(ListQuery{}).rows; }

// The names are a std::map's keys, so a page starts with one lookup and the rows outside it
// cost nothing; only a project filter has to look at every record (to count `total`).
ListPage Supervisor::list(const ListQuery& query) const {
  BGO_ASSERT(!query.limit || *query.limit >= 1, "a list page holds at least one row");
  ListPage page;
  const auto selected = [&](const Child& c) {
    return !query.project || c.record().project == query.project;
  };
  auto it = query.after ? children_.upper_bound(*query.after) : children_.begin();
  if (query.project) {
    for (const auto& [name, child] : children_) page.total += selected(*child) ? 1 : 0;
  } else {
    page.total = children_.size();
  }
  const std::size_t limit = query.limit.value_or(children_.size());
  if (!query.limit) page.rows.reserve(children_.size());
  for (; it != children_.end(); ++it) {
    if (!selected(*it->second)) continue;
    if (page.rows.size() == limit) {
      page.next = page.rows.back().record->name;
      break;
    }
    page.rows.push_back(snapshot(*it->second, query.usage));
  }
  return page;
}

Result<Snapshot> Supervisor::get(const std::string& name) const {
  const Child* child = find(name);
  if (child == nullptr) return unknown_name(name);
  return snapshot(*child);
}

// ---- events from the adapters ---------------------------------------------------------------

void Supervisor::on_exit(pid_t pid, const ExitStatus& status) {
  if (auto it = by_pid_.find(pid); it != by_pid_.end()) return it->second->on_exit(status);
  // Not a child bgod spawned: an orphan it reaped as subreaper. A group it was stopping may
  // have become empty.
  if (lingering_.empty()) return;
  const std::set<std::string> names = lingering_;
  for (const auto& name : names) {
    if (Child* c = find(name)) c->on_group_member_reaped();
  }
}

void Supervisor::on_group_empty(pid_t pgid) {
  // A lingering child keeps its leader's pid (its group number) until its exit is finished.
  if (auto it = by_pid_.find(pgid); it != by_pid_.end()) it->second->on_group_member_reaped();
}

void Supervisor::on_output_closed(pid_t pid) {
  if (auto it = by_pid_.find(pid); it != by_pid_.end()) it->second->on_output_closed();
}

// Dependents are stopped before what they depend on (stop_in_order); a start still waiting
// for its dependencies keeps its recorded intent (running), so the next bgod starts it.
void Supervisor::shutdown(bool keep_children, const std::function<void()>& done) {
  shutting_down_ = true;
  recheck_timer_->cancel();
  std::vector<std::string> names;
  for (auto& [name, child] : children_) {
    child->cancel_backoff();
    if (child->phase() == Phase::waiting) child->cancel_waiting();
    if (keep_children || child->phase() == Phase::stopped) continue;
    names.push_back(name);
  }
  stop_in_order(std::move(names), StopRequest::daemon, nullptr, done);
}

void Supervisor::on_restart_wanted(const Child& child, const std::string& why) {
  // Acted on in the next turn: the caller is in the middle of the child's own code.
  wanted_restarts_.emplace_back(child.name(), why);
  restart_timer_->arm(ports_.clock.now(), [this] { run_wanted_restarts(); });
}

void Supervisor::run_wanted_restarts() {
  for (const auto& [name, why] : std::exchange(wanted_restarts_, {})) {
    Child* c = find(name);
    if (c == nullptr || c->deleting() || shutting_down_) continue;
    // A stop the user asked for is respected: neither a probe nor the schedule undoes it.
    if (c->stop_request() == StopRequest::user || c->phase() == Phase::waiting) continue;
    if (c->idle() && c->phase() != Phase::backoff && c->record().status == RecordStatus::stopped &&
        c->record().effective_stop_reason() == StopReason::user) {
      continue;
    }
    restart(name, RestartParams{}, [](const Result<RestartOutcome>&) {});
  }
}

void Supervisor::on_memory_exceeded(pid_t pid) {
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end()) return;
  Child* child = it->second;
  ProcessEvent event;
  event.kind = EventKind::memory_exceeded;
  event.name = child->name();
  event.pid = pid;
  event.reason = "memory limit reached";
  on_process_event(event);
  ports_.logs.watcher_line(child->name(), "memory limit reached; restarting");
  on_restart_wanted(*child, "memory limit reached");
}

void Supervisor::on_notify(const std::string& name,
                           const std::vector<std::pair<std::string, std::string>>& fields) {
  if (Child* c = find(name)) c->on_notify(fields);
}

bool Supervisor::wants_output(const std::string& name) const {
  const Child* c = find(name);
  return c != nullptr && c->wants_output();
}

void Supervisor::on_output(const std::string& name, std::string_view data) {
  if (Child* c = find(name)) c->on_output(data);
}

}  // namespace bgo::daemon
