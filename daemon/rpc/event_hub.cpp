// SPDX-License-Identifier: MIT
// EventHub.
#include "daemon/rpc/event_hub.hpp"

#include <boost/json.hpp>

#include "daemon/rpc/session.hpp"
#include "proto/jsonrpc.hpp"

namespace bgo::daemon {

namespace json = boost::json;

void EventHub::remove(Session* session) {
  std::erase_if(sessions_, [session](const auto& s) { return s.get() == session; });
}

void EventHub::close_all() {
  auto copy = sessions_;
  for (const auto& s : copy) s->close();
  sessions_.clear();
}

void EventHub::on_process_event(const ProcessEvent& event) {
  json::object params{{"kind", event.kind}, {"name", event.name}};
  if (event.pid) params["pid"] = *event.pid;
  if (event.kind == "exited" || event.kind == "stopped") {
    params["exit_code"] = event.exit_code ? json::value(*event.exit_code) : json::value(nullptr);
    params["exit_signal"] =
        event.exit_signal ? json::value(*event.exit_signal) : json::value(nullptr);
  }
  if (event.delay_ms) params["delay_ms"] = *event.delay_ms;
  if (!event.reason.empty()) params["reason"] = event.reason;
  std::string line;
  for (const auto& s : std::unordered_set<std::shared_ptr<Session>>(sessions_)) {
    if (!s->events || s->closed()) continue;
    if (line.empty()) line = proto::notification_line("event", params);
    s->send(line);
  }
}

void EventHub::on_output(const std::string& name, LogStream stream, std::string_view data) {
  std::string line;
  for (const auto& s : std::unordered_set<std::shared_ptr<Session>>(sessions_)) {
    if (s->closed() || s->follows.count(name) == 0) continue;
    if (line.empty()) {
      line = proto::notification_line(
          "log", json::object{{"name", name},
                              {"stream", to_string(stream)},
                              {"data", json::string(data.data(), data.size())}});
    }
    s->send(line);
  }
}

}  // namespace bgo::daemon
