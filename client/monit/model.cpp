// SPDX-License-Identifier: MIT
// Model: keys and the requests they make (bgod's stream: model_stream.cpp; replies:
// model_replies.cpp).
#include "client/monit/model.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <boost/json.hpp>

namespace bgo::client::monit {

namespace json = boost::json;

namespace {

void append_utf8(std::string& out, Key key) {
  const auto cp = static_cast<char32_t>(key);
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x110000) {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

void erase_last_character(std::string& text) {
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xc0) == 0x80) {
    text.pop_back();
  }
  if (!text.empty()) text.pop_back();
}

std::string quoted(const std::string& name) { return "'" + name + "'"; }

// The active states, for `s`: stopping them is what the user means.
bool is_running(const Entry& entry) {
  const RowState state = entry.state();
  return entry.row.online() || state == RowState::waiting || state == RowState::backoff;
}

}  // namespace

Model::Model(Options options)
    : options_(std::move(options)),
      log_(options_.log_limits),
      history_lines_(options_.history_lines) {}

// ---- keys ------------------------------------------------------------------------------------

void Model::on_key(Key key, Clock::time_point now) {
  const Binding binding = binding_for(mode_, key);
  switch (mode_) {
    case Mode::list:
      on_list_key(binding, now);
      return;
    case Mode::filter: {
      std::string text = table_.filter();
      switch (binding.action) {
        case Action::filter_type:
          append_utf8(text, key);
          break;
        case Action::filter_erase:
          erase_last_character(text);
          break;
        case Action::filter_accept:
          mode_ = Mode::list;
          return;
        case Action::filter_clear:
          text.clear();
          mode_ = Mode::list;
          break;
        case Action::up:
        case Action::down:
          on_list_key(binding, now);
          return;
        default:
          return;
      }
      table_.set_filter(std::move(text));
      selection_moved(now);
      return;
    }
    case Mode::confirm: {
      const std::optional<Confirmation> asked = std::exchange(confirmation_, std::nullopt);
      mode_ = Mode::list;
      if (binding.action == Action::quit) {
        quit_ = true;
      } else if (binding.action == Action::yes && asked) {
        const Entry* entry = table_.find(asked->name);
        if (entry == nullptr) {
          say(quoted(asked->name) + " is gone already", Tone::info);
        } else if (asked->action == Action::remove) {
          outbox_.push_back(Request{"delete",
                                    json::object{{"name", asked->name}, {"keep_logs", false}},
                                    Purpose::action, asked->name, 0, "delete"});
          say("Deleting " + quoted(asked->name) + "...", Tone::info);
        } else {
          outbox_.push_back(Request{"flush", json::object{{"name", asked->name}}, Purpose::action,
                                    asked->name, 0, "flush"});
          say("Emptying the logs of " + quoted(asked->name) + "...", Tone::info);
        }
      } else {
        say("Cancelled: nothing was changed", Tone::info);
      }
      return;
    }
    case Mode::help:
      if (binding.action == Action::quit) quit_ = true;
      mode_ = Mode::list;
      return;
    case Mode::disconnected:
      if (binding.action == Action::quit) quit_ = true;
      if (binding.action == Action::reconnect) {
        reconnect_ = true;
        say("Reconnecting to bgod...", Tone::info);
      }
      return;
  }
}

void Model::on_list_key(const Binding& binding, Clock::time_point now) {
  const auto page = static_cast<std::ptrdiff_t>(std::max<std::size_t>(log_rows_, 2) - 1);
  switch (binding.action) {
    case Action::quit:
      quit_ = true;
      return;
    case Action::up:
      table_.move_selection(-1);
      selection_moved(now);
      return;
    case Action::down:
      table_.move_selection(1);
      selection_moved(now);
      return;
    case Action::first:
      table_.select_first();
      selection_moved(now);
      return;
    case Action::last:
      table_.select_last();
      selection_moved(now);
      return;
    case Action::log_older:
      if (detail_) {
        detail_->scroll = detail_->scroll > static_cast<std::size_t>(page)
                              ? detail_->scroll - static_cast<std::size_t>(page)
                              : 0;
        return;
      }
      log_scroll_ += static_cast<std::size_t>(page);
      // At the oldest line held, and the log has more: read a longer tail.
      if (log_scroll_ + log_rows_ >= log_.size() && history_truncated_ &&
          history_lines_ < k_max_history_lines && live_) {
        history_lines_ = std::min(history_lines_ * 4, k_max_history_lines);
        refollow_ = true;
        say("Reading older lines...", Tone::info);
      }
      log_scroll_ = std::min(log_scroll_, log_.size() > log_rows_ ? log_.size() - log_rows_ : 0);
      return;
    case Action::log_newer:
      if (detail_) {
        detail_->scroll += static_cast<std::size_t>(page);
        return;
      }
      log_scroll_ = log_scroll_ > static_cast<std::size_t>(page)
                        ? log_scroll_ - static_cast<std::size_t>(page)
                        : 0;
      return;
    case Action::sort_by:
      table_.sort_by(binding.column);
      return;
    case Action::sort_left:
      sort_step(-1);
      return;
    case Action::sort_right:
      sort_step(1);
      return;
    case Action::filter_start:
      filter_before_ = table_.filter();
      mode_ = Mode::filter;
      return;
    case Action::toggle_timestamps:
      timestamps_ = !timestamps_;
      return;
    case Action::toggle_watcher:
      source_ = source_ == LogSource::output ? LogSource::watcher : LogSource::output;
      history_lines_ = options_.history_lines;
      refollow_ = true;
      log_.clear();
      log_scroll_ = 0;
      return;
    case Action::help:
      mode_ = Mode::help;
      return;
    case Action::close:
      if (detail_) {
        detail_.reset();
      } else if (!table_.filter().empty()) {
        table_.set_filter("");
        selection_moved(now);
      }
      return;
    default:
      break;
  }
  const Entry* entry = table_.selected();
  if (entry == nullptr) {
    if (binding.action != Action::none) say("No process is selected", Tone::info);
    return;
  }
  act(binding.action, *entry);
}

