// SPDX-License-Identifier: MIT
// The method table: thin adapters from JSON params to Supervisor calls and back.
#include <algorithm>
#include <climits>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "common/log_tail.hpp"
#include "common/name.hpp"
#include "daemon/core/supervisor.hpp"
#include "daemon/rpc/dispatcher.hpp"
#include "daemon/rpc/event_hub.hpp"
#include "daemon/rpc/services.hpp"
#include "daemon/rpc/session.hpp"
#include "proto/jsonrpc.hpp"
#include "proto/process_view.hpp"
#include "proto/state_codec.hpp"

namespace bgo::daemon {

namespace json = boost::json;

namespace {

std::string valid_name(const json::object& p, std::string_view key = "name") {
  std::string name = param_string(p, key);
  if (!is_valid_name(name)) {
    throw ParamError(std::string(key),
                     "invalid params: '" + std::string(key) + "' is not a valid process name");
  }
  return name;
}

// Names fail as a domain error (the CLI prints the original's message), not -32602.
Result<std::string> checked_name(const json::object& p) {
  std::string name = param_string(p, "name");
  if (!is_valid_name(name)) {
    return make_error(Errc::invalid_name, "invalid process name: " + python_repr(name));
  }
  return name;
}

json::value watch_json(const std::optional<WatchBlock>& w) {
  return w ? json::value(proto::to_json(*w)) : json::value(nullptr);
}

json::object row(const Snapshot& s) { return proto::row_json(*s.record, s.online, s.usage); }

json::object detail(const Snapshot& s, const Paths& paths) {
  return proto::detail_json(*s.record, s.online, s.usage, paths);
}

json::value start_json(const StartOutcome& s) {
  return json::object{{"name", s.name}, {"pid", s.pid}, {"watch", watch_json(s.watch)}};
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

std::optional<LogStream> parse_stream(std::string_view s) {
  if (s == "stdout") return LogStream::out;
  if (s == "stderr") return LogStream::err;
  if (s == "watcher") return LogStream::watcher;
  return std::nullopt;
}

std::string check_policy(const std::string& policy) {
  if (policy != "always" && policy != "unless-stopped" && policy != "never") {
    throw ParamError("autostart", "invalid params: 'autostart' must be always, unless-stopped or never");
  }
  return policy;
}

std::string check_mode(const std::string& mode) {
  if (mode != "backoff" && mode != "stop" && mode != "retry") {
    throw ParamError("on_fast_crash", "invalid params: 'on_fast_crash' must be backoff, stop or retry");
  }
  return mode;
}

void register_lifecycle(Dispatcher& d, Services& s) {
  d.add("start", [&s](Call& c, Respond respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    StartParams p;
    p.name = *name;
    p.command = param_strings(c.params, "command");
    p.cwd = opt_param_string(c.params, "cwd").value_or("/");
    if (!p.cwd.empty() && p.cwd.front() != '/')
      throw ParamError("cwd", "invalid params: 'cwd' must be absolute");
    p.env = param_strings(c.params, "env");
    p.watch = param_bool(c.params, "watch");
    p.interval = opt_param_int(c.params, "interval");
    p.min_uptime = opt_param_int(c.params, "min_uptime");
    if (auto m = opt_param_string(c.params, "on_fast_crash")) p.on_fast_crash = check_mode(*m);
    if (auto a = opt_param_string(c.params, "autostart")) p.autostart = check_policy(*a);
    const auto max_size = opt_param_int(c.params, "max_log_size");
    const auto files = opt_param_int(c.params, "log_files");
    const bool time = param_bool(c.params, "time");
    if (max_size || files || time) {
      LogOptions opts = s.default_logs;  // bgod's --max-log-size / --log-files
      if (max_size) opts.max_size = static_cast<uint64_t>(std::max<int64_t>(0, *max_size));
      if (files) opts.files = std::max<int64_t>(0, *files);
      opts.timestamps = time;
      p.logs = opts;
    }
    s.supervisor.start(std::move(p), [respond](Result<StartOutcome> r) {
      if (!r) return respond(r.error());
      respond(start_json(*r));
    });
  });
  d.add("stop", [&s](Call& c, Respond respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    const bool force = param_bool(c.params, "force");
    const auto timeout = opt_param_int(c.params, "timeout_ms");
    const auto grace =
        timeout ? std::chrono::milliseconds(std::max<int64_t>(0, *timeout)) : s.stop_timeout;
    s.supervisor.stop(*name, force, grace, [respond, force](Result<StopOutcome> r) {
      if (!r) return respond(r.error());
      respond(json::object{{"was_running", r->was_running}, {"pid", r->pid}, {"forced", force}});
    });
  });
  d.add("restart", [&s](Call& c, Respond respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    s.supervisor.restart(*name, param_bool(c.params, "reset_counters"),
                         param_strings(c.params, "env"), [respond](Result<RestartOutcome> r) {
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
  d.add("delete", [&s](Call& c, Respond respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    const bool keep = param_bool(c.params, "keep_logs");
    s.supervisor.remove(*name, keep, [respond, keep](Result<bool> r) {
      if (!r) return respond(r.error());
      respond(json::object{{"was_running", *r}, {"keep_logs", keep}});
    });
  });
  d.add("clean", [&s](Call&, Respond respond) {
    json::array names;
    for (auto& n : s.supervisor.clean()) names.emplace_back(n);
    respond(json::object{{"removed", std::move(names)}});
  });
  d.add("resurrect", [&s](Call& c, Respond respond) {
    s.supervisor.resurrect(param_strings(c.params, "env"), [respond](Result<BatchOutcome> r) {
      if (!r) return respond(r.error());
      respond(batch_json(*r));
    });
  });
  auto batch = [&s](CandidateOrder order) {
    return [&s, order](Call& c, Respond respond) {
      std::vector<std::string> names = param_strings(c.params, "names");
      for (const auto& n : names) {
        if (!is_valid_name(n)) {
          return respond(make_error(Errc::invalid_name, "invalid process name: " + python_repr(n)));
        }
      }
      s.supervisor.restart_many(std::move(names), order, param_strings(c.params, "env"),
                                [respond](Result<BatchOutcome> r) {
                                  if (!r) return respond(r.error());
                                  respond(batch_json(*r));
                                });
    };
  };
  d.add("restart_stopped", batch(CandidateOrder::file));
  d.add("restart_last", batch(CandidateOrder::recent));
}

void register_queries(Dispatcher& d, Services& s) {
  d.add("list", [&s](Call&, Respond respond) {
    json::array rows;
    for (const auto& snap : s.supervisor.list()) rows.push_back(row(snap));
    json::array broken;
    for (const auto& b : s.supervisor.broken()) {
      broken.push_back(json::object{{"file", b.file}, {"error", b.error}});
    }
    respond(json::object{{"processes", std::move(rows)}, {"broken", std::move(broken)}});
  });
  d.add("get", [&s](Call& c, Respond respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    auto snap = s.supervisor.get(*name);
    if (!snap) return respond(snap.error());
    respond(json::value(detail(*snap, s.paths)));
  });
  d.add("candidates", [&s](Call& c, Respond respond) {
    const auto order = opt_param_string(c.params, "order").value_or("file");
    if (order != "file" && order != "recent")
      throw ParamError("order", "invalid params: 'order' must be file or recent");
    json::array out;
    for (const auto& name : s.supervisor.candidates(order == "recent" ? CandidateOrder::recent
                                                                      : CandidateOrder::file)) {
      auto snap = s.supervisor.get(name);
      const ProcessRecord& r = *snap->record;
      json::array command;
      for (const auto& a : r.command) command.emplace_back(a);
      out.push_back(json::object{
          {"name", name},
          {"stopped_at", r.stopped_at ? json::value(*r.stopped_at) : json::value(nullptr)},
          {"started_at", r.started_at ? json::value(*r.started_at) : json::value(nullptr)},
          {"command", std::move(command)}});
    }
    respond(json::object{{"candidates", std::move(out)}, {"registered", s.supervisor.size()}});
  });
  d.add("watch", [&s](Call& c, Respond respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    WatchOverrides o;
    o.interval = opt_param_int(c.params, "interval");
    o.min_uptime = opt_param_int(c.params, "min_uptime");
    if (auto m = opt_param_string(c.params, "on_fast_crash")) o.on_fast_crash = check_mode(*m);
    auto w = s.supervisor.watch(*name, o, param_bool(c.params, "reset"));
    if (!w) return respond(w.error());
    respond(json::value(proto::to_json(*w)));
  });
  d.add("unwatch", [&s](Call& c, Respond respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    auto r = s.supervisor.unwatch(*name);
    if (!r) return respond(r.error());
    respond(json::object{{"was_watched", *r}});
  });
  d.add("autostart.set", [&s](Call& c, Respond respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    auto r = s.supervisor.set_autostart(*name, check_policy(param_string(c.params, "policy")));
    if (!r) return respond(r.error());
    respond(json::object{{"name", *name}, {"autostart", *r}});
  });
  d.add("autostart.show", [&s](Call& c, Respond respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    auto snap = s.supervisor.get(*name);
    if (!snap) return respond(snap.error());
    respond(json::object{{"name", *name}, {"autostart", snap->record->autostart_policy()}});
  });
}

// Text returned in one reply is bounded so that the reply stays far below the 1 MiB frame
// limit even when every byte needs a six-byte JSON escape; `bgo logs` reads the files itself.
constexpr size_t k_max_tail_bytes = 128 * 1024;

Result<std::string> registered(Services& s, const json::object& params) {
  auto name = checked_name(params);
  if (!name) return name;
  if (!s.supervisor.get(*name))
    return make_error(Errc::no_such_process, "No process named '" + *name + "' found");
  return name;
}

LogStream stream_param(std::string_view text) {
  const auto stream = parse_stream(text);
  if (!stream) throw ParamError("stream", "invalid params: 'stream' must be stdout, stderr or watcher");
  return *stream;
}

// {"stream", "path", "exists"[, "text", "truncated"]} for the last `lines` of one log
// (`lines` <= 0: as much as `max_bytes` allows; nullopt: no text, only whether it exists).
json::object tail_json(const Paths& paths, const std::string& name, LogStream stream,
                       std::optional<int64_t> lines, size_t max_bytes) {
  const auto path = paths.log_file(name, stream);
  json::object o{{"stream", to_string(stream)}, {"path", path.string()}};
  std::optional<TailResult> tail;
  if (lines) {
    tail = tail_log(path, static_cast<long>(std::clamp<int64_t>(*lines, -1, LONG_MAX)), max_bytes);
    if (tail && tail->text.empty()) tail.reset();  // an empty file counts as none
  } else if (struct stat st{}; ::stat(path.c_str(), &st) == 0 && st.st_size > 0) {
    tail = TailResult{"", true};
  }
  o["exists"] = tail.has_value();
  if (tail) {
    // JSON text must be UTF-8: a byte that is not becomes U+FFFD.
    o["text"] = replace_invalid_utf8(tail->text);
    o["truncated"] = tail->truncated;
  }
  return o;
}

void register_logs(Dispatcher& d, Services& s) {
  d.add("logs", [&s](Call& c, Respond respond) {
    auto name = registered(s, c.params);
    if (!name) return respond(name.error());
    const LogStream stream = stream_param(opt_param_string(c.params, "stream").value_or("stdout"));
    const int64_t lines = opt_param_int(c.params, "lines").value_or(50);
    json::object o{{"name", *name}};
    for (auto& kv : tail_json(s.paths, *name, stream, lines, k_max_tail_bytes)) {
      o[kv.key()] = kv.value();
    }
    respond(json::value(std::move(o)));
  });
  d.add("follow", [&s](Call& c, Respond respond) {
    auto name = registered(s, c.params);
    if (!name) return respond(name.error());
    const auto lines = opt_param_int(c.params, "lines");
    std::vector<LogStream> streams;
    for (const auto& text : param_strings(c.params, "streams")) {
      streams.push_back(stream_param(text));
    }
    if (streams.empty()) streams = {LogStream::out, LogStream::err};
    // bgod writes a chunk to the file and hands it to the followers in the same turn of its
    // loop, so these tails and the notifications that follow join without a gap or overlap.
    json::array tails;
    if (lines) {
      // As `tail -n`: 0 shows no line, -N the same as N.
      const int64_t n = *lines < 0 ? -*lines : *lines;
      for (LogStream stream : streams) {
        tails.push_back(tail_json(s.paths, *name, stream,
                                  n == 0 ? std::nullopt : std::optional<int64_t>(n),
                                  k_max_tail_bytes / streams.size()));
      }
    }
    c.session->follows.insert(*name);
    respond(json::object{{"following", *name}, {"tails", std::move(tails)}});
  });
  d.add("unfollow", [](Call& c, Respond respond) {
    const std::string name = valid_name(c.params);
    c.session->follows.erase(name);
    respond(json::object{{"following", nullptr}});
  });
  d.add("flush", [&s](Call& c, Respond respond) {
    json::array names;
    if (opt_param_string(c.params, "name")) {
      auto name = registered(s, c.params);
      if (!name) return respond(name.error());
      s.flush_logs(*name);
      names.emplace_back(*name);
    } else {
      for (const auto& snap : s.supervisor.list()) {
        s.flush_logs(snap.record->name);
        names.emplace_back(snap.record->name);
      }
    }
    respond(json::object{{"flushed", std::move(names)}});
  });
}

void register_admin(Dispatcher& d, Services& s) {
  d.add("hello", [&d](Call&, Respond respond) {
    json::array methods;
    for (const auto& m : d.methods()) methods.emplace_back(m);
    respond(json::object{{"protocol", proto::k_protocol_version},
                         {"version", BGO_VERSION},
                         {"pid", ::getpid()},
                         {"methods", std::move(methods)}});
  });
  d.add("daemon.status", [&s](Call&, Respond respond) {
    const auto up = std::chrono::steady_clock::now() - s.started_at;
    respond(json::object{
        {"pid", ::getpid()},
        {"version", BGO_VERSION},
        {"protocol", proto::k_protocol_version},
        {"uptime_seconds", std::chrono::duration_cast<std::chrono::seconds>(up).count()},
        {"socket", s.paths.socket().string()},
        {"home", s.paths.home().string()},
        {"processes", s.supervisor.size()},
        {"online", s.supervisor.online_count()},
        {"connections", s.events.connections()}});
  });
  d.add("daemon.stop", [&s](Call& c, Respond respond) {
    const bool keep = param_bool(c.params, "keep_children");
    respond(json::object{{"stopping", true}, {"pid", ::getpid()}, {"keep_children", keep}});
    s.shutdown(keep);
  });
  d.add("subscribe", [](Call& c, Respond respond) {
    c.session->events = true;
    respond(json::object{{"subscribed", true}});
  });
  d.add("unsubscribe", [](Call& c, Respond respond) {
    c.session->events = false;
    respond(json::object{{"subscribed", false}});
  });
}

}  // namespace

void register_handlers(Dispatcher& dispatcher, Services& services) {
  register_lifecycle(dispatcher, services);
  register_queries(dispatcher, services);
  register_logs(dispatcher, services);
  register_admin(dispatcher, services);
}

}  // namespace bgo::daemon
