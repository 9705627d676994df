// SPDX-License-Identifier: MIT
// Supervisor: the composite operations (restart, delete, clean, resurrect, batches, watch).
#include <algorithm>

#include "daemon/core/supervisor.hpp"

namespace bgo::daemon {

namespace {

Error unknown_name(const std::string& name) {
  return make_error(Errc::no_such_process, "No process named '" + name + "' found");
}

}  // namespace

void Supervisor::start_from_record(const std::string& name, std::vector<std::string> env,
                                   StartDone done) {
  Child* child = find(name);
  if (child == nullptr) return done(unknown_name(name));
  const ProcessRecord& r = child->record;
  StartParams params;
  params.name = name;
  params.command = r.command;
  params.cwd = r.cwd.value_or("/");
  // The environment recorded at the first start wins (spec §12.2 #9); files written by the
  // Python bgo have none, so they get the environment of whoever asks.
  params.env = r.env ? *r.env : std::move(env);
  params.autostart = r.autostart_policy();
  params.keep_unknown_keys = true;
  start(std::move(params), std::move(done));
}

void Supervisor::restart(const std::string& name, bool reset_counters, std::vector<std::string> env,
                         std::function<void(Result<RestartOutcome>)> done) {
  Child* child = find(name);
  if (child == nullptr) return done(unknown_name(name));
  if (auto& w = child->record.watch) {
    w->errored = false;
    w->error_reason.reset();
    w->last_stderr_tail.reset();
    if (reset_counters) {
      w->restarts = 0;
      w->last_restart_at.reset();
    }
    save(*child);
  }
  child->tracker.reset();
  auto then_start = [this, name, env = std::move(env), done](bool was_running) mutable {
    start_from_record(name, std::move(env), [done, was_running](Result<StartOutcome> r) {
      RestartOutcome outcome;
      outcome.was_running = was_running;
      outcome.start = std::move(r);
      done(std::move(outcome));
    });
  };
  if (child->phase == Phase::stopped || child->phase == Phase::backoff) {
    child->timer->cancel();
    child->phase = Phase::stopped;
    return then_start(false);
  }
  child->stop_waiters.push_back([this, name, done, then_start]() mutable {
    // A `stop` or `delete` that came while it was stopping wins: the last word is the user's.
    if (const Child* c = find(name); c != nullptr && c->stop_reason == "user") {
      RestartOutcome outcome;
      outcome.was_running = true;
      outcome.start = make_error(Errc::invalid_state,
                                 "Process '" + name + "' was stopped before it could restart");
      return done(std::move(outcome));
    }
    then_start(true);
  });
  request_stop(*child, "restart", false, settings_.stop_timeout);
}

void Supervisor::remove(const std::string& name, bool keep_logs,
                        std::function<void(Result<bool>)> done) {
  Child* child = find(name);
  if (child == nullptr) return done(unknown_name(name));
  auto erase = [this, name, keep_logs, done](bool was_running) {
    Child* c = find(name);
    if (c == nullptr) return done(was_running);
    c->timer->cancel();
    c->probe_timer->cancel();
    store_.remove(name);
    if (keep_logs) {
      logs_.release(name);
    } else {
      logs_.remove_logs(name);
    }
    emit(*c, "deleted");
    forget_pid(*c);
    children_.erase(name);
    done(was_running);
  };
  if (child->phase == Phase::stopped || child->phase == Phase::backoff) return erase(false);
  child->record.status = "stopped";
  child->record.stop_reason = "user";
  save(*child);
  child->stop_waiters.push_back([erase] { erase(true); });
  request_stop(*child, "user", false, settings_.stop_timeout);
}

std::vector<std::string> Supervisor::clean() {
  std::vector<std::string> removed;
  for (Child* child : file_order()) {
    if (child->phase != Phase::stopped && child->phase != Phase::backoff) continue;
    removed.push_back(child->record.name);
  }
  for (const auto& name : removed) {
    Child* c = find(name);
    c->timer->cancel();
    c->probe_timer->cancel();
    store_.remove(name);
    logs_.release(name);
    emit(*c, "deleted");
    children_.erase(name);
  }
  return removed;
}

void Supervisor::run_batch(std::vector<std::string> targets, std::vector<std::string> env,
                           std::vector<std::string> skipped, BatchDone done) {
  struct Pending {
    BatchOutcome outcome;
    size_t remaining = 0;
    BatchDone done;
  };
  auto pending = std::make_shared<Pending>();
  pending->outcome.skipped = std::move(skipped);
  pending->remaining = targets.size();
  pending->done = std::move(done);
  if (targets.empty()) return pending->done(std::move(pending->outcome));
  for (const auto& name : targets) pending->outcome.items.push_back(BatchItem{name, {}});
  // All start at once: each answers after its own start probe, so n processes take one probe.
  for (size_t i = 0; i < targets.size(); ++i) {
    start_from_record(targets[i], env, [pending, i](Result<StartOutcome> r) {
      pending->outcome.items[i].result = std::move(r);
      if (--pending->remaining == 0) pending->done(std::move(pending->outcome));
    });
  }
}

void Supervisor::resurrect(std::vector<std::string> env, BatchDone done) {
  std::vector<std::string> targets;
  for (Child* child : file_order()) {
    if (is_candidate_for_resurrect(*child)) targets.push_back(child->record.name);
  }
  run_batch(std::move(targets), std::move(env), {}, std::move(done));
}

std::vector<std::string> Supervisor::candidates(CandidateOrder order) const {
  std::vector<const Child*> list;
  for (const auto& [name, child] : children_) {
    if (!child->online() && child->phase != Phase::exiting) list.push_back(child.get());
  }
  std::stable_sort(list.begin(), list.end(), [](const Child* a, const Child* b) {
    return a->record.name + ".json" < b->record.name + ".json";
  });
  if (order == CandidateOrder::recent) {
    auto key = [](const Child* c) {
      return c->record.stopped_at.value_or(c->record.started_at.value_or(""));
    };
    std::stable_sort(list.begin(), list.end(),
                     [&](const Child* a, const Child* b) { return key(a) > key(b); });
  }
  std::vector<std::string> names;
  for (const Child* c : list) names.push_back(c->record.name);
  return names;
}

void Supervisor::restart_many(std::vector<std::string> names, CandidateOrder order,
                              std::vector<std::string> env, BatchDone done) {
  const std::vector<std::string> all = candidates(order);
  if (names.empty()) return run_batch(all, std::move(env), {}, std::move(done));
  std::vector<std::string> unknown, skipped, targets;
  for (const auto& name : names) {
    if (find(name) == nullptr && std::find(unknown.begin(), unknown.end(), name) == unknown.end()) {
      unknown.push_back(name);
    }
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& n : unknown) list += (list.empty() ? "" : ", ") + n;
    Error e = make_error(Errc::no_such_process, "Unknown process(es): " + list);
    e.names = std::move(unknown);
    return done(e);
  }
  for (const auto& name : names) {
    // A name given twice is restarted once (the original tried twice, §12.2 #24).
    const bool is_candidate = std::find(all.begin(), all.end(), name) != all.end();
    auto& bucket = is_candidate ? targets : skipped;
    if (std::find(bucket.begin(), bucket.end(), name) == bucket.end()) bucket.push_back(name);
  }
  run_batch(std::move(targets), std::move(env), std::move(skipped), std::move(done));
}

