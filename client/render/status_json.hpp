// SPDX-License-Identifier: MIT
// `bgo status --json`: the original's row schema and Python json.dumps layout (spec §6.7).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace bgo::client {

// The row object from whatever bgod (or the offline reader) sends: the original's keys name,
// pid, status, cpu, mem, uptime, command, cwd, started_at, watch, then stop_reason, exit_code,
// exit_signal, running_pid, cpu_percent, memory_bytes, uptime_seconds, restarts (issue #13),
// in that order; a missing key is null; then issue #14's health_row_fields() that `full` has
// (client/render/row_format.hpp), in their order, and issue #15's project_row_fields() that
// it has (project, definition); other keys (pgid, logs, ...) are dropped.
boost::json::object status_row(const boost::json::object& full);

// All rows, sorted by name (code-point order), as `json.dumps(rows, indent=2)` + '\n'
// (non-ASCII escaped; `[]` when empty). With `fields` (--fields), each status_row() keeps
// only `name` and the keys named there, in its own order.
std::string status_json(const std::vector<boost::json::object>& rows,
                        const std::vector<std::string>* fields = nullptr);

// One row, for `status NAME --json`, same layout.
std::string status_json(const boost::json::object& row,
                        const std::vector<std::string>* fields = nullptr);

// `{"error": "no process named 'NAME'"}` + '\n' (Python's compact separators).
std::string status_json_error(std::string_view name);

}  // namespace bgo::client
