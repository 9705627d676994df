// SPDX-License-Identifier: MIT
// Methods that start, stop, restart and forget processes (docs/protocol.md, "Lifecycle").
#include <algorithm>

#include <boost/json.hpp>

#include "common/name.hpp"
#include "daemon/core/supervisor.hpp"
#include "daemon/rpc/dispatcher.hpp"
#include "daemon/rpc/handler_support.hpp"
#include "daemon/rpc/handlers.hpp"
#include "daemon/rpc/services.hpp"
#include "proto/jsonrpc.hpp"
#include "proto/policy_codec.hpp"

namespace bgo::daemon {

namespace json = boost::json;

namespace {

// A start still waiting for its dependencies also says for what (docs/health.md).
json::value start_json(const StartOutcome& s) {
  json::object o{{"name", s.name}, {"pid", s.pid}, {"watch", watch_json(s.watch)}};
  if (!s.waiting_for.empty()) {
    json::array waiting;
    for (const auto& w : s.waiting_for) waiting.emplace_back(w);
    o["waiting_for"] = std::move(waiting);
  }
  return o;
}

json::value batch_json(const BatchOutcome& b) {
  json::array items;
  for (const auto& item : b.items) {
    json::object o{{"name", item.name}, {"ok", static_cast<bool>(item.result)}};
    if (item.result) {
      o["result"] = start_json(*item.result);
    } else {
      o["error"] = json::object{{"code", proto::to_rpc_error(item.result.error()).code},
                                {"message", item.result.error().message},
                                {"kind", to_string(item.result.error().code)}};
    }
    items.push_back(std::move(o));
  }
  json::array skipped;
  for (const auto& s : b.skipped) skipped.emplace_back(s);
  return json::object{{"skipped", std::move(skipped)}, {"items", std::move(items)}};
}
// The name an item of `start_many` gives, as far as it gives one (for its result).
std::string item_name(const json::value& item) {
  const json::value* name = item.is_object() ? item.as_object().if_contains("name") : nullptr;
  return name != nullptr && name->is_string() ? std::string(name->as_string()) : std::string();
}

// What `start` params leave out (a `start_many` gives them once for every process).
struct StartDefaults {
  std::string cwd = "/";
  SharedEnv env;  // one for every item of a start_many that brings none
};

// A `start` params object as StartParams: a bad name is the domain error; every other bad
// param throws ParamError (-32602).
Result<StartParams> parse_start(const json::object& params, const StartDefaults& defaults,
                                const LogOptions& default_logs) {
  auto name = new_name(params);
  if (!name) return name.error();
  StartParams p;
  p.name = *name;
  p.command = param_strings(params, "command");
  p.cwd = opt_param_string(params, "cwd").value_or(defaults.cwd);
  if (!p.cwd.empty() && p.cwd.front() != '/')
    throw ParamError("cwd", "invalid params: 'cwd' must be absolute");
  p.env = params.contains("env") ? make_env(param_strings(params, "env")) : defaults.env;
  p.watch = param_bool(params, "watch");
  p.interval = opt_param_int(params, "interval");
  p.min_uptime = opt_param_int(params, "min_uptime");
  if (auto m = opt_param_string(params, "on_fast_crash")) p.on_fast_crash = check_mode(*m);
  if (auto a = opt_param_string(params, "autostart")) {
    p.autostart = check_policy(*a, "autostart");
  }
  const auto max_size = opt_param_int(params, "max_log_size");
  const auto files = opt_param_int(params, "log_files");
  const bool time = param_bool(params, "time");
  if (max_size || files || time) {
    LogOptions opts = default_logs;  // bgod's --max-log-size / --log-files
    if (max_size) opts.max_size = static_cast<uint64_t>(std::max<int64_t>(0, *max_size));
    if (files) opts.files = std::max<int64_t>(0, *files);
    opts.timestamps = time;
    p.logs = opts;
  }
  auto policy = proto::parse_policy(params);
  if (!policy) return policy.error();
  p.policy = std::move(*policy);
  if (auto project = opt_param_string(params, "project")) {
    if (!is_valid_name(*project)) {
      throw ParamError("project", "invalid params: 'project' must be a valid process name");
    }
    p.project = std::move(project);
    p.definition = opt_param_string(params, "definition");
    if (p.definition && p.definition->size() > 128) {
      throw ParamError("definition", "invalid params: 'definition' is longer than 128 bytes");
    }
  } else if (params.contains("definition")) {
    throw ParamError("definition", "invalid params: 'definition' needs 'project'");
  }
  return p;
}
}  // namespace

void register_lifecycle(Dispatcher& d, Services& s) {
  d.add("start", [&s](Call& c, const Respond& respond) {
    auto p = parse_start(c.params, StartDefaults{}, s.default_logs);
    if (!p) return respond(p.error());
    s.supervisor.start(std::move(*p), [respond](Result<StartOutcome> r) {
      if (!r) return respond(r.error());
      respond(start_json(*r));
    });
  });
  // Many starts in one call: each item is checked on its own (a bad one is an error item, the
  // others start), all are spawned at once and their start probes run side by side.
  d.add("start_many", [&s](Call& c, const Respond& respond) {
    const json::value* list = c.params.if_contains("processes");
    if (list == nullptr || !list->is_array()) {
      throw ParamError("processes", "invalid params: 'processes' is required and must be an array");
    }
    StartDefaults defaults;
    defaults.cwd = opt_param_string(c.params, "cwd").value_or("/");
    if (defaults.cwd.empty() || defaults.cwd.front() != '/')
      throw ParamError("cwd", "invalid params: 'cwd' must be absolute");
    defaults.env = make_env(param_strings(c.params, "env"));
    std::vector<Result<StartParams>> items;
    std::vector<std::string> names;
    items.reserve(list->as_array().size());
    for (const json::value& v : list->as_array()) {
      names.push_back(item_name(v));
      if (!v.is_object()) {
        items.emplace_back(
            param_error("processes", "invalid params: each of 'processes' must be an object"));
        continue;
      }
      try {
        items.push_back(parse_start(v.as_object(), defaults, s.default_logs));
      } catch (const ParamError& e) {
        items.emplace_back(e.error);
      }
    }
    s.supervisor.start_many(std::move(items), std::move(names), [respond](Result<BatchOutcome> r) {
      if (!r) return respond(r.error());
      respond(batch_json(*r));
    });
  });
  d.add("stop", [&s](Call& c, const Respond& respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    const bool force = param_bool(c.params, "force");
    const auto timeout = opt_param_int(c.params, "timeout_ms");
    // Without `timeout_ms`, the process's own stop timeout (its `stop_timeout_ms`, else bgod's).
    std::optional<std::chrono::milliseconds> grace;
    if (timeout) grace = std::chrono::milliseconds(std::max<int64_t>(0, *timeout));
    const bool with_dependents = param_bool(c.params, "with_dependents");
    s.supervisor.stop(
        *name, force, grace,
        [respond, force, with_dependents](Result<StopOutcome> r) {
          if (!r) return respond(r.error());
          json::object o{{"was_running", r->was_running}, {"pid", r->pid}, {"forced", force}};
          if (with_dependents) {
            json::array dependents;
            for (const auto& dependent : r->dependents) dependents.emplace_back(dependent);
            o["dependents"] = std::move(dependents);
          }
          respond(json::value(std::move(o)));
        },
        with_dependents);
  });
  d.add("restart", [&s](Call& c, const Respond& respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    RestartParams p;
    p.reset_counters = param_bool(c.params, "reset_counters");
    p.env = param_strings(c.params, "env");
    p.update_env = param_bool(c.params, "update_env");
    s.supervisor.restart(*name, std::move(p), [respond](Result<RestartOutcome> r) {
      if (!r) return respond(r.error());
      if (!r->start) {
        Error e = r->start.error();
        e.was_running = r->was_running;
        return respond(e);
      }
      json::object o = start_json(*r->start).as_object();
      o["was_running"] = r->was_running;
      respond(json::value(std::move(o)));
    });
  });
  d.add("delete", [&s](Call& c, const Respond& respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    const bool keep = param_bool(c.params, "keep_logs");
    s.supervisor.remove(*name, keep, [respond, keep](Result<bool> r) {
      if (!r) return respond(r.error());
      respond(json::object{{"was_running", *r}, {"keep_logs", keep}});
    });
  });
  d.add("clean", [&s](Call& c, const Respond& respond) {
    const bool logs = param_bool(c.params, "logs");
    json::array names;
    for (auto& n : s.supervisor.clean(logs ? KeepLogs::no : KeepLogs::yes)) names.emplace_back(n);
    // Answered once the files are gone from the disk (a failed removal is only logged).
    s.supervisor.when_all_saved([respond, logs, names = std::move(names)]() mutable {
      respond(json::object{{"removed", std::move(names)}, {"logs_removed", logs}});
    });
  });
  d.add("resurrect", [&s](Call& c, const Respond& respond) {
    s.supervisor.resurrect(param_strings(c.params, "env"), [respond](Result<BatchOutcome> r) {
      if (!r) return respond(r.error());
      respond(batch_json(*r));
    });
  });
  auto batch = [&s](CandidateOrder order) {
    return [&s, order](Call& c, const Respond& respond) {
      std::vector<std::string> names = param_strings(c.params, "names");
      for (const auto& n : names) {
        if (!is_valid_name(n)) {
          return respond(make_error(Errc::invalid_name, "invalid process name: " + python_repr(n)));
        }
      }
      s.supervisor.restart_many(names, order, param_strings(c.params, "env"),
                                [respond](Result<BatchOutcome> r) {
                                  if (!r) return respond(r.error());
                                  respond(batch_json(*r));
                                });
    };
  };
  d.add("restart_stopped", batch(CandidateOrder::file));
  d.add("restart_last", batch(CandidateOrder::recent));
}

}  // namespace bgo::daemon