Result<WatchBlock> Supervisor::watch(const std::string& name, const WatchOverrides& overrides,
                                     bool reset) {
  Child* child = find(name);
  if (child == nullptr) return unknown_name(name);
  // A process waiting for its watch restart (backoff) counts as running: `watch` then only
  // changes the settings for the next exit and leaves the pending restart as it is.
  const bool in_backoff = child->phase == Phase::backoff;
  if (!child->online() && !in_backoff) {
    return make_error(Errc::invalid_state,
                      "Process '" + name + "' is not running. Start it first.");
  }
  WatchBlock w;
  if (!reset && child->record.watch) {
    w = *child->record.watch;
    w.enabled = true;
    w.errored = false;
    w.error_reason.reset();
    w.last_stderr_tail.reset();
  }
  w.watcher_pid.reset();
  w.watcher_pgid.reset();
  if (overrides.interval) w.interval = *overrides.interval;
  if (overrides.min_uptime) w.min_uptime = *overrides.min_uptime;
  if (overrides.on_fast_crash) w.on_fast_crash = *overrides.on_fast_crash;
  child->record.watch = w;
  child->tracker.reset();
  save(*child);
  if (!in_backoff) {
    logs_.watcher_line(name, "watcher started for pid=" + std::to_string(child->pid));
  }
  return w;
}

Result<bool> Supervisor::unwatch(const std::string& name) {
  Child* child = find(name);
  if (child == nullptr) return unknown_name(name);
  auto& w = child->record.watch;
  if (!w || !w->enabled) return false;
  if (!w->errored && (child->online() || child->phase == Phase::backoff)) {
    logs_.watcher_line(name, "watch disabled; exiting");
  }
  w->enabled = false;
  w->watcher_pid.reset();
  w->watcher_pgid.reset();
  if (child->phase == Phase::backoff) {
    // Unwatched during a backoff: the pending restart is cancelled; it stays crashed.
    child->timer->cancel();
    child->phase = Phase::stopped;
  }
  save(*child);
  return true;
}

Result<std::string> Supervisor::set_autostart(const std::string& name, const std::string& policy) {
  Child* child = find(name);
  if (child == nullptr) return unknown_name(name);
  child->record.autostart = policy;
  save(*child);
  return policy;
}

std::vector<Snapshot> Supervisor::list() const {
  std::vector<Snapshot> out;
  out.reserve(children_.size());
  for (const auto& [name, child] : children_) {
    Snapshot s;
    s.record = &child->record;
    s.online = child->online();
    if (s.online) s.usage = processes_.usage(child->pid);
    out.push_back(std::move(s));
  }
  return out;
}

Result<Snapshot> Supervisor::get(const std::string& name) const {
  const Child* child = find(name);
  if (child == nullptr) return unknown_name(name);
  Snapshot s;
  s.record = &child->record;
  s.online = child->online();
  if (s.online) s.usage = processes_.usage(child->pid);
  return s;
}

}  // namespace bgo::daemon
