// SPDX-License-Identifier: MIT
#include "proto/policy_codec.hpp"

#include <array>
#include <climits>
#include <regex>

#include <boost/json.hpp>

#include "common/cron.hpp"
#include "common/endpoint.hpp"
#include "common/signal_name.hpp"

namespace bgo::proto {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 11> k_keys{
    "ready",       "watchdog_ms",     "live",      "after", "restart",   "success_codes",
    "stop_signal", "stop_timeout_ms", "kill_mode", "cron",  "max_memory"};

// 30 days: longer waits are typing mistakes, and they would overflow nothing but patience.
constexpr int64_t k_max_ms = 30LL * 24 * 3600 * 1000;

Error bad(std::string_view key, const std::string& what) {
  return param_error(std::string(key), "invalid params: '" + std::string(key) + "' " + what);
}

Result<int64_t> int_in(const json::value& v, std::string_view key, int64_t lo, int64_t hi) {
  int64_t n = 0;
  if (v.is_int64()) {
    n = v.as_int64();
  } else if (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    n = static_cast<int64_t>(v.as_uint64());
  } else {
    return bad(key, "must be an integer");
  }
  if (n < lo || n > hi) {
    return bad(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                        " (got " + std::to_string(n) + ")");
  }
  return n;
}

Result<std::string> string_of(const json::value& v, std::string_view key) {
  if (!v.is_string()) return bad(key, "must be a string");
  return std::string(v.as_string());
}

Result<HealthCheck> parse_check(const json::value& v, std::string_view key, bool liveness) {
  if (!v.is_object()) return bad(key, "must be an object");
  const json::object& o = v.as_object();
  HealthCheck c;
  const json::value* kind = o.if_contains("kind");
  if (kind == nullptr || !kind->is_string()) return bad(key, "needs a string 'kind'");
  auto k = parse_check_kind(kind->as_string());
  if (!k || (liveness && (*k == CheckKind::notify || *k == CheckKind::log))) {
    return bad(key, "has an unknown kind '" + std::string(kind->as_string()) + "'");
  }
  c.kind = *k;
  if (const json::value* t = o.if_contains("target")) {
    auto s = string_of(*t, std::string(key) + ".target");
    if (!s) return s.error();
    c.target = *s;
  }
  const std::string what = std::string(key) + " (" + std::string(to_string(c.kind)) + ")";
  switch (c.kind) {
    case CheckKind::notify:
      break;
    case CheckKind::log:
      try {
        std::regex re(c.target, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        return bad(key, "has an invalid regex '" + c.target + "': " + e.what());
      }
      break;
    case CheckKind::http:
      if (auto url = parse_http_url(c.target); !url) {
        return bad(key, "has an invalid URL: " + url.error().message);
      }
      break;
    case CheckKind::tcp:
      if (auto hp = parse_host_port(c.target); !hp) {
        return bad(key, "has an invalid HOST:PORT: " + hp.error().message);
      }
      break;
    case CheckKind::exec: {
      const json::value* cmd = o.if_contains("command");
      if (cmd == nullptr || !cmd->is_array() || cmd->as_array().empty()) {
        return bad(key, "needs a non-empty 'command' array for " + what);
      }
      for (const json::value& a : cmd->as_array()) {
        if (!a.is_string()) return bad(key, "has a 'command' that is not all strings");
        c.command.emplace_back(a.as_string());
      }
      if (c.target.empty()) {
        for (const auto& a : c.command) c.target += (c.target.empty() ? "" : " ") + a;
      }
      break;
    }
  }
  if (c.kind != CheckKind::notify && c.kind != CheckKind::exec && c.target.empty()) {
    return bad(key, "needs a 'target' for " + what);
  }
  if (const json::value* i = o.if_contains("interval_ms")) {
    auto n = int_in(*i, std::string(key) + ".interval_ms", 10, k_max_ms);
    if (!n) return n.error();
    c.interval_ms = *n;
  } else if (liveness) {
    c.interval_ms = 10000;
  }
  if (const json::value* t = o.if_contains("timeout_ms")) {
    auto n = int_in(*t, std::string(key) + ".timeout_ms", 10, k_max_ms);
    if (!n) return n.error();
    c.timeout_ms = *n;
  } else if (liveness) {
    c.timeout_ms = std::min<int64_t>(c.interval_ms, 5000);
  }
  if (const json::value* f = o.if_contains("failures")) {
    auto n = int_in(*f, std::string(key) + ".failures", 1, 1000);
    if (!n) return n.error();
    c.failures = *n;
  }
  return c;
}

json::object check_json(const HealthCheck& c, bool liveness) {
  json::object o{{"kind", to_string(c.kind)}};
  if (c.kind != CheckKind::notify) o["target"] = c.target;
  if (c.kind == CheckKind::exec) {
    json::array cmd;
    for (const auto& a : c.command) cmd.emplace_back(a);
    o["command"] = std::move(cmd);
  }
  if (c.kind != CheckKind::notify && c.kind != CheckKind::log) o["interval_ms"] = c.interval_ms;
  o["timeout_ms"] = c.timeout_ms;
  if (liveness) o["failures"] = c.failures;
  return o;
}

}  // namespace

bool is_policy_key(std::string_view key) {
  for (auto k : k_keys) {
    if (k == key) return true;
  }
  return false;
}

Result<ProcessPolicy> parse_policy(const json::object& o) {
  ProcessPolicy p;
  if (const json::value* v = o.if_contains("ready"); v != nullptr && !v->is_null()) {
    auto c = parse_check(*v, "ready", false);
    if (!c) return c.error();
    p.ready = std::move(*c);
  }
  if (const json::value* v = o.if_contains("watchdog_ms"); v != nullptr && !v->is_null()) {
    auto n = int_in(*v, "watchdog_ms", 10, k_max_ms);
    if (!n) return n.error();
    if (!p.ready || p.ready->kind != CheckKind::notify) {
      return bad("watchdog_ms", "needs a notify readiness check (--ready-notify)");
    }
    p.watchdog_ms = *n;
  }
  if (const json::value* v = o.if_contains("live"); v != nullptr && !v->is_null()) {
    auto c = parse_check(*v, "live", true);
    if (!c) return c.error();
    p.live = std::move(*c);
  }
  if (const json::value* v = o.if_contains("after"); v != nullptr && !v->is_null()) {
    if (!v->is_array()) return bad("after", "must be an array");
    for (const json::value& item : v->as_array()) {
      Dependency d;
      if (item.is_string()) {
        d.name = std::string(item.as_string());
      } else if (item.is_object() && item.as_object().contains("name") &&
                 item.as_object().at("name").is_string()) {
        d.name = std::string(item.as_object().at("name").as_string());
        if (const json::value* c = item.as_object().if_contains("condition")) {
          auto cond = c->is_string() ? parse_dependency_condition(c->as_string()) : std::nullopt;
          if (!cond) {
            return bad("after", "has an unknown condition for '" + d.name +
                                    "' (started, ready, completed or succeeded)");
          }
          d.condition = *cond;
        }
      } else {
        return bad("after", R"(items must be {"name", "condition"} objects)");
      }
      for (const auto& earlier : p.after) {
        if (earlier.name == d.name) return bad("after", "names '" + d.name + "' twice");
      }
      p.after.push_back(std::move(d));
    }
  }
  if (const json::value* v = o.if_contains("restart"); v != nullptr && !v->is_null()) {
    auto s = string_of(*v, "restart");
    if (!s) return s.error();
    auto r = parse_restart_policy(*s);
    if (!r) return bad("restart", "must be always, on-failure or never (got '" + *s + "')");
    p.restart = *r;
  }
  if (const json::value* v = o.if_contains("success_codes"); v != nullptr && !v->is_null()) {
    if (!v->is_array() || v->as_array().empty()) {
      return bad("success_codes", "must be a non-empty array of exit codes");
    }
    std::vector<int64_t> codes;
    for (const json::value& c : v->as_array()) {
      auto n = int_in(c, "success_codes", 0, 255);
      if (!n) return n.error();
      codes.push_back(*n);
    }
    p.success_codes = std::move(codes);
  }
  if (const json::value* v = o.if_contains("stop_signal"); v != nullptr && !v->is_null()) {
    auto s = v->is_int64() ? Result<std::string>(std::to_string(v->as_int64()))
                           : string_of(*v, "stop_signal");
    if (!s) return s.error();
    auto sig = parse_signal(*s);
    if (!sig) return bad("stop_signal", sig.error().message);
    p.stop_signal = *sig;
  }
  if (const json::value* v = o.if_contains("stop_timeout_ms"); v != nullptr && !v->is_null()) {
    auto n = int_in(*v, "stop_timeout_ms", 0, k_max_ms);
    if (!n) return n.error();
    p.stop_timeout_ms = *n;
  }
  if (const json::value* v = o.if_contains("kill_mode"); v != nullptr && !v->is_null()) {
    auto s = string_of(*v, "kill_mode");
    if (!s) return s.error();
    auto m = parse_kill_mode(*s);
    if (!m) return bad("kill_mode", "must be tree or group (got '" + *s + "')");
    p.kill_mode = *m;
  }
  if (const json::value* v = o.if_contains("cron"); v != nullptr && !v->is_null()) {
    auto s = string_of(*v, "cron");
    if (!s) return s.error();
    auto c = CronSchedule::parse(*s);
    if (!c) return bad("cron", "'" + *s + "': " + c.error().message);
    p.cron = *s;
  }
  if (const json::value* v = o.if_contains("max_memory"); v != nullptr && !v->is_null()) {
    auto n = int_in(*v, "max_memory", 1 << 20, INT64_MAX);
    if (!n) return n.error();
    p.max_memory = static_cast<uint64_t>(*n);
  }
  return p;
}

void put_policy(json::object& o, const ProcessPolicy& p) {
  if (p.ready) o["ready"] = check_json(*p.ready, false);
  if (p.watchdog_ms) o["watchdog_ms"] = *p.watchdog_ms;
  if (p.live) o["live"] = check_json(*p.live, true);
  if (!p.after.empty()) {
    json::array after;
    for (const auto& d : p.after) {
      after.push_back(json::object{{"name", d.name}, {"condition", to_string(d.condition)}});
    }
    o["after"] = std::move(after);
  }
  if (p.restart) o["restart"] = to_string(*p.restart);
  if (p.success_codes) {
    json::array codes;
    for (auto c : *p.success_codes) codes.emplace_back(c);
    o["success_codes"] = std::move(codes);
  }
  if (p.stop_signal) o["stop_signal"] = signal_name(*p.stop_signal);
  if (p.stop_timeout_ms) o["stop_timeout_ms"] = *p.stop_timeout_ms;
  if (p.kill_mode) o["kill_mode"] = to_string(*p.kill_mode);
  if (p.cron) o["cron"] = *p.cron;
  if (p.max_memory) o["max_memory"] = *p.max_memory;
}

}  // namespace bgo::proto
