// SPDX-License-Identifier: MIT
#include "client/app/up_progress.hpp"

#include <algorithm>
#include <unordered_set>

#include <boost/json.hpp>

namespace bgo::app {

namespace json = boost::json;

namespace {

std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<int64_t> int_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->get_int64();
}

}  // namespace

std::string_view to_string(UpState state) {
  switch (state) {
    case UpState::pending:
      return "pending";
    case UpState::waiting:
      return "waiting";
    case UpState::starting:
      return "starting";
    case UpState::started:
      return "started";
    case UpState::ready:
      return "ready";
    case UpState::completed:
      return "completed";
    case UpState::kept:
      return "unchanged";
    case UpState::failed:
      return "failed";
  }
  return "pending";
}

bool is_final(UpState state) {
  return state == UpState::started || state == UpState::ready || state == UpState::completed ||
         state == UpState::kept || state == UpState::failed;
}

UpTracker::UpTracker(const UpPlan& plan) {
  for (const auto& step : plan.steps) {
    UpEntry e;
    e.name = step.name;
    e.action = step.action;
    e.state = step.action == UpAction::keep ? UpState::kept : UpState::pending;
    e.detail = step.action == UpAction::keep ? step.why : "";
    const ProcessPolicy& policy = step.process->policy;
    e.needs_ready = policy.ready.has_value();
    e.watched = step.process->watch || (policy.restart && policy.restart != RestartPolicy::never);
    for (const auto& d : policy.after) e.after.push_back(d.name);
    if (policy.success_codes) e.success_codes = *policy.success_codes;
    index_.emplace(e.name, entries_.size());
    entries_.push_back(std::move(e));
  }
}

UpEntry* UpTracker::find(const std::string& name) {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

const UpEntry* UpTracker::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

void UpTracker::set(UpEntry& e, UpState state, std::string detail,
                    std::chrono::steady_clock::time_point now) {
  if (e.state == state && e.detail == detail) return;
  if (e.state != state) e.since = now;
  e.state = state;
  e.detail = std::move(detail);
  ++version_;
}

void UpTracker::arm(const std::string& name, std::chrono::steady_clock::time_point now) {
  if (UpEntry* e = find(name)) {
    e->armed = true;
    e->since = now;
  }
}

void UpTracker::on_start_result(const std::string& name, const json::object& result,
                                std::chrono::steady_clock::time_point now) {
  UpEntry* e = find(name);
  if (e == nullptr || e->state != UpState::pending) return;  // events came first
  const int64_t pid = int_of(result, "pid").value_or(0);
  if (pid > 0) {
    set(*e, e->needs_ready ? UpState::starting : UpState::started, "pid " + std::to_string(pid),
        now);
    return;
  }
  std::string waiting;
  if (const json::value* w = result.if_contains("waiting_for"); w != nullptr && w->is_array()) {
    for (const auto& item : w->get_array()) {
      if (!item.is_string()) continue;
      waiting += (waiting.empty() ? "" : ", ") + std::string(item.get_string());
    }
  }
  set(*e, UpState::waiting, waiting, now);
}

void UpTracker::on_start_error(const std::string& name, const Error& error,
                               std::chrono::steady_clock::time_point now) {
  UpEntry* e = find(name);
  if (e == nullptr) return;
  // A one-shot may be done before the start's 100 ms probe: an exit with a success code (and no
  // readiness to wait for) is its success, as it is after the probe.
  if (error.code == Errc::exited_at_once && error.exit && error.exit->code && !e->needs_ready &&
      std::find(e->success_codes.begin(), e->success_codes.end(), *error.exit->code) !=
          e->success_codes.end()) {
    set(*e, UpState::completed, error.exit->describe(), now);
    return;
  }
  // The answer beats an event about the same failure (`exited` before a -32006): it says more.
  set(*e, UpState::failed, error.message, now);
}

void UpTracker::on_event(const json::object& event, std::chrono::steady_clock::time_point now) {
  UpEntry* e = find(text_of(event, "name"));
  // A failure is final: what follows it (the exit after `unready`) is its consequence.
  if (e == nullptr || !e->armed || e->state == UpState::kept || e->state == UpState::failed) {
    return;
  }
  const std::string kind = text_of(event, "kind");
  const std::string reason = text_of(event, "reason");
  const auto pid = int_of(event, "pid");
  const std::string pid_text = pid ? "pid " + std::to_string(*pid) : "";
  if (kind == "spawned") {
    set(*e, e->needs_ready ? UpState::starting : UpState::started, pid_text, now);
  } else if (kind == "waiting") {
    set(*e, UpState::waiting, reason, now);
  } else if (kind == "ready") {
    set(*e, UpState::ready, pid_text, now);
  } else if (kind == "unready" || kind == "errored") {
    set(*e, UpState::failed, reason, now);
  } else if (kind == "stopped" || kind == "deleted") {
    set(*e, UpState::failed, kind == "deleted" ? "deleted meanwhile" : "stopped meanwhile", now);
  } else if (kind == "exited") {
    const auto code = int_of(event, "exit_code");
    const bool success = code && std::find(e->success_codes.begin(), e->success_codes.end(),
                                           *code) != e->success_codes.end();
    if (success && (!e->needs_ready || e->state == UpState::ready)) {
      set(*e, UpState::completed, reason, now);
    } else if (e->watched) {
      set(*e, UpState::starting, "restarting after " + reason, now);
    } else {
      set(*e, UpState::failed, "exited (" + reason + ")", now);
    }
  }
}

bool UpTracker::blocked(const UpEntry& e) const {
  std::vector<const UpEntry*> todo{&e};
  std::unordered_set<std::string> seen;
  while (!todo.empty()) {
    const UpEntry* current = todo.back();
    todo.pop_back();
    for (const auto& dep : current->after) {
      if (!seen.insert(dep).second) continue;
      const UpEntry* found = find(dep);
      if (found == nullptr) continue;
      if (found->state == UpState::failed) return true;
      todo.push_back(found);
    }
  }
  return false;
}

bool UpTracker::done() const {
  return std::all_of(entries_.begin(), entries_.end(), [this](const UpEntry& e) {
    return is_final(e.state) || (e.state == UpState::waiting && blocked(e));
  });
}

std::vector<std::string> UpTracker::failed() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) {
    if (e.state == UpState::failed || (e.state == UpState::waiting && blocked(e))) {
      out.push_back(e.name);
    }
  }
  return out;
}

}  // namespace bgo::app
