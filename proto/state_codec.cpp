// SPDX-License-Identifier: MIT
// State-file parsing and serialization.
#include "proto/state_codec.hpp"

#include <memory>

#include <boost/json.hpp>

#include "proto/policy_codec.hpp"
#include "proto/python_json.hpp"

namespace bgo::proto {

namespace json = boost::json;

namespace {

std::optional<int64_t> opt_int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  return std::nullopt;
}

std::optional<std::string> opt_string(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

bool opt_bool(const json::object& o, std::string_view key, bool fallback) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_bool() ? v->as_bool() : fallback;
}

std::optional<std::vector<std::string>> opt_strings(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const json::value& item : v->as_array()) {
    if (!item.is_string()) return std::nullopt;
    out.emplace_back(item.as_string());
  }
  return out;
}

constexpr std::string_view k_watch_keys[] = {
    "enabled",  "interval",        "min_uptime", "on_fast_crash", "watcher_pid",     "watcher_pgid",
    "restarts", "last_restart_at", "errored",    "error_reason",  "last_stderr_tail"};
constexpr std::string_view k_record_keys[] = {
    "name",        "pid",       "pgid",        "command",   "cwd",         "started_at",
    "status",      "autostart", "pid_start",   "watch",     "stop_reason", "stopped_at",
    "start_ticks", "exit_code", "exit_signal", "out_pipe",  "err_pipe",    "invocation",
    "env",         "logs",      "project",     "definition"};

template <size_t N>
ExtraFields extras(const json::object& o, const std::string_view (&known)[N],
                   bool policy_known = false) {
  ExtraFields out;
  for (const auto& kv : o) {
    bool is_known = policy_known && is_policy_key(kv.key());
    for (std::string_view k : known) is_known = is_known || kv.key() == k;
    if (!is_known) out.emplace_back(std::string(kv.key()), json::serialize(kv.value()));
  }
  return out;
}

void put_extras(json::object& o, const ExtraFields& extra) {
  for (const auto& [key, text] : extra) {
    json::error_code ec;
    json::value v = json::parse(text, ec);
    if (!ec) o[key] = std::move(v);
  }
}

json::value opt_value(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}
json::value opt_value(const std::optional<int64_t>& i) {
  return i ? json::value(*i) : json::value(nullptr);
}

WatchBlock parse_watch(const json::object& o) {
  WatchBlock w;
  w.enabled = opt_bool(o, "enabled", true);
  w.interval = opt_int(o, "interval").value_or(3);
  w.min_uptime = opt_int(o, "min_uptime").value_or(2);
  w.on_fast_crash = opt_string(o, "on_fast_crash").value_or("backoff");
  w.restarts = opt_int(o, "restarts").value_or(0);
  w.last_restart_at = opt_string(o, "last_restart_at");
  w.errored = opt_bool(o, "errored", false);
  WatchRare rare;
  rare.watcher_pid = opt_int(o, "watcher_pid");
  rare.watcher_pgid = opt_int(o, "watcher_pgid");
  rare.error_reason = opt_string(o, "error_reason");
  rare.last_stderr_tail = opt_string(o, "last_stderr_tail");
  rare.extra = extras(o, k_watch_keys);
  w.rare = std::move(rare);  // allocated only if any of these is set
  return w;
}

}  // namespace

