// SPDX-License-Identifier: MIT
// to_document / to_yaml: one JSON tree (key order = the reference's), emitted as JSON by the
// caller or as YAML here through yaml-cpp's emitter (which does the escaping).
#include "client/app/app_document.hpp"

#include <algorithm>
#include <array>
#include <csignal>
#include <string_view>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>

#include "client/app/interpolate.hpp"
#include "common/duration.hpp"
#include "common/signal_name.hpp"
#include "common/size.hpp"

namespace bgo::app {

namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

json::string text(std::string_view value) { return {escape_dollars(value)}; }
json::string duration(int64_t ms) { return {format_duration(milliseconds{ms})}; }

json::array words(const std::vector<std::string>& argv) {
  json::array out;
  for (const auto& w : argv) out.emplace_back(text(w));
  return out;
}

json::object check(const HealthCheck& c, bool live) {
  json::object o;
  switch (c.kind) {
    case CheckKind::notify:
      o["notify"] = true;
      break;
    case CheckKind::exec:
      o["exec"] = words(c.command);
      break;
    default:
      o[to_string(c.kind)] = text(c.target);
  }
  if (c.kind != CheckKind::notify && c.kind != CheckKind::log)
    o["interval"] = duration(c.interval_ms);
  o["timeout"] = duration(c.timeout_ms);
  if (live) o["failures"] = c.failures;
  return o;
}

json::object process(const ProcessSpec& p) {
  const ProcessPolicy& policy = p.policy;
  json::object o;
  o["command"] = words(p.command);
  o["cwd"] = text(p.cwd);
  json::object env;
  for (const auto& [k, v] : p.env) env[k] = text(v);
  o["env"] = std::move(env);
  if (!policy.after.empty()) {
    json::object after;
    for (const auto& d : policy.after) after[d.name] = to_string(d.condition);
    o["depends_on"] = std::move(after);
  }
  if (policy.ready) o["ready"] = check(*policy.ready, false);
  if (policy.watchdog_ms) o["watchdog"] = duration(*policy.watchdog_ms);
  if (policy.live) o["live"] = check(*policy.live, true);
  o["restart"] =
      to_string(policy.restart.value_or(p.watch ? RestartPolicy::always : RestartPolicy::never));
  json::array codes;
  for (const auto c : policy.success_codes.value_or(std::vector<int64_t>{0})) codes.emplace_back(c);
  o["success_codes"] = std::move(codes);
  if (p.watch) {
    o["watch"] = json::object{{"interval", duration(p.interval.value_or(3) * 1000)},
                              {"min_uptime", duration(p.min_uptime.value_or(2) * 1000)},
                              {"on_fast_crash", p.on_fast_crash.value_or("backoff")}};
  }
  json::object stop{{"signal", signal_name(policy.stop_signal.value_or(SIGTERM))}};
  if (policy.stop_timeout_ms) stop["timeout"] = duration(*policy.stop_timeout_ms);
  o["stop"] = std::move(stop);
  o["kill_mode"] = to_string(policy.kill_mode.value_or(KillMode::tree));
  if (policy.cron) o["cron"] = text(*policy.cron);
  if (policy.max_memory) o["max_memory"] = format_size(*policy.max_memory);
  if (p.logs) {
    o["logs"] = json::object{{"max_size", format_size(p.logs->max_size)},
                             {"files", p.logs->files},
                             {"time", p.logs->timestamps}};
  }
  o["autostart"] = to_string(p.autostart.value_or(AutostartPolicy::unless_stopped));
  return o;
}

// Would a YAML 1.1 or 1.2 reader take this plain scalar for a number, a boolean, a null or a
// date? Then it is quoted, so that every tool reads it back as the string it is. Generous:
// quoting a string that needed none costs nothing.
bool looks_typed(std::string_view s) {
  static constexpr std::array<std::string_view, 30> k_words = {
      "~",   "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
      "yes", "Yes",  "YES",  "no",   "No",   "NO",   "on",   "On",    "ON",    "off",
      "Off", "OFF",  "y",    "Y",    "n",    "N",    ".inf", ".Inf",  ".INF",  ".nan"};
  if (s.empty()) return true;
  if (std::find(k_words.begin(), k_words.end(), s) != k_words.end()) return true;
  std::string_view rest = s;
  if (rest.front() == '-' || rest.front() == '+') rest.remove_prefix(1);
  if (rest == ".inf" || rest == ".Inf" || rest == ".INF" || s == ".NaN" || s == ".NAN") return true;
  const bool numeric_start =
      !rest.empty() && ((rest[0] >= '0' && rest[0] <= '9') ||
                        (rest[0] == '.' && rest.size() > 1 && rest[1] >= '0' && rest[1] <= '9'));
  // Digits and what numbers, sexagesimals and timestamps are made of.
  return numeric_start &&
         rest.find_first_not_of("0123456789_.:+-eExXoOabcdfABCDFtTzZ ") == std::string_view::npos;
}

void emit_string(YAML::Emitter& out, const std::string& s) {
  if (looks_typed(s)) out << YAML::DoubleQuoted;
  out << s;
}

bool is_scalar(const json::value& v) { return !v.is_object() && !v.is_array(); }

// Recursion as deep as the document: four levels.
void emit(YAML::Emitter& out, const json::value& v) {  // NOLINT(misc-no-recursion)
  if (v.is_object()) {
    const auto& o = v.as_object();
    if (o.empty()) out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto& [key, value] : o) {
      out << YAML::Key;
      emit_string(out, std::string(key));
      out << YAML::Value;
      emit(out, value);
    }
    out << YAML::EndMap;
  } else if (v.is_array()) {
    const auto& a = v.as_array();
    if (std::all_of(a.begin(), a.end(), is_scalar)) out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const auto& item : a) emit(out, item);
    out << YAML::EndSeq;
  } else if (v.is_string()) {
    emit_string(out, std::string(v.as_string()));
  } else if (v.is_bool()) {
    out << (v.as_bool() ? "true" : "false");
  } else if (v.is_int64()) {
    out << v.as_int64();
  } else if (v.is_uint64()) {
    out << v.as_uint64();
  } else if (v.is_null()) {
    out << YAML::Null;
  } else {
    out << v.as_double();
  }
}

}  // namespace

json::object to_document(const AppSpec& app) {
  json::object processes;
  for (const auto& p : app.processes) processes[p.name] = process(p);
  return json::object{
      {"version", app.version}, {"name", text(app.project)}, {"processes", std::move(processes)}};
}

std::string to_yaml(const json::object& document) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, document);
  return std::string(out.c_str()) + "\n";
}

}  // namespace bgo::app
