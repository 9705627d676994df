// SPDX-License-Identifier: MIT
// One process as `bgo monit` shows it: the fields of a `list` row it needs, typed, and the
// state its STATE cell names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace bgo::client::monit {

// What the STATE cell says, most urgent first (the order `sort by state` uses).
enum class RowState { errored, crashed, unhealthy, not_ready, backoff, waiting, online, stopped };

std::string_view to_string(RowState state);

struct Row {
  std::string name;
  std::string project;            // "" for a process started by hand
  std::string status;             // bgod's: "online", "stopped" or "waiting"
  std::optional<int64_t> pid;     // the running pid when online, else the last run's
  std::optional<double> cpu;      // %CPU over the process's lifetime (bgod's `cpu_percent`)
  std::optional<int64_t> memory;  // resident bytes
  std::optional<int64_t> uptime;  // seconds
  int64_t restarts = 0;
  bool watched = false;  // a watch block that is enabled
  bool errored = false;  // the watch policy gave up
  std::string stop_reason;
  std::optional<int64_t> exit_code;
  std::optional<int64_t> exit_signal;
  std::optional<bool> ready;  // absent without a readiness check
  std::string health;         // "" without checks
  std::vector<std::string> waiting_for;
  std::string command;  // the program's base name and its arguments

  bool online() const { return status == "online"; }
};

// A row of `list` or the start of a `get` reply (docs/protocol.md, "Row"). A key that is
// missing or of another type keeps its default: a monitor shows what it can.
Row parse_row(const boost::json::object& row);

// The STATE of `row`; `in_backoff`: a watch restart is scheduled (a `restart_scheduled` event
// came and no `spawned` yet).
RowState state_of(const Row& row, bool in_backoff);

}  // namespace bgo::client::monit
