// SPDX-License-Identifier: MIT
// The process list of `bgo monit`: rows from `list` (each second) and from events (as they
// happen), the last minute of CPU and memory per process, the order, the filter and the
// selection. Pure: time comes in as arguments.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "client/monit/history.hpp"
#include "client/monit/row.hpp"

namespace bgo::client::monit {

using Clock = std::chrono::steady_clock;

// The columns the list can be sorted by, in the order they are shown.
enum class Column { name, project, state, pid, restarts, uptime, cpu, memory };

std::string_view to_string(Column column);

// An `event` notification's params (docs/protocol.md, "Events").
struct Event {
  std::string kind;
  std::string name;
  std::optional<int64_t> pid;
  std::optional<int64_t> exit_code;
  std::optional<int64_t> exit_signal;
  std::optional<int64_t> delay_ms;
  std::string reason;
};

// nullopt when `params` has no string `kind` and `name`.
std::optional<Event> parse_event(const boost::json::object& params);

struct Entry {
  Row row;
  History cpu;                                     // percent, one sample per `list`
  History memory;                                  // bytes
  std::optional<Clock::time_point> backoff_until;  // a watch restart is due then
  std::uint64_t event_seq = 0;                     // the last event applied (0: none)

  RowState state() const { return state_of(row, backoff_until.has_value()); }
};

class ProcessTable {
 public:
  // The rows of a `list` reply; each adds a CPU and a memory sample. `seq_at_send` is
  // event_seq() when that `list` was sent: bgod may have answered it before an event that
  // arrived since, so what such an event said (state, pid; a process it created or deleted)
  // wins over the list's picture, which the next `list` brings up to date.
  void apply_list(const std::vector<Row>& rows, std::uint64_t seq_at_send);
  // A state change, seen at `now` (the backoff countdown starts there).
  void apply_event(const Event& event, Clock::time_point now);
  std::uint64_t event_seq() const { return event_seq_; }

  std::size_t size() const { return entries_.size(); }
  // Every entry by name, whatever the filter.
  const std::map<std::string, Entry, std::less<>>& entries() const { return entries_; }
  bool has_projects() const;
  const Entry* find(std::string_view name) const;

  Column sort_column() const { return sort_; }
  bool descending() const { return descending_; }
  // Sorts by `column`; by the same column again, the other way round. Numbers start with the
  // largest first, text with A.
  void sort_by(Column column);
  // The filter: entries whose name or project contains `text`, ignoring ASCII case.
  void set_filter(std::string text);
  const std::string& filter() const { return filter_; }

  // The entries shown, sorted and filtered. Valid until the table changes.
  const std::vector<const Entry*>& view() const;

  // The selected entry (nullptr when none is shown). The selection stays on its process when
  // the order changes; when that process goes, the one now at its place is selected.
  const Entry* selected() const;
  std::size_t selected_index() const;
  void move_selection(std::ptrdiff_t delta);
  void select_first() { select_index(0); }
  void select_last();
  void select_index(std::size_t index);

 private:
  void changed() { stale_ = true; }
  void rebuild() const;

  std::map<std::string, Entry, std::less<>> entries_;
  std::map<std::string, std::uint64_t, std::less<>> deleted_;  // name -> event_seq of `deleted`
  std::uint64_t event_seq_ = 0;
  Column sort_ = Column::name;
  bool descending_ = false;
  std::string filter_;
  // The view and the selection, rebuilt lazily after a change.
  mutable bool stale_ = true;
  mutable std::vector<const Entry*> view_;
  mutable std::string selected_name_;
  mutable std::size_t selected_index_ = 0;
};

}  // namespace bgo::client::monit
