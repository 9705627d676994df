// SPDX-License-Identifier: MIT
// ProcessRecord <-> the state-file JSON (spec §1.3–§1.5), in the Python bgo's exact format.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/errors.hpp"
#include "common/process_record.hpp"

namespace boost::json {
class object;
}

namespace bgo::proto {

// Parses a state file's text. Fails on invalid JSON, a non-object, or a missing/ill-typed
// `command`. `fallback_name` (the file stem) is used when the file has no "name".
Result<ProcessRecord> parse_state(std::string_view text, std::string_view fallback_name);

// Serializes like Python json.dumps(indent=2): 2-space indent, non-ASCII escaped as \uXXXX,
// no trailing newline; known keys in the original's order, then bgo's, then unknown ones.
std::string serialize_state(const ProcessRecord& record);

// The record as a JSON object (same key order as serialize_state).
boost::json::object to_json(const ProcessRecord& record);
boost::json::object to_json(const WatchBlock& watch);

}  // namespace bgo::proto
