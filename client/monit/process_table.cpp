// SPDX-License-Identifier: MIT
// ProcessTable.
#include "client/monit/process_table.hpp"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

namespace bgo::client::monit {

namespace json = boost::json;

namespace {

std::optional<int64_t> integer(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->get_int64();
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool contains_ignoring_case(std::string_view text, std::string_view part) {
  if (part.empty()) return true;
  return std::search(text.begin(), text.end(), part.begin(), part.end(),
                     [](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

// The state an event leaves a process in; the rest of its row waits for the next `list`.
void apply_to_row(Row& row, const Event& event) {
  const auto stopped = [&] {
    row.status = "stopped";
    row.cpu.reset();
    row.memory.reset();
    row.uptime.reset();
  };
  if (event.kind == "spawned") {
    row.status = "online";
    if (event.pid) row.pid = event.pid;
    row.errored = false;
    row.waiting_for.clear();
    row.uptime = 0;
    if (row.ready) row.ready = false;  // its readiness check starts again
    if (!row.health.empty()) row.health = "starting";
  } else if (event.kind == "exited") {
    stopped();
    row.exit_code = event.exit_code;
    row.exit_signal = event.exit_signal;
    row.stop_reason = event.exit_code == 0 ? "exited" : "crashed";
  } else if (event.kind == "stopped") {
    stopped();
    row.exit_code = event.exit_code;
    row.exit_signal = event.exit_signal;
    row.stop_reason = event.reason.empty() ? "user" : event.reason;
  } else if (event.kind == "errored") {
    stopped();
    row.errored = true;
    row.waiting_for.clear();
  } else if (event.kind == "ready") {
    row.ready = true;
  } else if (event.kind == "unready") {
    row.ready = false;
  } else if (event.kind == "unhealthy") {
    row.health = "unhealthy";
  } else if (event.kind == "waiting") {
    row.status = "waiting";
    row.waiting_for.clear();
    std::string_view rest = event.reason;
    while (!rest.empty()) {
      const auto comma = rest.find(", ");
      row.waiting_for.emplace_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 2);
    }
  }
}

// What a newer event said about `fresh`'s process stays; the list's other fields are taken.
Row merged(const Row& by_event, Row fresh) {
  fresh.status = by_event.status;
  fresh.pid = by_event.pid;
  fresh.errored = by_event.errored;
  fresh.stop_reason = by_event.stop_reason;
  fresh.exit_code = by_event.exit_code;
  fresh.exit_signal = by_event.exit_signal;
  fresh.ready = by_event.ready;
  fresh.health = by_event.health;
  fresh.waiting_for = by_event.waiting_for;
  if (!fresh.online()) {
    fresh.cpu.reset();
    fresh.memory.reset();
    fresh.uptime.reset();
  }
  return fresh;
}

// -1 for a missing number, so that it sorts after every real one when largest come first.
double number_or_none(const std::optional<double>& v) { return v.value_or(-1.0); }
double number_or_none(const std::optional<int64_t>& v) {
  return v ? static_cast<double>(*v) : -1.0;
}

}  // namespace

std::string_view to_string(Column column) {
  switch (column) {
    case Column::name:
      return "name";
    case Column::project:
      return "project";
    case Column::state:
      return "state";
    case Column::pid:
      return "pid";
    case Column::restarts:
      return "restarts";
    case Column::uptime:
      return "uptime";
    case Column::cpu:
      return "cpu";
    case Column::memory:
      return "memory";
  }
  return "name";
}

std::optional<Event> parse_event(const json::object& params) {
  const json::value* kind = params.if_contains("kind");
  const json::value* name = params.if_contains("name");
  if (kind == nullptr || !kind->is_string() || name == nullptr || !name->is_string()) {
    return std::nullopt;
  }
  Event event;
  event.kind = kind->get_string();
  event.name = name->get_string();
  event.pid = integer(params, "pid");
  event.exit_code = integer(params, "exit_code");
  event.exit_signal = integer(params, "exit_signal");
  event.delay_ms = integer(params, "delay_ms");
  if (const json::value* r = params.if_contains("reason"); r != nullptr && r->is_string()) {
    event.reason = r->get_string();
  }
  return event;
}

void ProcessTable::apply_list(const std::vector<Row>& rows, std::uint64_t seq_at_send) {
  std::set<std::string_view> listed;
  for (const Row& row : rows) {
    if (auto gone = deleted_.find(row.name); gone != deleted_.end() && gone->second > seq_at_send) {
      continue;  // deleted after this list was answered
    }
    listed.insert(row.name);
    auto [it, fresh] = entries_.try_emplace(row.name);
    Entry& entry = it->second;
    if (!fresh && entry.event_seq > seq_at_send) {
      entry.row = merged(entry.row, row);
    } else {
      entry.row = row;
      if (row.online() || row.errored) entry.backoff_until.reset();
    }
    // A process that is not running leaves a gap in its lines.
    const bool online = entry.row.online();
    entry.cpu.add(online ? std::optional<double>(entry.row.cpu.value_or(0.0)) : std::nullopt);
    entry.memory.add(online
                         ? std::optional<double>(static_cast<double>(entry.row.memory.value_or(0)))
                         : std::nullopt);
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    // A process the list does not know was deleted, unless an event since made it.
    if (listed.count(it->first) == 0 && it->second.event_seq <= seq_at_send) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  std::erase_if(deleted_, [&](const auto& d) { return d.second <= seq_at_send; });
  changed();
}

void ProcessTable::apply_event(const Event& event, Clock::time_point now) {
  ++event_seq_;
  changed();
  if (event.kind == "deleted") {
    entries_.erase(event.name);
    deleted_[event.name] = event_seq_;
    return;
  }
  deleted_.erase(event.name);
  auto [it, fresh] = entries_.try_emplace(event.name);
  Entry& entry = it->second;
  if (fresh) {
    entry.row.name = event.name;
    entry.row.status = "stopped";
  }
  entry.event_seq = event_seq_;
  apply_to_row(entry.row, event);
  if (event.kind == "restart_scheduled") {
    entry.backoff_until = now + std::chrono::milliseconds(event.delay_ms.value_or(0));
  } else if (event.kind == "spawned" || event.kind == "stopped" || event.kind == "errored" ||
             event.kind == "waiting") {
    entry.backoff_until.reset();
  }
}

bool ProcessTable::has_projects() const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [](const auto& e) { return !e.second.row.project.empty(); });
}

const Entry* ProcessTable::find(std::string_view name) const {
  const auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

void ProcessTable::sort_by(Column column) {
  if (column == sort_) {
    descending_ = !descending_;
  } else {
    sort_ = column;
    const bool text = column == Column::name || column == Column::project;
    // STATE sorts by urgency (errored first), which is its natural "ascending" order.
    descending_ = !text && column != Column::state;
  }
  changed();
}

void ProcessTable::set_filter(std::string text) {
  filter_ = std::move(text);
  changed();
}

const std::vector<const Entry*>& ProcessTable::view() const {
  if (stale_) rebuild();
  return view_;
}

void ProcessTable::rebuild() const {
  stale_ = false;
  view_.clear();
  view_.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) {
    if (contains_ignoring_case(name, filter_) ||
        contains_ignoring_case(entry.row.project, filter_)) {
      view_.push_back(&entry);
    }
  }
  // Ties (and the text columns) fall back to the name, so equal rows keep a stable order.
  const auto key_less = [this](const Entry* a, const Entry* b) -> int {
    const auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
    switch (sort_) {
      case Column::name:
        return 0;
      case Column::project:
        return cmp(a->row.project, b->row.project);
      case Column::state:
        return cmp(static_cast<int>(a->state()), static_cast<int>(b->state()));
      case Column::pid:
        return cmp(number_or_none(a->row.online() ? a->row.pid : std::nullopt),
                   number_or_none(b->row.online() ? b->row.pid : std::nullopt));
      case Column::restarts:
        return cmp(a->row.restarts, b->row.restarts);
      case Column::uptime:
        return cmp(number_or_none(a->row.uptime), number_or_none(b->row.uptime));
      case Column::cpu:
        return cmp(number_or_none(a->row.cpu), number_or_none(b->row.cpu));
      case Column::memory:
        return cmp(number_or_none(a->row.memory), number_or_none(b->row.memory));
    }
    return 0;
  };
  std::stable_sort(view_.begin(), view_.end(), [&](const Entry* a, const Entry* b) {
    const int by_key = key_less(a, b);
    if (by_key != 0) return descending_ ? by_key > 0 : by_key < 0;
    return descending_ && sort_ == Column::name ? b->row.name < a->row.name
                                                : a->row.name < b->row.name;
  });
  // The selection follows its process; when it is gone, the row now at its place.
  const auto at = std::find_if(view_.begin(), view_.end(),
                               [&](const Entry* e) { return e->row.name == selected_name_; });
  if (at != view_.end()) {
    selected_index_ = static_cast<std::size_t>(at - view_.begin());
  } else if (!view_.empty()) {
    selected_index_ = std::min(selected_index_, view_.size() - 1);
  } else {
    selected_index_ = 0;
  }
  if (!view_.empty()) selected_name_ = view_[selected_index_]->row.name;
}

const Entry* ProcessTable::selected() const {
  const auto& shown = view();
  return shown.empty() ? nullptr : shown[selected_index_];
}

std::size_t ProcessTable::selected_index() const {
  (void)view();  // brings the index up to date; the view itself is not needed here
  return selected_index_;
}

void ProcessTable::select_index(std::size_t index) {
  const auto& shown = view();
  if (shown.empty()) return;
  selected_index_ = std::min(index, shown.size() - 1);
  selected_name_ = shown[selected_index_]->row.name;
}

void ProcessTable::move_selection(std::ptrdiff_t delta) {
  const auto& shown = view();
  if (shown.empty()) return;
  const auto last = static_cast<std::ptrdiff_t>(shown.size()) - 1;
  const std::ptrdiff_t target =
      std::clamp(static_cast<std::ptrdiff_t>(selected_index()) + delta, std::ptrdiff_t{0}, last);
  select_index(static_cast<std::size_t>(target));
}

void ProcessTable::select_last() {
  const auto& shown = view();
  if (!shown.empty()) select_index(shown.size() - 1);
}

}  // namespace bgo::client::monit
