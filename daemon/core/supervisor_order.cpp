// SPDX-License-Identifier: MIT
// Supervisor: dependencies between processes (`after`, docs/health.md): checks at start,
// waiting starts, and stops in dependency order.
#include <algorithm>
#include <set>
#include <string_view>

#include "daemon/core/supervisor.hpp"

namespace bgo::daemon {

namespace {

std::string describe(const Dependency& d) {
  return d.name + " (" + std::string(to_string(d.condition)) + ")";
}

}  // namespace

Result<void> Supervisor::check_dependencies(const std::string& name,
                                            const ProcessPolicy& policy) const {
  for (const Dependency& d : policy.after) {
    if (d.name == name) {
      return param_error("after", "invalid params: '" + name + "' cannot depend on itself");
    }
    if (find(d.name) == nullptr) {
      Error e = make_error(Errc::no_such_process,
                           "'" + name + "' depends on '" + d.name + "', which is not registered");
      e.names = {d.name};
      return e;
    }
  }
  // A cycle through the new edges: walk from each dependency; reaching `name` closes one.
  std::vector<std::string> path{name};
  std::set<std::string> seen;
  std::function<bool(const std::string&)> reaches = [&](const std::string& at) {
    if (at == name) return true;
    if (!seen.insert(at).second) return false;
    const Child* c = find(at);
    if (c == nullptr) return false;
    path.push_back(at);
    for (const Dependency& d : c->record().policy->after) {
      if (reaches(d.name)) return true;
    }
    path.pop_back();
    return false;
  };
  for (const Dependency& d : policy.after) {
    if (reaches(d.name)) {
      std::string message = "invalid params: dependency cycle: ";
      for (const auto& n : path) message.append(n).append(" -> ");
      message += name;
      return param_error("after", message);
    }
  }
  return {};
}

Supervisor::DependencyState Supervisor::dependency_state(const Child& child) const {
  DependencyState state;
  for (const Dependency& d : child.record().policy->after) {
    const Child* dep = find(d.name);
    if (dep == nullptr) {
      state.failed = "dependency '" + d.name + "' was deleted";
      continue;
    }
    bool met = false;
    switch (d.condition) {
      case DependencyCondition::started:
        met = dep->phase() == Phase::running;
        break;
      case DependencyCondition::ready:
        met = dep->is_ready();
        break;
      case DependencyCondition::completed:
        met = dep->has_completed();
        break;
      case DependencyCondition::succeeded:
        met = dep->has_succeeded();
        if (!met && dep->has_completed()) {
          state.failed = "dependency '" + d.name + "' did not succeed (" +
                         (dep->record().exit_code
                              ? "exit code " + std::to_string(*dep->record().exit_code)
                              : "signal " + std::to_string(dep->record().exit_signal.value_or(0))) +
                         ")";
        }
        break;
    }
    if (!met) state.unmet.push_back(describe(d));
  }
  return state;
}

// Every event passes here: subscribers get it first, then waiting starts are looked at in the
// next turn of the loop (the event may come from the middle of a child's own code).
void Supervisor::on_process_event(const ProcessEvent& event) {
  events_.on_process_event(event);
  // No start waits: no failure of a dependency is worth remembering (the common case).
  if (!shutting_down_ && waiting_.empty()) {
    failed_dependencies_.clear();
    return;
  }
  switch (event.kind) {
    case EventKind::stopped:
      if (event.reason == to_string(StopReason::user)) {
        failed_dependencies_[event.name] = {event.kind,
                                            "dependency '" + event.name + "' was stopped"};
      }
      break;
    case EventKind::errored:
      failed_dependencies_[event.name] = {
          event.kind, "dependency '" + event.name + "' errored (" + event.reason + ")"};
      break;
    case EventKind::deleted:
      failed_dependencies_[event.name] = {event.kind,
                                          "dependency '" + event.name + "' was deleted"};
      break;
    case EventKind::spawned:
      failed_dependencies_.erase(event.name);
      break;
    default:
      break;
  }
  if (shutting_down_) return;
  recheck_timer_->arm(ports_.clock.now(), [this] { recheck_waiting(); });
}

void Supervisor::recheck_waiting() {
  const auto failures = std::exchange(failed_dependencies_, {});
  // By name: a start below may change the set (and what an earlier one started, the rest).
  const std::vector<std::string> waiting(waiting_.begin(), waiting_.end());
  for (const std::string& name : waiting) {
    Child* child = find(name);
    if (child == nullptr || child->phase() != Phase::waiting) continue;
    // A dependency that was stopped, errored or deleted while this start waited: it gives up.
    // An unwatched dependency that exited is stopped too, unless completing is the condition.
    std::optional<std::string> failed;
    for (const Dependency& d : child->record().policy->after) {
      const auto it = failures.find(d.name);
      if (it == failures.end()) continue;
      // Waiting for an exit, a user stop is no failure (the next run may complete); a delete is.
      const bool waits_for_exit = d.condition == DependencyCondition::completed ||
                                  d.condition == DependencyCondition::succeeded;
      if (!waits_for_exit || it->second.kind == EventKind::deleted) failed = it->second.why;
    }
    DependencyState state = dependency_state(*child);
    if (!failed) failed = state.failed;
    if (!failed) {
      // A dependency that exited on its own and will not come back cannot become ready.
      for (const Dependency& d : child->record().policy->after) {
        const Child* dep = find(d.name);
        if (dep != nullptr && dep->phase() == Phase::stopped && dep->has_completed() &&
            (d.condition == DependencyCondition::started ||
             d.condition == DependencyCondition::ready)) {
          failed = "dependency '" + d.name + "' exited";
        }
      }
    }
    if (failed) {
      child->cancel_waiting(failed);
      continue;
    }
    if (state.unmet.empty()) {
      start_waiting(*child);
    } else {
      child->set_waiting_for(std::move(state.unmet));
    }
  }
}

void Supervisor::start_waiting(Child& child) {
  const std::string name = child.name();
  auto spawned = child.spawn("Starting");
  if (!spawned) {
    child.cancel_waiting("failed to start: " + spawned.error().message);
    return;
  }
  if (child.watched()) {
    ports_.logs.watcher_line(name, "watcher started for pid=" + std::to_string(*spawned));
  }
}

std::vector<std::string> Supervisor::dependents_of(const std::string& name) const {
  std::vector<std::string> out;
  std::vector<std::string> frontier{name};
  while (!frontier.empty()) {
    const std::string at = frontier.back();
    frontier.pop_back();
    for (const auto& [n, child] : children_) {
      const auto& after = child->record().policy->after;
      const bool depends = std::any_of(after.begin(), after.end(),
                                       [&](const Dependency& d) { return d.name == at; });
      if (depends && n != name && std::find(out.begin(), out.end(), n) == out.end()) {
        out.push_back(n);
        frontier.push_back(n);
      }
    }
  }
  return out;
}

struct Supervisor::StopPlan {
  StopRequest why = StopRequest::user;
  std::set<std::string> pending;    // not yet asked to stop
  std::set<std::string> in_flight;  // asked, not yet stopped
  std::function<void(std::string)> each;
  std::function<void()> done;
  bool finished = false;
};

void Supervisor::stop_in_order(std::vector<std::string> names, StopRequest why,
                               const std::function<void(std::string)>& each,
                               const std::function<void()>& done) {
  auto plan = std::make_shared<StopPlan>();
  plan->why = why;
  plan->pending = std::set<std::string>(names.begin(), names.end());
  plan->each = each;
  plan->done = done;
  advance_stops(plan);
}

// Asks every pending name that nothing pending or still stopping depends on. The names they
// depend on are gathered once a call: linear in the plan, not in the plan times every child.
void Supervisor::advance_stops(const std::shared_ptr<StopPlan>& plan) {
  std::vector<std::string> ready;
  if (!plan->pending.empty()) {
    std::set<std::string_view> depended_on;
    for (const auto* names : {&plan->pending, &plan->in_flight}) {
      for (const auto& other : *names) {
        const Child* child = find(other);
        if (child == nullptr) continue;
        for (const Dependency& d : child->record().policy->after) {
          if (d.name != other) depended_on.insert(d.name);
        }
      }
    }
    for (const auto& n : plan->pending) {
      if (!depended_on.contains(n)) ready.push_back(n);
    }
  }
  // Nothing unblocked but names remain: a cycle left by an older file; stop them anyway.
  if (ready.empty() && !plan->pending.empty() && plan->in_flight.empty()) {
    ready.assign(plan->pending.begin(), plan->pending.end());
  }
  for (const auto& n : ready) {
    plan->pending.erase(n);
    Child* child = find(n);
    if (child == nullptr) continue;
    if (child->phase() == Phase::waiting) child->cancel_waiting();
    child->cancel_backoff();
    if (!child->online()) {
      if (plan->why == StopRequest::user) (void)child->record_user_stop();  // retried on failure
      if (plan->each) plan->each(n);
      continue;
    }
    plan->in_flight.insert(n);
    child->add_stop_waiter([this, plan, n] {
      plan->in_flight.erase(n);
      if (plan->each) plan->each(n);
      advance_stops(plan);
    });
    // A stop the user asked for stays the user's (no resurrect at the next start); one that
    // was half of a restart becomes the daemon's, so the next bgod starts it again.
    const StopRequest request =
        child->stop_request() == StopRequest::user ? StopRequest::user : plan->why;
    child->request_stop(request, false, child->stop_timeout());
  }
  if (plan->pending.empty() && plan->in_flight.empty() && !plan->finished) {
    plan->finished = true;
    if (plan->done) plan->done();
  }
}

}  // namespace bgo::daemon
