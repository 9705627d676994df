// SPDX-License-Identifier: MIT
// EventHub.
#include "daemon/rpc/event_hub.hpp"

#include <tuple>

#include <boost/json.hpp>

#include "daemon/rpc/session.hpp"
#include "proto/jsonrpc.hpp"
#include "proto/utf8_repair.hpp"

namespace bgo::daemon {

namespace json = boost::json;

namespace {

std::string event_line(const ProcessEvent& event) {
  json::object params{{"kind", to_string(event.kind)}, {"name", event.name}};
  if (event.pid) params["pid"] = *event.pid;
  if (event.kind == EventKind::exited || event.kind == EventKind::stopped) {
    params["exit_code"] = event.exit_code ? json::value(*event.exit_code) : json::value(nullptr);
    params["exit_signal"] =
        event.exit_signal ? json::value(*event.exit_signal) : json::value(nullptr);
  }
  if (event.delay_ms) params["delay_ms"] = *event.delay_ms;
  if (!event.reason.empty()) params["reason"] = event.reason;
  return proto::notification_line("event", params);
}

}  // namespace

// Sessions never leave sessions_ while it is being iterated: Session::close() posts its
// removal instead of calling remove() directly, so the loops below may close sessions
// (a slow subscriber is cut off inside send()) without copying the set.

void EventHub::add(const std::shared_ptr<Session>& session) {
  sessions_.insert(session);
  session->set_progress_listener([this] {
    if (progress_) progress_();
  });
  if (held_) session->hold(true);
}

void EventHub::hold_all(bool held) {
  held_ = held;
  // A copy: releasing a session may answer requests, which may close sessions.
  const auto copy = sessions_;
  for (const auto& s : copy) s->hold(held);
}

size_t EventHub::in_flight() const {
  size_t n = 0;
  for (const auto& s : sessions_) n += s->closed() ? 0 : s->in_flight();
  return n;
}

size_t EventHub::queued_bytes() const {
  size_t n = 0;
  for (const auto& s : sessions_) n += s->closed() ? 0 : s->queued_bytes();
  return n;
}

void EventHub::remove(Session* session) {
  std::erase_if(sessions_, [session](const auto& s) { return s.get() == session; });
  if (progress_) progress_();
  if (closed_) closed_();
}

void EventHub::close_all() {
  auto copy = std::move(sessions_);
  sessions_.clear();
  for (const auto& s : copy) s->close();
}

void EventHub::announce_upgrade() {
  const std::string line = proto::notification_line("daemon.upgrading", json::object{});
  // respond(), not send(): like an answer, this line is never dropped for a slow reader.
  for (const auto& s : sessions_) {
    if (!s->closed()) s->respond(line);
  }
}

std::shared_ptr<Session> EventHub::pick_victim() const {
  std::shared_ptr<Session> best;
  auto rank = [](const Session& s) {
    const int busy = s.in_flight() > 0 ? 2 : s.subscribed() ? 1 : 0;
    return std::make_tuple(busy, s.last_active());
  };
  for (const auto& s : sessions_) {
    if (s->closed()) continue;
    if (!best || rank(*s) < rank(*best)) best = s;
  }
  return best;
}

void EventHub::on_process_event(const ProcessEvent& event) {
  if (progress_) progress_();  // the upgrade only looks (posted), it never re-enters
  if (event.kind == EventKind::deleted) {
    for (auto stream : {LogStream::out, LogStream::err, LogStream::watcher}) {
      partial_.erase(event.name + '\0' + std::string(to_string(stream)));
    }
  }
  // Built for the first subscriber only: with none, an event (a restart raises two before
  // its spawn) costs no allocation.
  std::string line;
  for (const auto& s : sessions_) {
    if (!s->events || s->closed()) continue;
    if (line.empty()) line = event_line(event);
    s->send(line);
    ++events_sent_;
  }
}

bool EventHub::followed(const std::string& name) const {
  for (const auto& s : sessions_) {
    if (!s->closed() && s->follows.contains(name)) return true;
  }
  return false;
}

void EventHub::forget_held_back(const std::string& name) {
  for (auto stream : {LogStream::out, LogStream::err, LogStream::watcher}) {
    partial_.erase(name + '\0' + std::string(to_string(stream)));
  }
}

size_t EventHub::held_back(const std::string& name, LogStream stream) const {
  const auto it = partial_.find(name + '\0' + std::string(to_string(stream)));
  return it == partial_.end() ? 0 : it->second.size();
}

void EventHub::on_output(const std::string& name, LogStream stream, std::string_view data,
                         const LogPosition& end) {
  auto follows = [&name](const std::shared_ptr<Session>& s) {
    return !s->closed() && s->follows.contains(name);
  };
  bool any = false;
  for (const auto& s : sessions_) {
    if (follows(s)) {
      any = true;
      break;
    }
  }
  const std::string key = name + '\0' + std::string(to_string(stream));
  if (!any) {
    partial_.erase(key);
    return;
  }
  std::string text;
  if (auto it = partial_.find(key); it != partial_.end()) {
    text = std::move(it->second);
    partial_.erase(it);
  }
  text.append(data);
  const size_t keep = proto::incomplete_utf8_tail(text);
  if (keep > 0) {
    partial_.emplace(key, text.substr(text.size() - keep));
    text.resize(text.size() - keep);
  }
  if (text.empty()) return;
  // Built once each, and only when some session wants that form: most followers take the
  // plain one, byte for byte what they got before positions existed.
  std::string plain;
  std::string positioned;
  for (const auto& s : sessions_) {
    if (!follows(s)) continue;
    std::string& line = s->follows.positions() ? positioned : plain;
    if (line.empty()) {
      std::optional<LogPosition> after;
      if (s->follows.positions()) {
        after = LogPosition{end.file, end.offset - std::min<uint64_t>(keep, end.offset)};
      }
      line = log_line(name, stream, text, after);
    }
    s->send(line);
  }
}

std::string log_line(const std::string& name, LogStream stream, std::string_view text,
                     const std::optional<LogPosition>& end) {
  json::object params{{"name", name}, {"stream", to_string(stream)}, {"data", text}};
  if (end) {
    params["file"] = to_token(end->file);
    params["offset"] = end->offset;
  }
  return proto::notification_line("log", params);
}

}  // namespace bgo::daemon
