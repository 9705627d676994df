// SPDX-License-Identifier: MIT
// parse_row and state_of.
#include "client/monit/row.hpp"

#include <boost/json.hpp>

namespace bgo::client::monit {

namespace json = boost::json;

namespace {

std::string text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<int64_t> integer(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  return std::nullopt;
}

std::optional<double> number(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return std::nullopt;
}

bool flag(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

std::string command_text(const json::object& o) {
  const json::value* v = o.if_contains("command");
  if (v == nullptr || !v->is_array()) return {};
  std::string out;
  for (const json::value& arg : v->get_array()) {
    if (!arg.is_string()) continue;
    std::string_view word = arg.get_string();
    if (out.empty()) {
      // The program's name says more than the path of its interpreter shim (as `bgo status`).
      if (const auto slash = word.find_last_of('/');
          slash != std::string_view::npos && slash + 1 < word.size()) {
        word.remove_prefix(slash + 1);
      }
    } else {
      out += ' ';
    }
    out += word;
  }
  return out;
}

}  // namespace

std::string_view to_string(RowState state) {
  switch (state) {
    case RowState::errored:
      return "errored";
    case RowState::crashed:
      return "crashed";
    case RowState::unhealthy:
      return "unhealthy";
    case RowState::not_ready:
      return "not ready";
    case RowState::backoff:
      return "backoff";
    case RowState::waiting:
      return "waiting";
    case RowState::online:
      return "online";
    case RowState::stopped:
      return "stopped";
  }
  return "stopped";
}

Row parse_row(const json::object& o) {
  Row row;
  row.name = text(o, "name");
  row.project = text(o, "project");
  row.status = text(o, "status");
  row.pid = integer(o, "pid");
  row.cpu = number(o, "cpu_percent");
  row.memory = integer(o, "memory_bytes");
  row.uptime = integer(o, "uptime_seconds");
  row.restarts = integer(o, "restarts").value_or(0);
  if (const json::value* w = o.if_contains("watch"); w != nullptr && w->is_object()) {
    const json::object& watch = w->get_object();
    const json::value* enabled = watch.if_contains("enabled");
    row.watched = enabled == nullptr || (enabled->is_bool() && enabled->get_bool());
    row.errored = flag(watch, "errored");
    if (!o.contains("restarts")) row.restarts = integer(watch, "restarts").value_or(0);
  }
  row.stop_reason = text(o, "stop_reason");
  row.exit_code = integer(o, "exit_code");
  row.exit_signal = integer(o, "exit_signal");
  if (const json::value* r = o.if_contains("ready"); r != nullptr && r->is_bool()) {
    row.ready = r->get_bool();
  }
  row.health = text(o, "health");
  if (const json::value* w = o.if_contains("waiting_for"); w != nullptr && w->is_array()) {
    for (const json::value& item : w->get_array()) {
      if (item.is_string()) row.waiting_for.emplace_back(item.get_string());
    }
  }
  row.command = command_text(o);
  return row;
}

RowState state_of(const Row& row, bool in_backoff) {
  if (row.online()) {
    if (row.health == "unhealthy") return RowState::unhealthy;
    if (row.ready == false) return RowState::not_ready;
    return RowState::online;
  }
  if (row.status == "waiting") return RowState::waiting;
  if (row.errored) return RowState::errored;
  if (in_backoff) return RowState::backoff;
  if (row.stop_reason == "crashed") return RowState::crashed;
  return RowState::stopped;
}

}  // namespace bgo::client::monit