void Model::act(Action action, const Entry& entry) {
  const std::string& name = entry.row.name;
  switch (action) {
    case Action::restart: {
      json::array env(options_.restart_env.begin(), options_.restart_env.end());
      outbox_.push_back(
          Request{"restart",
                  json::object{{"name", name}, {"reset_counters", false}, {"env", std::move(env)}},
                  Purpose::action, name, 0, "restart"});
      say("Restarting " + quoted(name) + "...", Tone::info);
      return;
    }
    case Action::stop_start:
      if (is_running(entry)) {
        outbox_.push_back(
            Request{"stop", json::object{{"name", name}}, Purpose::action, name, 0, "stop"});
        say("Stopping " + quoted(name) + "...", Tone::info);
      } else {
        // A stopped, registered process starts again from its record: bgod's `restart` (as
        // `bgo start NAME` does).
        json::array env(options_.restart_env.begin(), options_.restart_env.end());
        outbox_.push_back(Request{
            "restart",
            json::object{{"name", name}, {"reset_counters", false}, {"env", std::move(env)}},
            Purpose::action, name, 0, "start"});
        say("Starting " + quoted(name) + "...", Tone::info);
      }
      return;
    case Action::remove:
      confirmation_ = Confirmation{
          Action::remove, name,
          "Delete " + quoted(name) + (is_running(entry) ? " (it runs: it is stopped first)" : "") +
              " and its logs? [y/N]"};
      mode_ = Mode::confirm;
      return;
    case Action::flush:
      confirmation_ =
          Confirmation{Action::flush, name, "Empty the logs of " + quoted(name) + "? [y/N]"};
      mode_ = Mode::confirm;
      return;
    case Action::watch_toggle:
      if (entry.row.watched) {
        outbox_.push_back(
            Request{"unwatch", json::object{{"name", name}}, Purpose::action, name, 0, "unwatch"});
        say("Unwatching " + quoted(name) + "...", Tone::info);
      } else {
        outbox_.push_back(
            Request{"watch", json::object{{"name", name}}, Purpose::action, name, 0, "watch"});
        say("Watching " + quoted(name) + "...", Tone::info);
      }
      return;
    case Action::detail:
      if (detail_) {
        detail_.reset();
      } else {
        request_detail(name);
      }
      return;
    default:
      return;
  }
}

void Model::request_detail(const std::string& name) {
  if (!detail_ || detail_->name != name) detail_ = DetailPane{name, {}, 0};
  outbox_.push_back(
      Request{"get", json::object{{"name", name}}, Purpose::detail, name, 0, "detail"});
}

void Model::sort_step(int step) {
  std::vector<Column> columns{Column::name};
  if (table_.has_projects()) columns.push_back(Column::project);
  for (Column c : {Column::state, Column::pid, Column::restarts, Column::uptime, Column::cpu,
                   Column::memory}) {
    columns.push_back(c);
  }
  const auto at = std::find(columns.begin(), columns.end(), table_.sort_column());
  const std::ptrdiff_t index = at == columns.end() ? 0 : at - columns.begin();
  const std::ptrdiff_t next =
      std::clamp(index + step, std::ptrdiff_t{0}, static_cast<std::ptrdiff_t>(columns.size()) - 1);
  if (next != index) table_.sort_by(columns[static_cast<std::size_t>(next)]);
}

void Model::selection_moved(Clock::time_point now) {
  const Entry* entry = table_.selected();
  const std::string name = entry != nullptr ? entry->row.name : std::string();
  if (name != followed_) selection_changed_at_ = now;
  // The detail pane shows the selected process.
  if (detail_ && !name.empty() && detail_->name != name) request_detail(name);
  if (detail_ && name.empty()) detail_.reset();
}

}  // namespace bgo::client::monit
