// SPDX-License-Identifier: MIT
// Methods over the log files: logs, follow, unfollow, flush.
#include <algorithm>
#include <climits>

#include <boost/json.hpp>

#include "common/name.hpp"
#include "daemon/core/supervisor.hpp"
#include "daemon/rpc/dispatcher.hpp"
#include "daemon/rpc/event_hub.hpp"
#include "daemon/rpc/follow_resume.hpp"
#include "daemon/rpc/handler_support.hpp"
#include "daemon/rpc/handlers.hpp"
#include "daemon/rpc/services.hpp"
#include "daemon/rpc/session.hpp"

namespace bgo::daemon {

namespace json = boost::json;

namespace {

// Every registered name, in order, without reading /proc.
std::vector<std::string> all_names(const Services& s) {
  ListQuery names_only;
  names_only.usage = false;
  std::vector<std::string> names;
  for (const auto& snap : s.supervisor.list(names_only).rows) names.push_back(snap.record->name);
  return names;
}

std::optional<LogStream> parse_stream(std::string_view s) {
  if (s == "stdout") return LogStream::out;
  if (s == "stderr") return LogStream::err;
  if (s == "watcher") return LogStream::watcher;
  return std::nullopt;
}
// Text returned in one reply is bounded so that the reply stays far below the 1 MiB frame
// limit even when every byte needs a six-byte JSON escape; `bgo logs` reads the files itself.
constexpr size_t k_max_tail_bytes = size_t{128} * 1024;
// `follow` of several processes: each gets at most the bound of one, and all together this.
constexpr size_t k_max_tails_bytes = size_t{512} * 1024;

Result<std::string> registered(Services& s, const json::object& params) {
  auto name = checked_name(params);
  if (!name) return name;
  if (!s.supervisor.get(*name))
    return make_error(Errc::no_such_process, "No process named '" + *name + "' found");
  return name;
}

LogStream stream_param(std::string_view text) {
  const auto stream = parse_stream(text);
  if (!stream)
    throw ParamError("stream", "invalid params: 'stream' must be stdout, stderr or watcher");
  return *stream;
}

// `count_markers` and `since_start` (issue #13) as tail options bounded by `max_bytes`.
TailOptions tail_options(const json::object& params, size_t max_bytes) {
  TailOptions options;
  options.max_bytes = max_bytes;
  if (!param_bool(params, "count_markers", true)) options.markers = MarkerLines::uncounted;
  if (param_bool(params, "since_start")) options.from = TailFrom::last_start;
  return options;
}

// {"stream", "path", "exists"[, "text", "truncated"]} for the last `lines` of one log
// (`lines` <= 0: as much as `options.max_bytes` allows; nullopt: no text, only whether it
// exists).
json::object tail_json(LogReadPort& files, const std::string& name, LogStream stream,
                       std::optional<int64_t> lines, const TailOptions& options) {
  json::object o{{"stream", to_string(stream)}, {"path", files.path(name, stream)}};
  std::optional<TailResult> tail;
  if (lines) {
    tail = files.tail(name, stream, static_cast<long>(std::clamp<int64_t>(*lines, -1, LONG_MAX)),
                      options);
    if (tail && tail->text.empty()) tail.reset();  // an empty file counts as none
  } else if (files.has_output(name, stream)) {
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

// What a `follow` or `unfollow` is about: `name` (one process), `names` (several) or
// `all: true` (every process, those registered later too). Exactly one of them.
struct FollowTargets {
  enum class Form { name, names, all };
  Form form = Form::name;
  std::vector<std::string> names;  // without duplicates, in the order given
};

// The form of `params`; ParamError when several are given, or `names` is empty. Entries of
// `names` are not checked here.
FollowTargets follow_targets(const json::object& params) {
  FollowTargets t;
  const bool all = param_bool(params, "all");
  const json::value* names = params.if_contains("names");
  const bool has_names = names != nullptr && !names->is_null();
  const json::value* name = params.if_contains("name");
  const bool has_name = name != nullptr && !name->is_null();
  if (int(all) + int(has_names) + int(has_name) > 1) {
    throw ParamError(all ? "all" : "names",
                     "invalid params: give only one of 'name', 'names' and 'all'");
  }
  if (all) {
    t.form = FollowTargets::Form::all;
  } else if (has_names) {
    t.form = FollowTargets::Form::names;
    for (auto& n : param_strings(params, "names")) {
      if (std::find(t.names.begin(), t.names.end(), n) == t.names.end()) {
        t.names.push_back(std::move(n));
      }
    }
    if (t.names.empty()) throw ParamError("names", "invalid params: 'names' must not be empty");
  }
  return t;
}

// The processes `follow` reads tails of: checked and registered (every registered one, in
// name order, for `all`). An invalid name is -32005; unknown ones -32001 for them all.
Result<std::vector<std::string>> follow_names(Services& s, const json::object& params,
                                              FollowTargets& t) {
  if (t.form == FollowTargets::Form::name) {
    auto name = registered(s, params);
    if (!name) return name.error();
    return std::vector<std::string>{*name};
  }
  if (t.form == FollowTargets::Form::all) {
    return all_names(s);
  }
  std::vector<std::string> unknown;
  for (const auto& n : t.names) {
    if (!is_valid_name(n)) {
      return make_error(Errc::invalid_name, "invalid process name: " + python_repr(n));
    }
    if (!s.supervisor.get(n)) unknown.push_back(n);
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& n : unknown) list += (list.empty() ? "" : ", ") + n;
    Error e = make_error(Errc::no_such_process, "Unknown process(es): " + list);
    e.names = std::move(unknown);
    return e;
  }
  return t.names;
}

void follow(Services& s, Call& c, const Respond& respond) {
  FollowTargets targets = follow_targets(c.params);
  auto names = follow_names(s, c.params, targets);
  if (!names) return respond(names.error());
  const auto lines = opt_param_int(c.params, "lines");
  const bool since_start = param_bool(c.params, "since_start");
  const std::vector<ResumeEntry> resume = parse_resume(c.params);
  const bool positions = param_bool(c.params, "positions") || !resume.empty();
  std::vector<LogStream> streams;
  for (const auto& text : param_strings(c.params, "streams")) {
    streams.push_back(stream_param(text));
  }
  if (streams.empty()) streams = {LogStream::out, LogStream::err};
  const bool one = targets.form == FollowTargets::Form::name;
  const size_t per_name = one || names->empty()
                              ? k_max_tail_bytes
                              : std::min(k_max_tail_bytes, k_max_tails_bytes / names->size());
  const TailOptions options = tail_options(c.params, per_name / streams.size());
  // bgod writes a chunk to the file and hands it to the followers in the same turn of its
  // loop, so these tails and the notifications that follow join without a gap or overlap.
  json::array tails;
  if (lines || since_start) {
    // As `tail -n`: 0 shows no line, -N the same as N; none with since_start: the whole run.
    const int64_t n = !lines ? 0 : *lines < 0 ? -*lines : *lines;
    const std::optional<int64_t> wanted =
        lines && n == 0 ? std::nullopt : std::optional<int64_t>(n);
    for (const auto& name : *names) {
      for (LogStream stream : streams) {
        json::object tail = tail_json(s.log_files, name, stream, wanted, options);
        if (one) {
          tails.push_back(std::move(tail));
          continue;
        }
        json::object named{{"name", name}};  // shaped like the `logs` result
        for (auto& kv : tail) named[kv.key()] = std::move(kv.value());
        tails.push_back(std::move(named));
      }
    }
  }
  for (const auto& name : *names) {
    if (!s.events.followed(name)) s.events.forget_held_back(name);
  }
  json::object result;
  if (one) {
    c.session->follows.follow(*names);
    result = json::object{{"following", names->front()}, {"tails", std::move(tails)}};
  } else {
    if (targets.form == FollowTargets::Form::all) {
      c.session->follows.follow_all();
    } else {
      c.session->follows.follow(*names);
    }
    json::array following(names->begin(), names->end());
    result = json::object{{"following", std::move(following)},
                          {"all", targets.form == FollowTargets::Form::all},
                          {"tails", std::move(tails)}};
  }
  if (!positions) return respond(json::value(std::move(result)));
  // Read in this turn, like the tails: the catch-up ends where the next notification begins.
  c.session->follows.want_positions();
  result["positions"] = positions_json(s, *names, streams);
  CatchUp missed = catch_up(s, resume, *names);
  if (!resume.empty()) result["resumed"] = std::move(missed.resumed);
  respond(json::value(std::move(result)));
  for (auto& line : missed.lines) c.session->send(std::move(line));
}

void unfollow(Call& c, const Respond& respond) {
  FollowTargets targets = follow_targets(c.params);
  switch (targets.form) {
    case FollowTargets::Form::name:
      c.session->follows.unfollow({valid_name(c.params)});
      break;
    case FollowTargets::Form::names:
      for (const auto& n : targets.names) {
        if (!is_valid_name(n)) {
          throw ParamError("names", "invalid params: 'names' holds an invalid process name");
        }
      }
      c.session->follows.unfollow(targets.names);
      break;
    case FollowTargets::Form::all:
      c.session->follows.unfollow_all();
      break;
  }
  respond(json::object{{"following", nullptr}});
}

}  // namespace

void register_logs(Dispatcher& d, Services& s) {
  d.add("logs", [&s](Call& c, const Respond& respond) {
    auto name = registered(s, c.params);
    if (!name) return respond(name.error());
    const LogStream stream = stream_param(opt_param_string(c.params, "stream").value_or("stdout"));
    const int64_t lines = opt_param_int(c.params, "lines").value_or(50);
    json::object o{{"name", *name}};
    for (auto& kv :
         tail_json(s.log_files, *name, stream, lines, tail_options(c.params, k_max_tail_bytes))) {
      o[kv.key()] = kv.value();
    }
    respond(json::value(std::move(o)));
  });
  d.add("follow", [&s](Call& c, const Respond& respond) { follow(s, c, respond); });
  d.add("unfollow", [](Call& c, const Respond& respond) { unfollow(c, respond); });
  d.add("flush", [&s](Call& c, const Respond& respond) {
    json::array names;
    if (opt_param_string(c.params, "name")) {
      auto name = registered(s, c.params);
      if (!name) return respond(name.error());
      s.flush_logs(*name);
      names.emplace_back(*name);
    } else {
      for (const auto& name : all_names(s)) {
        s.flush_logs(name);
        names.emplace_back(name);
      }
    }
    respond(json::object{{"flushed", std::move(names)}});
  });
}

}  // namespace bgo::daemon
