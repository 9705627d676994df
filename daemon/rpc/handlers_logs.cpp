// SPDX-License-Identifier: MIT
// Methods over the log files: logs, follow, unfollow, flush.
#include <algorithm>
#include <climits>

#include <boost/json.hpp>

#include "common/name.hpp"
#include "daemon/core/supervisor.hpp"
#include "daemon/rpc/dispatcher.hpp"
#include "daemon/rpc/event_hub.hpp"
#include "daemon/rpc/handler_support.hpp"
#include "daemon/rpc/handlers.hpp"
#include "daemon/rpc/services.hpp"
#include "daemon/rpc/session.hpp"

namespace bgo::daemon {

namespace json = boost::json;

namespace {

std::optional<LogStream> parse_stream(std::string_view s) {
  if (s == "stdout") return LogStream::out;
  if (s == "stderr") return LogStream::err;
  if (s == "watcher") return LogStream::watcher;
  return std::nullopt;
}
// Text returned in one reply is bounded so that the reply stays far below the 1 MiB frame
// limit even when every byte needs a six-byte JSON escape; `bgo logs` reads the files itself.
constexpr size_t k_max_tail_bytes = size_t{128} * 1024;

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

// {"stream", "path", "exists"[, "text", "truncated"]} for the last `lines` of one log
// (`lines` <= 0: as much as `max_bytes` allows; nullopt: no text, only whether it exists).
json::object tail_json(LogReadPort& files, const std::string& name, LogStream stream,
                       std::optional<int64_t> lines, size_t max_bytes) {
  json::object o{{"stream", to_string(stream)}, {"path", files.path(name, stream)}};
  std::optional<TailResult> tail;
  if (lines) {
    tail = files.tail(name, stream, static_cast<long>(std::clamp<int64_t>(*lines, -1, LONG_MAX)),
                      max_bytes);
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

}  // namespace

void register_logs(Dispatcher& d, Services& s) {
  d.add("logs", [&s](Call& c, const Respond& respond) {
    auto name = registered(s, c.params);
    if (!name) return respond(name.error());
    const LogStream stream = stream_param(opt_param_string(c.params, "stream").value_or("stdout"));
    const int64_t lines = opt_param_int(c.params, "lines").value_or(50);
    json::object o{{"name", *name}};
    for (auto& kv : tail_json(s.log_files, *name, stream, lines, k_max_tail_bytes)) {
      o[kv.key()] = kv.value();
    }
    respond(json::value(std::move(o)));
  });
  d.add("follow", [&s](Call& c, const Respond& respond) {
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
        tails.push_back(tail_json(s.log_files, *name, stream,
                                  n == 0 ? std::nullopt : std::optional<int64_t>(n),
                                  k_max_tail_bytes / streams.size()));
      }
    }
    c.session->follows.insert(*name);
    respond(json::object{{"following", *name}, {"tails", std::move(tails)}});
  });
  d.add("unfollow", [](Call& c, const Respond& respond) {
    const std::string name = valid_name(c.params);
    c.session->follows.erase(name);
    respond(json::object{{"following", nullptr}});
  });
  d.add("flush", [&s](Call& c, const Respond& respond) {
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

}  // namespace bgo::daemon
