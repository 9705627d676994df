// SPDX-License-Identifier: MIT
// Supervisor::start: a new or idle name is spawned, and answered once its state is on disk.
#include <memory>
#include <utility>

#include "daemon/core/supervisor.hpp"

namespace bgo::daemon {

struct Supervisor::PendingStart {
  std::string name;
  pid_t pid = 0;
  bool was_new = false;
  StartDone done;                       // empty once answered
  std::optional<Result<pid_t>> probed;  // the probe's verdict
  bool saved = false;                   // the spawn's save is on disk
};

namespace {
// A project claims only its own names and new ones (docs/bgo-file.md, "Projects").
Result<void> check_project(const Child* existing, const StartParams& params) {
  if (!params.project || existing == nullptr) return {};
  const std::optional<std::string>& owner = existing->record().project;
  if (owner == params.project) return {};
  return make_error(Errc::invalid_state,
                    owner ? "Process '" + params.name + "' belongs to project '" + *owner +
                                "', not '" + *params.project + "'"
                          : "Process '" + params.name + "' exists outside project '" +
                                *params.project + "' (started by hand): delete it first");
}
}  // namespace

void Supervisor::start(StartParams params, StartDone done) {
  // A restart whose stop completed during shutdown must not leave a new child behind.
  if (shutting_down_) return done(make_error(Errc::invalid_state, "bgod is shutting down"));
  Child* existing = find(params.name);
  if (auto claim = check_project(existing, params); !claim) return done(claim.error());
  if (existing != nullptr && !existing->idle()) {
    const pid_t pid = existing->pid() != 0 ? existing->pid()
                                           : static_cast<pid_t>(existing->record().pid.value_or(0));
    Error e = make_error(
        Errc::already_running,
        "Process '" + params.name + "' is already running (PID: " + std::to_string(pid) + ")");
    e.pid = pid;
    return done(e);
  }
  if (params.command.empty()) return done(param_error("command", "No command specified"));
  if (auto deps = check_dependencies(params.name, params.policy); !deps) return done(deps.error());
  const bool own_env = params.env && !params.env->empty();
  auto resolved = ports_.processes.resolve(
      params.command, own_env ? *params.env : std::vector<std::string>{}, params.cwd);
  if (!resolved) return done(resolved.error());

  ProcessRecord fresh;
  fresh.name = params.name;
  fresh.command = std::move(*resolved);
  fresh.cwd = params.cwd;
  fresh.status = RecordStatus::running;
  // Watch block inheritance (spec §5.2); a disabled block is kept rather than dropped (§12.2 #16).
  const std::optional<WatchBlock> prior = existing ? existing->record().watch : std::nullopt;
  if (params.watch) {
    WatchBlock w;
    if (params.interval) w.interval = *params.interval;
    if (params.min_uptime) w.min_uptime = *params.min_uptime;
    if (params.on_fast_crash) w.on_fast_crash = *params.on_fast_crash;
    fresh.watch = w;
  } else if (prior) {
    WatchBlock w = *prior;
    w.clear_watcher();
    if (w.enabled) {
      w.errored = false;
      w.clear_error();
    }
    fresh.watch = w;
  }
  // `restart` (docs/health.md) sits next to the watch block: always/on-failure watch it (a
  // fresh block unless it has an enabled one), never unwatches it.
  if (params.policy.restart == RestartPolicy::never) {
    if (fresh.watch) fresh.watch->enabled = false;
  } else if (params.policy.restart && !(fresh.watch && fresh.watch->enabled)) {
    fresh.watch = WatchBlock{};
  }
  fresh.policy = params.policy;
  fresh.autostart = params.autostart ? *params.autostart
                                     : (existing ? existing->record().autostart_policy()
                                                 : AutostartPolicy::unless_stopped);
  // No environment given (a file from the Python bgo, resurrect at boot, a bare RPC client):
  // bgod's own environment, never an empty one.
  fresh.env = own_env ? envs_.intern(params.env) : envs_.intern(settings_.default_env);
  if (params.keep_unknown_keys && existing) fresh.extra = existing->record().extra;
  if (params.project) {
    fresh.project = params.project;
    fresh.definition = params.definition;
  } else if (existing != nullptr) {
    fresh.project = existing->record().project;
  }
  if (params.logs) {
    fresh.logs = params.logs;
  } else if (existing && existing->record().logs) {
    fresh.logs = existing->record().logs;
  }

  ProcessRecord placeholder;
  placeholder.name = params.name;
  Child& child = existing != nullptr ? *existing : add(std::move(placeholder));
  ProcessRecord previous = child.record();
  const bool watched = params.watch || fresh.watch.has_value();
  child.replace_record(std::move(fresh), watched);
  child.cancel_waiting();
  child.arm_schedule();
  if (const DependencyState deps = dependency_state(child); !deps.unmet.empty() || deps.failed) {
    // Accepted: it starts the moment its dependencies are met (recheck_waiting).
    child.cancel_backoff();
    std::vector<std::string> unmet = deps.unmet;
    if (deps.failed) unmet.push_back(*deps.failed);
    child.wait_for(unmet);
    StartOutcome outcome{params.name, 0, std::nullopt, std::move(unmet)};
    if (child.record().watch && child.record().watch->enabled) outcome.watch = child.record().watch;
    // Its intent (running) on disk first; a failed save is kept dirty and retried.
    return ports_.store.when_durable(
        child.last_save(), [done = std::move(done),
                            outcome = std::move(outcome)](const Result<void>&) { done(outcome); });
  }
  auto spawned = child.spawn("Starting");
  if (!spawned) {
    // Nothing is registered: an older entry of that name is left as it was. A new name's log
    // writer goes too (its files stay): refusals at the limit must not pile up.
    if (existing == nullptr) {
      erase(params.name);
      ports_.logs.release(params.name);
    } else {
      child.cancel_backoff();
      child.replace_record(std::move(previous), false);
    }
    return done(spawned.error());
  }
  if (child.watched()) {
    ports_.logs.watcher_line(params.name, "watcher started for pid=" + std::to_string(*spawned));
  }
  // Answered once both the probe and the disk have spoken; events did not wait for either.
  auto pending = std::make_shared<PendingStart>();
  pending->name = params.name;
  pending->pid = *spawned;
  pending->was_new = existing == nullptr;
  pending->done = std::move(done);
  const StoreTicket ticket = child.last_save();
  child.arm_probe([this, pending](Result<pid_t> r) {
    pending->probed = std::move(r);
    answer_start(pending);
  });
  ports_.store.when_durable(ticket, [this, pending](const Result<void>& saved) {
    if (!saved) return refuse_unsaved_start(pending, saved.error());
    pending->saved = true;
    answer_start(pending);
  });
}

void Supervisor::answer_start(const std::shared_ptr<PendingStart>& pending) {
  if (!pending->done || !pending->probed) return;
  if (!*pending->probed) return std::exchange(pending->done, nullptr)(pending->probed->error());
  if (!pending->saved) return;  // running, but not promised before its state is on disk
  StartOutcome outcome{pending->name, **pending->probed, std::nullopt, {}};
  if (const Child* c = find(pending->name);
      c != nullptr && c->record().watch && c->record().watch->enabled) {
    outcome.watch = c->record().watch;
  }
  std::exchange(pending->done, nullptr)(outcome);
}

// Not on disk, so a bgod that died now would not know about it: it must not run. The answer
// waits until it is gone, and a name that was new is registered no more than after any other
// failed start. A start that already failed (the process exited at once) was answered.
void Supervisor::refuse_unsaved_start(const std::shared_ptr<PendingStart>& pending, Error why) {
  if (!pending->done) return;
  why.message = "cannot save the state of '" + pending->name + "': " + why.message;
  StartDone done = std::exchange(pending->done, nullptr);
  const std::string name = pending->name;
  const bool was_new = pending->was_new;
  auto answer = [this, name, was_new, why, done = std::move(done)] {
    if (const Child* c = find(name); was_new && c != nullptr && c->idle()) {
      ports_.store.remove(name);  // in case a retry wrote it meanwhile
      erase(name);
    }
    done(why);
  };
  Child* child = find(name);
  if (child == nullptr || child->pid() != pending->pid) return answer();
  child->add_stop_waiter(std::move(answer));
  child->request_stop(StopRequest::user, true, settings_.stop_timeout);
}

}  // namespace bgo::daemon
