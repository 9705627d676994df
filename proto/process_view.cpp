// SPDX-License-Identifier: MIT
// row_json / detail_json.
#include "proto/process_view.hpp"

#include <cstdlib>
#include <string_view>
#include <sys/stat.h>

#include <boost/json.hpp>

#include "proto/policy_codec.hpp"
#include "proto/state_codec.hpp"

namespace bgo::proto {

namespace json = boost::json;

namespace {

template <class T>
json::value opt(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::value log_entry(const Paths& paths, const std::string& name, LogStream stream) {
  const auto path = paths.log_file(name, stream);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return nullptr;
  if (stream == LogStream::watcher && st.st_size == 0) return nullptr;
  return json::object{{"path", path.string()}, {"size", static_cast<int64_t>(st.st_size)}};
}

// Seconds from ps's etime text `[[dd-]hh:]mm:ss`; null for "-" or anything else.
json::value etime_seconds(const std::string& text) {
  int64_t days = 0;
  std::string_view rest(text);
  if (const auto dash = rest.find('-'); dash != std::string_view::npos) {
    days = std::strtoll(std::string(rest.substr(0, dash)).c_str(), nullptr, 10);
    rest.remove_prefix(dash + 1);
  }
  int64_t total = 0;
  int parts = 0;
  for (;;) {
    const auto colon = rest.find(':');
    const std::string part(rest.substr(0, colon));
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return nullptr;
    total = total * 60 + std::strtoll(part.c_str(), nullptr, 10);
    ++parts;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  if (parts < 2) return nullptr;
  return days * 86400 + total;
}

json::value percent(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end == text.c_str() || *end != '\0') return nullptr;
  return v;
}

// The index of `key` in k_row_keys, found at compile time (a typo does not compile).
consteval std::size_t key(std::string_view name) {
  for (std::size_t i = 0; i < k_row_keys.size(); ++i) {
    if (k_row_keys[i] == name) return i;
  }
  std::abort();  // not a row key: a call to a function that is not constexpr fails to compile
}

}  // namespace

std::optional<std::size_t> row_key_index(std::string_view name) {
  for (std::size_t i = 0; i < k_row_keys.size(); ++i) {
    if (k_row_keys[i] == name) return i;
  }
  return std::nullopt;
}

bool needs_usage(const RowKeys& keys) {
  return keys.test(key("cpu")) || keys.test(key("mem")) || keys.test(key("uptime")) ||
         keys.test(key("cpu_percent")) || keys.test(key("memory_bytes")) ||
         keys.test(key("uptime_seconds"));
}

json::object row_json(const ProcessRecord& r, bool online, const UsageText& usage,
                      const HealthView& health, const RowKeys* keys) {
  const auto want = [keys](std::size_t k) { return keys == nullptr || keys->test(k); };
  json::object o;
  o["name"] = r.name;
  if (want(key("pid"))) o["pid"] = opt(r.pid);
  if (want(key("status")))
    o["status"] = online ? "online" : (health.waiting ? "waiting" : "stopped");
  if (want(key("cpu"))) o["cpu"] = online ? usage.cpu : "-";
  if (want(key("mem"))) o["mem"] = online ? usage.mem : "-";
  if (want(key("uptime"))) o["uptime"] = online ? usage.uptime : "-";
  if (want(key("command"))) {
    json::array command;
    for (const auto& a : r.command) command.emplace_back(a);
    o["command"] = std::move(command);
  }
  if (want(key("cwd"))) o["cwd"] = opt(r.cwd);
  if (want(key("started_at"))) o["started_at"] = opt(r.started_at);
  if (want(key("watch")))
    o["watch"] = r.watch ? json::value(to_json(*r.watch)) : json::value(nullptr);
  // Added by the C++ bgo (issue #13), after the original's keys: how it last stopped, and the
  // numbers behind the display strings.
  if (want(key("stop_reason"))) {
    o["stop_reason"] =
        r.stop_reason ? json::value(to_string(*r.stop_reason)) : json::value(nullptr);
  }
  if (want(key("exit_code"))) o["exit_code"] = opt(r.exit_code);
  if (want(key("exit_signal"))) o["exit_signal"] = opt(r.exit_signal);
  if (want(key("running_pid"))) o["running_pid"] = online ? opt(r.pid) : json::value(nullptr);
  if (want(key("cpu_percent")))
    o["cpu_percent"] = online ? percent(usage.cpu) : json::value(nullptr);
  if (want(key("memory_bytes"))) {
    o["memory_bytes"] =
        online && usage.rss_bytes ? json::value(*usage.rss_bytes) : json::value(nullptr);
  }
  if (want(key("uptime_seconds"))) {
    o["uptime_seconds"] = online ? etime_seconds(usage.uptime) : json::value(nullptr);
  }
  if (want(key("restarts"))) o["restarts"] = r.watch ? r.watch->restarts : 0;
  // Only for a process that has checks or dependencies: every other row keeps exactly the
  // keys it always had.
  const ProcessPolicy& p = *r.policy;
  if (p.ready || p.live || p.watchdog_ms || !p.after.empty() || health.waiting) {
    if (want(key("ready"))) o["ready"] = opt(health.ready);
    if (want(key("health"))) o["health"] = opt(health.health);
    if (want(key("health_detail"))) o["health_detail"] = opt(health.detail);
    if (want(key("waiting_for"))) {
      json::array waiting_for;
      for (const auto& w : health.waiting_for) waiting_for.emplace_back(w);
      o["waiting_for"] = std::move(waiting_for);
    }
  }
  // Only for a process of a project (`bgo up`).
  if (r.project) {
    if (want(key("project"))) o["project"] = *r.project;
    if (want(key("definition"))) o["definition"] = opt(r.definition);
  }
  return o;
}

json::object detail_json(const ProcessRecord& r, bool online, const UsageText& usage,
                         const Paths& paths, const HealthView& health) {
  json::object o = row_json(r, online, usage, health);
  if (r.has_pgid) o["pgid"] = opt(r.pgid);
  o["autostart"] = to_string(r.autostart_policy());
  o["logs"] = json::object{{"stdout", log_entry(paths, r.name, LogStream::out)},
                           {"stderr", log_entry(paths, r.name, LogStream::err)},
                           {"watcher", log_entry(paths, r.name, LogStream::watcher)}};
  o["stopped_at"] = opt(r.stopped_at);
  if (r.env) {
    json::array env;
    for (const auto& kv : *r.env) env.emplace_back(kv);
    o["env"] = std::move(env);
  } else {
    o["env"] = nullptr;
  }
  // The health and order settings, under their state-file names, in one object of their own
  // (the row's `ready` is the readiness state, not the check).
  if (!r.policy->empty()) {
    json::object settings;
    put_policy(settings, *r.policy);
    o["settings"] = std::move(settings);
  }
  // The log options given at start (the state file's `logs`), for `bgo save`; null: bgod's.
  o["log_options"] = r.logs ? json::value(json::object{{"max_size", r.logs->max_size},
                                                       {"files", r.logs->files},
                                                       {"timestamps", r.logs->timestamps}})
                            : json::value(nullptr);
  return o;
}

}  // namespace bgo::proto
