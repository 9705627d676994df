// SPDX-License-Identifier: MIT
// saved_app() and its parts: `get` replies back into a bgo.yaml's processes.
#include "client/app/saved_app.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <set>

#include <boost/json.hpp>

#include "common/name.hpp"
#include "proto/policy_codec.hpp"

namespace bgo::app {

namespace json = boost::json;

namespace {

std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

const json::object* object_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

std::optional<int64_t> int_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  boost::system::error_code ec;
  const auto n = v->to_number<int64_t>(ec);
  return ec ? std::nullopt : std::optional<int64_t>(n);
}

// "K=V" strings of `o[key]` (null or missing: none); false when it is not such a list.
bool strings_of(const json::object& o, std::string_view key, std::vector<std::string>& out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return true;
  if (!v->is_array()) return false;
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) return false;
    out.emplace_back(item.get_string());
  }
  return true;
}

std::map<std::string, std::string> env_map(const std::vector<std::string>& entries) {
  std::map<std::string, std::string> out;
  for (const auto& kv : entries) {
    const std::size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    out.insert_or_assign(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return out;
}

// What the shell sets anew for each command it runs: in a file it would only be noise.
bool is_shell_variable(std::string_view key) {
  return key == "PWD" || key == "OLDPWD" || key == "SHLVL" || key == "_";
}

Error unreadable(const std::string& name, const std::string& what) {
  return make_error(Errc::invalid_params,
                    "cannot save '" + name + "': bgod's description has " + what);
}

// The name's instance number (`api:10` -> 10), -1 without one; `base` gets the rest.
int64_t instance_of(const std::string& name, std::string& base) {
  const std::size_t colon = name.rfind(':');
  base = name;
  if (colon == std::string::npos || colon + 1 == name.size() || name.size() - colon > 7) return -1;
  const std::string digits = name.substr(colon + 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  base = name.substr(0, colon);
  return std::strtoll(digits.c_str(), nullptr, 10);
}

// Name order, but the instances of one name by number, as `instances: N` lists them.
bool file_order(const ProcessSpec& a, const ProcessSpec& b) {
  std::string base_a, base_b;
  const int64_t ia = instance_of(a.name, base_a);
  const int64_t ib = instance_of(b.name, base_b);
  if (base_a != base_b) return base_a < base_b;
  if (ia != ib) return ia < ib;
  return a.name < b.name;
}

}  // namespace

std::map<std::string, std::string> env_difference(const std::vector<std::string>& recorded,
                                                  const std::vector<std::string>& current) {
  const auto now = env_map(current);
  std::map<std::string, std::string> out;
  for (auto& [key, value] : env_map(recorded)) {
    if (is_shell_variable(key)) continue;
    const auto found = now.find(key);
    if (found == now.end() || found->second != value) out.emplace(key, value);
  }
  return out;
}

bool saved_by_default(const json::object& row) {
  if (text_of(row, "status") != "stopped") return true;  // online, waiting
  const std::string reason = text_of(row, "stop_reason");
  return !reason.empty() && reason != "user";
}

Result<ProcessSpec> process_from_detail(const json::object& detail,
                                        const std::vector<std::string>& current_env) {
  ProcessSpec spec;
  spec.name = text_of(detail, "name");
  if (spec.name.empty()) return unreadable("?", "no name");
  if (!strings_of(detail, "command", spec.command) || spec.command.empty()) {
    return unreadable(spec.name, "no command");
  }
  spec.cwd = text_of(detail, "cwd");
  if (spec.cwd.empty()) spec.cwd = "/";  // where bgod runs a process started without one
  std::vector<std::string> env;
  if (!strings_of(detail, "env", env))
    return unreadable(spec.name, "an environment that is not a list");
  spec.env = env_difference(env, current_env);

  if (const json::object* settings = object_of(detail, "settings")) {
    auto policy = proto::parse_policy(*settings);
    if (!policy) return unreadable(spec.name, "settings it cannot read: " + policy.error().message);
    spec.policy = std::move(*policy);
  }
  // The watch block is what restarts a process, whatever `restart` was asked for at start:
  // `bgo unwatch` or `restart: never` disable it. A block without a policy (`bgo start -w`)
  // restarts on every exit, as `restart: always` does.
  const json::object* watch = object_of(detail, "watch");
  const json::value* enabled = watch != nullptr ? watch->if_contains("enabled") : nullptr;
  spec.watch = enabled != nullptr && enabled->is_bool() && enabled->get_bool();
  if (spec.watch) {
    if (!spec.policy.restart || *spec.policy.restart == RestartPolicy::never) {
      spec.policy.restart = RestartPolicy::always;
    }
    spec.interval = int_of(*watch, "interval");
    spec.min_uptime = int_of(*watch, "min_uptime");
    const std::string mode = text_of(*watch, "on_fast_crash");
    if (!mode.empty()) spec.on_fast_crash = mode;
  } else {
    spec.policy.restart = RestartPolicy::never;
  }

  if (const json::object* logs = object_of(detail, "log_options")) {
    LogOptions options;
    if (auto size = int_of(*logs, "max_size"); size && *size >= 0) {
      options.max_size = static_cast<uint64_t>(*size);
    }
    if (auto files = int_of(*logs, "files"); files && *files >= 0) options.files = *files;
    const json::value* time = logs->if_contains("timestamps");
    options.timestamps = time != nullptr && time->is_bool() && time->get_bool();
    spec.logs = options;
  }
  if (auto autostart = parse_autostart_policy(text_of(detail, "autostart"))) {
    spec.autostart = *autostart;
  }
  return spec;
}

std::string saved_project(const std::vector<json::object>& details,
                          const std::filesystem::path& folder) {
  std::set<std::string> projects;
  for (const auto& d : details) projects.insert(text_of(d, "project"));
  if (projects.size() == 1 && !projects.begin()->empty()) return *projects.begin();
  const std::string name = folder.filename().string();
  return is_valid_name(name) && name != "all" ? name : "app";
}

std::vector<std::string> with_dependencies(
    const std::vector<std::string>& selected,
    const std::function<const json::object*(const std::string&)>& detail_of) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::vector<std::string> queue(selected.begin(), selected.end());
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const std::string name = queue[i];  // a copy: the queue grows below
    if (!seen.insert(name).second) continue;
    const json::object* detail = detail_of(name);
    if (detail == nullptr) continue;
    out.push_back(name);
    const json::object* settings = object_of(*detail, "settings");
    const json::value* after = settings != nullptr ? settings->if_contains("after") : nullptr;
    if (after == nullptr || !after->is_array()) continue;
    for (const auto& dep : after->get_array()) {
      if (dep.is_object()) queue.push_back(text_of(dep.get_object(), "name"));
    }
  }
  return out;
}

Result<SavedApp> saved_app(const std::vector<json::object>& details,
                           const std::vector<std::string>& current_env,
                           const std::filesystem::path& folder) {
  SavedApp out;
  out.app.project = saved_project(details, folder);
  out.app.file = (folder / "bgo.yaml").string();
  std::set<std::string> names;
  for (const auto& d : details) {
    auto spec = process_from_detail(d, current_env);
    if (!spec) return spec.error();
    names.insert(spec->name);
    out.app.processes.push_back(std::move(*spec));
  }
  for (auto& p : out.app.processes) {
    std::erase_if(p.policy.after, [&](const Dependency& d) {
      if (names.contains(d.name)) return false;
      out.notes.push_back("'" + p.name + "' depends on '" + d.name +
                          "', which is not registered: that dependency is left out");
      return true;
    });
  }
  std::stable_sort(out.app.processes.begin(), out.app.processes.end(), file_order);
  return out;
}

}  // namespace bgo::app