Result<ProcessRecord> parse_state(std::string_view text, std::string_view fallback_name) {
  json::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return make_error(Errc::io_error, "invalid JSON: " + ec.message());
  if (!root.is_object()) return make_error(Errc::io_error, "top-level JSON is not an object");
  const json::object& o = root.as_object();
  ProcessRecord r;
  r.name = opt_string(o, "name").value_or(std::string(fallback_name));
  r.pid = opt_int(o, "pid");
  r.pgid = opt_int(o, "pgid");
  r.has_pgid = o.contains("pgid");
  auto command = opt_strings(o, "command");
  if (!command) return make_error(Errc::io_error, "missing or invalid \"command\"");
  r.command = std::move(*command);
  r.cwd = opt_string(o, "cwd");
  r.started_at = opt_string(o, "started_at");
  // A status this version does not know counts as stopped (only "running" is ever adopted);
  // an unknown stop reason as a crash (it is not a stop the user asked for), an unknown
  // autostart policy as none given.
  r.status =
      parse_record_status(opt_string(o, "status").value_or("")).value_or(RecordStatus::stopped);
  if (auto a = opt_string(o, "autostart")) r.autostart = parse_autostart_policy(*a);
  r.pid_start = opt_string(o, "pid_start");
  if (const json::value* w = o.if_contains("watch");
      w != nullptr && w->is_object() && !w->as_object().empty()) {
    r.watch = parse_watch(w->as_object());
  }
  if (auto s = opt_string(o, "stop_reason")) {
    r.stop_reason = parse_stop_reason(*s).value_or(StopReason::crashed);
  }
  r.stopped_at = opt_string(o, "stopped_at");
  if (auto t = opt_int(o, "start_ticks"); t && *t >= 0) r.start_ticks = static_cast<uint64_t>(*t);
  r.exit_code = opt_int(o, "exit_code");
  r.exit_signal = opt_int(o, "exit_signal");
  if (auto t = opt_int(o, "out_pipe"); t && *t > 0) r.out_pipe = static_cast<uint64_t>(*t);
  if (auto t = opt_int(o, "err_pipe"); t && *t > 0) r.err_pipe = static_cast<uint64_t>(*t);
  r.invocation = opt_string(o, "invocation");
  if (auto env = opt_strings(o, "env")) {
    r.env = make_env(std::move(*env));
  }
  if (const json::value* l = o.if_contains("logs"); l != nullptr && l->is_object()) {
    const json::object& lo = l->as_object();
    LogOptions opts;
    if (auto v = opt_int(lo, "max_size"); v && *v >= 0) opts.max_size = static_cast<uint64_t>(*v);
    if (auto v = opt_int(lo, "files"); v && *v >= 0) opts.files = *v;
    opts.timestamps = opt_bool(lo, "timestamps", false);
    r.logs = opts;
  }
  // Health and order settings: a file whose settings this version cannot read keeps them as
  // unknown keys (written back as they were) and runs without them.
  auto policy = parse_policy(o);
  if (policy) r.policy = std::move(*policy);
  r.project = opt_string(o, "project");
  r.definition = opt_string(o, "definition");
  r.extra = extras(o, k_record_keys, static_cast<bool>(policy));
  return r;
}

json::object to_json(const WatchBlock& w) {
  json::object o;
  o["enabled"] = w.enabled;
  o["interval"] = w.interval;
  o["min_uptime"] = w.min_uptime;
  o["on_fast_crash"] = w.on_fast_crash;
  o["watcher_pid"] = opt_value(w.rare->watcher_pid);
  o["watcher_pgid"] = opt_value(w.rare->watcher_pgid);
  o["restarts"] = w.restarts;
  o["last_restart_at"] = opt_value(w.last_restart_at);
  o["errored"] = w.errored;
  o["error_reason"] = opt_value(w.rare->error_reason);
  o["last_stderr_tail"] = opt_value(w.rare->last_stderr_tail);
  put_extras(o, w.rare->extra);
  return o;
}

json::object to_json(const ProcessRecord& r) {
  json::object o;
  o["name"] = r.name;
  o["pid"] = opt_value(r.pid);
  if (r.has_pgid) o["pgid"] = opt_value(r.pgid);
  json::array command;
  for (const auto& arg : r.command) command.emplace_back(arg);
  o["command"] = std::move(command);
  o["cwd"] = opt_value(r.cwd);
  o["started_at"] = opt_value(r.started_at);
  o["status"] = to_string(r.status);
  if (r.autostart) o["autostart"] = to_string(*r.autostart);
  if (r.pid_start) o["pid_start"] = *r.pid_start;
  if (r.watch) o["watch"] = to_json(*r.watch);
  if (r.stop_reason) o["stop_reason"] = to_string(*r.stop_reason);
  if (r.stopped_at) o["stopped_at"] = *r.stopped_at;
  if (r.start_ticks) o["start_ticks"] = *r.start_ticks;
  if (r.exit_code) o["exit_code"] = *r.exit_code;
  if (r.exit_signal) o["exit_signal"] = *r.exit_signal;
  if (r.out_pipe) o["out_pipe"] = *r.out_pipe;
  if (r.err_pipe) o["err_pipe"] = *r.err_pipe;
  if (r.invocation) o["invocation"] = *r.invocation;
  if (r.env) {
    json::array env;
    for (const auto& kv : *r.env) env.emplace_back(kv);
    o["env"] = std::move(env);
  }
  if (r.logs) {
    o["logs"] = json::object{{"max_size", r.logs->max_size},
                             {"files", r.logs->files},
                             {"timestamps", r.logs->timestamps}};
  }
  put_policy(o, *r.policy);
  if (r.project) o["project"] = *r.project;
  if (r.definition) o["definition"] = *r.definition;
  put_extras(o, r.extra);
  return o;
}

std::string serialize_state(const ProcessRecord& record) {
  return python_json_dumps(json::value(to_json(record)), 2);
}

}  // namespace bgo::proto
