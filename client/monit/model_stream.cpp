// SPDX-License-Identifier: MIT
// Model: what bgod streams (events, log chunks), the follow of the selection, the connection
// and the end of each frame.
#include <algorithm>

#include <boost/json.hpp>

#include "client/monit/model.hpp"

namespace bgo::client::monit {

namespace json = boost::json;

// ---- notifications ---------------------------------------------------------------------------

void Model::on_notification(std::string_view method, const json::object& params,
                            Clock::time_point now, std::chrono::system_clock::time_point wall) {
  if (method == "log") {
    const json::value* name = params.if_contains("name");
    const json::value* stream = params.if_contains("stream");
    const json::value* data = params.if_contains("data");
    if (!live_ || name == nullptr || !name->is_string() || name->get_string() != followed_ ||
        stream == nullptr || !stream->is_string() || data == nullptr || !data->is_string()) {
      return;
    }
    const std::optional<Stream> which = parse_stream(stream->get_string());
    if (!which || (*which == Stream::watcher) != (source_ == LogSource::watcher)) return;
    log_.add_chunk(*which, data->get_string(), wall);
    log_note_.clear();
    return;
  }
  if (method == "event") {
    if (const auto event = parse_event(params)) on_event(*event, now);
  }
}

void Model::on_event(const Event& event, Clock::time_point now) {
  const Entry* before = table_.selected();
  const std::string was = before != nullptr ? before->row.name : std::string();
  table_.apply_event(event, now);
  const Entry* after = table_.selected();
  if ((after != nullptr ? after->row.name : std::string()) != was) selection_moved(now);
  // The detail pane stays current: the process changed, so read it again.
  if (detail_ && detail_->name == event.name && event.kind != "deleted") {
    request_detail(event.name);
  }
}

// ---- connection ------------------------------------------------------------------------------

void Model::on_disconnected() {
  connected_ = false;
  live_ = false;
  followed_.clear();
  outbox_.clear();
  confirmation_.reset();
  mode_ = Mode::disconnected;
  status_ = StatusLine{};
}

void Model::on_connected(std::string version) {
  connected_ = true;
  version_ = std::move(version);
  followed_.clear();
  live_ = false;
  if (mode_ == Mode::disconnected) {
    mode_ = Mode::list;
    say("Connected to bgod " + version_, Tone::ok);
  }
}

void Model::on_cut_off(std::string version, Clock::time_point now) {
  connected_ = true;
  version_ = std::move(version);
  followed_.clear();
  live_ = false;
  outbox_.clear();  // their answers were lost with the connection
  follow_paused_until_ = now + k_flood_pause;
  say("The output came faster than this screen could read it: bgod closed the connection, "
      "reconnected",
      Tone::info);
}

bool Model::take_reconnect() { return std::exchange(reconnect_, false); }

void Model::set_pane_heights(std::size_t list_rows, std::size_t log_rows) {
  list_rows_ = std::max<std::size_t>(list_rows, 1);
  log_rows_ = std::max<std::size_t>(log_rows, 1);
}

void Model::end_frame() {
  log_.end_window();
  // A reader scrolled back keeps the same lines in view while new ones arrive below.
  if (log_scroll_ > 0 && log_.added() > log_added_seen_) {
    log_scroll_ += static_cast<std::size_t>(log_.added() - log_added_seen_);
  }
  log_added_seen_ = log_.added();
  log_scroll_ = std::min(log_scroll_, log_.size() > log_rows_ ? log_.size() - log_rows_ : 0);
  // The list keeps the selection in view, moving as little as it can.
  const std::size_t selected = table_.selected_index();
  const std::size_t shown = table_.view().size();
  if (selected < list_top_) list_top_ = selected;
  if (selected >= list_top_ + list_rows_) list_top_ = selected + 1 - list_rows_;
  list_top_ = std::min(list_top_, shown > list_rows_ ? shown - list_rows_ : 0);
}

Request Model::list_request() const {
  return Request{"list", json::object{}, Purpose::list, "", table_.event_seq(), "list"};
}

std::vector<Request> Model::take_requests(Clock::time_point now) {
  std::vector<Request> out = std::move(outbox_);
  outbox_.clear();
  if (!connected_) return out;
  const Entry* entry = table_.selected();
  const std::string wanted = entry != nullptr ? entry->row.name : std::string();
  const bool moved = wanted != followed_;
  if (!moved && !refollow_) return out;
  if (moved && !refollow_ && now - selection_changed_at_ < options_.follow_delay) return out;
  if (now < follow_paused_until_) return out;
  if (!followed_.empty() && moved) {
    out.push_back(Request{"unfollow", json::object{{"name", followed_}}, Purpose::unfollow,
                          followed_, 0, "unfollow"});
  }
  if (moved) {
    log_.clear();
    log_scroll_ = 0;
    log_added_seen_ = 0;
    history_lines_ = options_.history_lines;
    history_truncated_ = false;
  }
  followed_ = wanted;
  live_ = false;
  refollow_ = false;
  log_note_.clear();
  if (!wanted.empty()) {
    json::array streams;
    if (source_ == LogSource::output) {
      streams = {"stdout", "stderr"};
    } else {
      streams = {"watcher"};
    }
    out.push_back(Request{"follow",
                          json::object{{"name", wanted},
                                       {"lines", static_cast<int64_t>(history_lines_)},
                                       {"streams", std::move(streams)},
                                       {"count_markers", false}},
                          Purpose::follow, wanted, ++follow_generation_, "follow"});
  }
  return out;
}

std::optional<Clock::time_point> Model::wake_at() const {
  if (!connected_) return std::nullopt;
  const Entry* entry = table_.selected();
  const std::string wanted = entry != nullptr ? entry->row.name : std::string();
  if (wanted == followed_ && !refollow_) return std::nullopt;
  return std::max(selection_changed_at_ + options_.follow_delay, follow_paused_until_);
}

}  // namespace bgo::client::monit
