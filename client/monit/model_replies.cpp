// SPDX-License-Identifier: MIT
// Model: what each reply changes and says in the status line.
#include <boost/json.hpp>

#include "client/monit/model.hpp"
#include "client/render/detail.hpp"

namespace bgo::client::monit {

namespace json = boost::json;

namespace {

std::string quoted(const std::string& name) { return "'" + name + "'"; }

const json::object* object_of(const Result<json::value>& reply) {
  return reply && reply->is_object() ? &reply->get_object() : nullptr;
}

std::optional<int64_t> integer(const json::object* o, std::string_view key) {
  if (o == nullptr) return std::nullopt;
  const json::value* v = o->if_contains(key);
  return v != nullptr && v->is_int64() ? std::optional<int64_t>(v->get_int64()) : std::nullopt;
}

bool flag(const json::object* o, std::string_view key) {
  if (o == nullptr) return false;
  const json::value* v = o->if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

// "Started 'web' (PID 41302)", or that it waits for its dependencies.
std::string started(std::string_view verb, const std::string& name, const json::object* result) {
  if (result != nullptr) {
    if (const json::value* w = result->if_contains("waiting_for"); w != nullptr && w->is_array()) {
      std::string what;
      for (const json::value& item : w->get_array()) {
        if (item.is_string()) what += (what.empty() ? "" : ", ") + std::string(item.get_string());
      }
      return quoted(name) + " waits for " + what + " before it starts";
    }
  }
  const auto pid = integer(result, "pid");
  return std::string(verb) + " " + quoted(name) +
         (pid ? " (PID " + std::to_string(*pid) + ")" : std::string());
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

}  // namespace

void Model::on_reply(const Request& request, const Result<json::value>& reply,
                     Clock::time_point now) {
  (void)now;  // replies change no timer today; kept for symmetry with the other inputs
  switch (request.purpose) {
    case Purpose::list: {
      if (!reply || !reply->is_object()) {
        if (!reply) say("list: " + reply.error().message, Tone::error);
        return;
      }
      std::vector<Row> rows;
      if (const json::value* p = reply->get_object().if_contains("processes");
          p != nullptr && p->is_array()) {
        rows.reserve(p->get_array().size());
        for (const json::value& row : p->get_array()) {
          if (row.is_object()) rows.push_back(parse_row(row.get_object()));
        }
      }
      table_.apply_list(rows, request.tag);
      return;
    }
    case Purpose::follow:
      on_follow_reply(request, reply);
      return;
    case Purpose::unfollow:
      return;
    case Purpose::detail:
      on_detail_reply(request, reply);
      return;
    case Purpose::action:
      on_action_reply(request, reply);
      return;
  }
}

void Model::on_follow_reply(const Request& request, const Result<json::value>& reply) {
  if (request.tag != follow_generation_ || request.name != followed_) return;  // superseded
  if (!reply) {
    log_note_ = reply.error().message;
    return;
  }
  log_.clear();
  history_truncated_ = false;
  bool any = false;
  const json::object* result = object_of(reply);
  const json::value* tails = result != nullptr ? result->if_contains("tails") : nullptr;
  if (tails != nullptr && tails->is_array()) {
    for (const json::value& t : tails->get_array()) {
      if (!t.is_object()) continue;
      const json::object& tail = t.get_object();
      const json::value* stream = tail.if_contains("stream");
      const json::value* text = tail.if_contains("text");
      if (stream == nullptr || !stream->is_string() || text == nullptr || !text->is_string()) {
        continue;
      }
      const auto which = parse_stream(stream->get_string());
      if (!which) continue;
      log_.add_history(*which, text->get_string());
      any = any || !text->get_string().empty();
      history_truncated_ = history_truncated_ || flag(&tail, "truncated");
    }
  }
  // The tail is complete (bgod joins it exactly to the notifications that follow it).
  log_.end_window();
  log_added_seen_ = log_.added();
  live_ = true;
  if (!any) {
    log_note_ = source_ == LogSource::watcher ? "(no watcher log yet)" : "(no output yet)";
  }
}

void Model::on_detail_reply(const Request& request, const Result<json::value>& reply) {
  if (!detail_ || detail_->name != request.name) return;  // closed, or another process now
  if (!reply) {
    detail_->lines = {reply.error().message};
    return;
  }
  const json::object* detail = object_of(reply);
  if (detail == nullptr) return;
  // Plain is ASCII only: for a terminal whose locale is not UTF-8.
  const Style style{options_.unicode ? Level::fancy : Level::plain, false};
  detail_->lines = split_lines(render_detail(*detail, style, connected_));
}

void Model::on_action_reply(const Request& request, const Result<json::value>& reply) {
  const std::string& name = request.name;
  if (!reply) {
    say(reply.error().message, Tone::error);
    return;
  }
  const json::object* result = object_of(reply);
  if (request.doing == "restart") {
    say(started("Restarted", name, result), Tone::ok);
  } else if (request.doing == "start") {
    say(started("Started", name, result), Tone::ok);
  } else if (request.doing == "stop") {
    say(flag(result, "was_running") ? "Stopped " + quoted(name) : quoted(name) + " was not running",
        Tone::ok);
  } else if (request.doing == "delete") {
    say("Deleted " + quoted(name), Tone::ok);
  } else if (request.doing == "watch") {
    say("Watching " + quoted(name) + ": it is restarted when it exits", Tone::ok);
  } else if (request.doing == "unwatch") {
    say(flag(result, "was_watched") ? "Stopped watching " + quoted(name)
                                    : quoted(name) + " was not watched",
        Tone::ok);
  } else if (request.doing == "flush") {
    say("Emptied the logs of " + quoted(name), Tone::ok);
    if (name == followed_) {
      log_.clear();
      refollow_ = true;
    }
  }
}

}  // namespace bgo::client::monit
