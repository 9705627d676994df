// SPDX-License-Identifier: MIT
// `bgo status --json`: the original's row schema and Python json.dumps layout (spec §6.7).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace bgo::client {

// The original's row object from whatever bgod (or the offline reader) sends: exactly the keys
// name, pid, status, cpu, mem, uptime, command, cwd, started_at, watch, in that order; a
// missing key is null; extra keys (pgid, logs, exit_code, ...) are dropped.
boost::json::object status_row(const boost::json::object& full);

// All rows, sorted by name (code-point order), as `json.dumps(rows, indent=2)` + '\n'
// (non-ASCII escaped; `[]` when empty).
std::string status_json(const std::vector<boost::json::object>& rows);

// One row, for `status NAME --json`, same layout.
std::string status_json(const boost::json::object& row);

// `{"error": "no process named 'NAME'"}` + '\n' (Python's compact separators).
std::string status_json_error(std::string_view name);

}  // namespace bgo::client
