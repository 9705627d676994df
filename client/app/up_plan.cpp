// SPDX-License-Identifier: MIT
#include "client/app/up_plan.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <boost/json.hpp>

#include "client/app/app_document.hpp"
#include "proto/policy_codec.hpp"

namespace bgo::app {

namespace json = boost::json;

namespace {

std::optional<std::string> opt_string(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

// The instance names of `name` in the file: itself, or api:0, api:1 ... for `api`.
std::vector<const ProcessSpec*> matching(const AppSpec& app, const std::string& name) {
  std::vector<const ProcessSpec*> out;
  for (const auto& p : app.processes) {
    if (p.name == name) return {&p};
    const std::size_t colon = p.name.rfind(':');
    if (colon != std::string::npos && p.name.compare(0, colon, name) == 0 && colon == name.size()) {
      out.push_back(&p);
    }
  }
  return out;
}

// A one-shot that ended well stays as it is: running it again is not what a second `up` is for.
bool completed(const ProcessSpec& p, const Registered& r) {
  if (p.policy.restart != RestartPolicy::never || r.status != "stopped") return false;
  if (r.stop_reason != "crashed" && r.stop_reason != "exited") return false;
  return r.exit_code && p.policy.is_success(*r.exit_code);
}

}  // namespace

Registered registered_from_row(const json::object& row) {
  Registered r;
  r.name = opt_string(row, "name").value_or("");
  r.project = opt_string(row, "project");
  r.definition = opt_string(row, "definition");
  r.status = opt_string(row, "status").value_or("stopped");
  r.stop_reason = opt_string(row, "stop_reason");
  if (const json::value* c = row.if_contains("exit_code"); c != nullptr && c->is_int64()) {
    r.exit_code = c->get_int64();
  }
  return r;
}

std::string_view to_string(UpAction action) {
  switch (action) {
    case UpAction::start:
      return "start";
    case UpAction::restart:
      return "restart";
    case UpAction::keep:
      return "keep";
  }
  return "start";
}

std::string definition_hash(const ProcessSpec& process) {
  AppSpec one;
  one.processes.push_back(process);
  const json::object document = to_document(one);
  const std::string text = json::serialize(document.at("processes").at(process.name));
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  static constexpr std::string_view k_digits = "0123456789abcdef";
  std::string hex(16, '0');
  for (std::size_t i = 16; i-- > 0; hash >>= 4U) hex[i] = k_digits[hash & 0xfU];
  return hex;
}

UpPlan plan_up(const AppSpec& app, const std::vector<Registered>& registered,
               const UpSelection& selection) {
  std::map<std::string, const ProcessSpec*> by_name;
  for (const auto& p : app.processes) by_name.emplace(p.name, &p);

  // The selection, with its dependencies unless --no-deps.
  std::set<std::string> chosen;
  if (selection.names.empty()) {
    for (const auto& p : app.processes) chosen.insert(p.name);
  } else {
    std::vector<const ProcessSpec*> todo;
    for (const auto& name : selection.names) {
      auto found = matching(app, name);
      if (found.empty()) {
        throw std::invalid_argument("no process '" + name + "' in " + app.file);
      }
      todo.insert(todo.end(), found.begin(), found.end());
    }
    while (!todo.empty()) {
      const ProcessSpec* p = todo.back();
      todo.pop_back();
      if (!chosen.insert(p->name).second || !selection.with_dependencies) continue;
      for (const auto& d : p->policy.after) {
        if (auto it = by_name.find(d.name); it != by_name.end()) todo.push_back(it->second);
      }
    }
  }

  std::map<std::string, const Registered*> known;
  for (const auto& r : registered) known.emplace(r.name, &r);

  UpPlan plan;
  // Dependencies first: a depth-first walk in file order (the file has no cycle), each
  // process placed after its last dependency. A stack, not recursion: chains may be long.
  std::set<std::string> placed;
  std::vector<const ProcessSpec*> order;
  for (const auto& root : app.processes) {
    if (chosen.count(root.name) == 0 || !placed.insert(root.name).second) continue;
    std::vector<std::pair<const ProcessSpec*, std::size_t>> stack{{&root, 0}};
    while (!stack.empty()) {
      auto& [p, next] = stack.back();
      if (next == p->policy.after.size()) {
        order.push_back(p);
        stack.pop_back();
        continue;
      }
      const std::string& dep = p->policy.after[next++].name;
      auto it = by_name.find(dep);
      if (it != by_name.end() && chosen.count(dep) != 0 && placed.insert(dep).second) {
        stack.emplace_back(it->second, 0);
      }
    }
  }

  for (const ProcessSpec* p : order) {
    UpStep step{p->name, UpAction::start, "new", p, definition_hash(*p)};
    if (auto it = known.find(p->name); it != known.end()) {
      const Registered& r = *it->second;
      if (r.project != app.project) {
        plan.clashes.push_back(r.project ? "Process '" + p->name + "' belongs to project '" +
                                               *r.project + "'"
                                         : "Process '" + p->name +
                                               "' exists outside the project (started by "
                                               "hand): delete it or rename it in the file");
        continue;
      }
      const bool running = r.status == "online" || r.status == "waiting";
      if (r.definition != step.definition) {
        step.action = UpAction::restart;
        step.why = running ? "definition changed" : "definition changed, stopped";
      } else if (running) {
        step.action = UpAction::keep;
        step.why = r.status == "waiting" ? "waiting" : "running";
      } else if (completed(*p, r)) {
        step.action = UpAction::keep;
        step.why = "completed";
      } else {
        step.why = r.stop_reason == "user" ? "stopped" : "not running";
      }
    }
    plan.steps.push_back(std::move(step));
  }
  for (const auto& r : registered) {
    if (r.project == app.project && by_name.count(r.name) == 0) plan.orphans.push_back(r.name);
  }
  return plan;
}

json::object start_params(const ProcessSpec& process, const std::string& project,
                          const std::string& definition, const std::vector<std::string>& base) {
  json::object o;
  o["name"] = process.name;
  json::array command;
  for (const auto& a : process.command) command.emplace_back(a);
  o["command"] = std::move(command);
  o["cwd"] = process.cwd;
  // bgo's own environment, then the file's entries over it.
  std::map<std::string, std::string> merged;
  for (const auto& kv : base) {
    const std::size_t eq = kv.find('=');
    if (eq != std::string::npos && eq > 0) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [key, value] : process.env) merged[key] = value;
  json::array env;
  for (const auto& [key, value] : merged) {
    std::string kv = key;
    kv += '=';
    kv += value;
    env.emplace_back(kv);
  }
  o["env"] = std::move(env);
  o["watch"] = process.watch;
  if (process.watch) {
    if (process.interval) o["interval"] = *process.interval;
    if (process.min_uptime) o["min_uptime"] = *process.min_uptime;
    if (process.on_fast_crash) o["on_fast_crash"] = *process.on_fast_crash;
  }
  if (process.autostart) o["autostart"] = to_string(*process.autostart);
  if (process.logs) {
    o["max_log_size"] = process.logs->max_size;
    o["log_files"] = process.logs->files;
    o["time"] = process.logs->timestamps;
  }
  proto::put_policy(o, process.policy);
  o["project"] = project;
  o["definition"] = definition;
  return o;
}

std::vector<std::vector<std::string>> stop_waves(
    const std::vector<std::string>& names, const std::vector<std::vector<std::string>>& after) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < names.size(); ++i) index.emplace(names[i], i);
  // level(p) = 0 when nothing of `names` depends on p, else 1 + the deepest dependent's level.
  std::vector<std::size_t> level(names.size(), 0);
  // Relaxing edges at most |names| times settles every acyclic chain; a cycle stops there.
  for (std::size_t round = 0; round < names.size(); ++round) {
    bool changed = false;
    for (std::size_t i = 0; i < names.size() && i < after.size(); ++i) {
      for (const auto& dep : after[i]) {
        auto it = index.find(dep);
        if (it == index.end() || it->second == i) continue;
        if (level[it->second] < level[i] + 1 && level[i] + 1 < names.size()) {
          level[it->second] = level[i] + 1;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  std::vector<std::vector<std::string>> waves;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (waves.size() <= level[i]) waves.resize(level[i] + 1);
    waves[level[i]].push_back(names[i]);
  }
  std::erase_if(waves, [](const auto& w) { return w.empty(); });
  return waves;
}

}  // namespace bgo::app
