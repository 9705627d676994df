// SPDX-License-Identifier: MIT
// How the status table and the detail view show issue #14's state and settings
// (docs/health.md): waiting and starting processes, readiness, health, dependencies, policies.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "client/render/style.hpp"

namespace bgo::client {

// `status` is "waiting": a start accepted whose dependencies are not met yet.
bool is_waiting(const boost::json::object& row);

// Online with `ready` false, or (where `ready` is not a boolean: the check itself, in `get`
// replies) with `health` "starting": running, its readiness check not passed yet.
bool is_starting(const boost::json::object& row);

// The detail view's state lines, each only when the row has it: `Waiting for:` (a non-empty
// `waiting_for`), `Ready:` (`ready` a boolean) and `Health:` (`health` a string, with
// `health_detail` in parentheses). Every line ends with '\n'; "" when there is none.
std::string health_state_lines(const boost::json::object& detail, const Style& style);

// The detail view's "Health and order:" section: one line per setting the row has (a readiness
// check when `ready` is an object, as the state file records it; watchdog_ms, live, after,
// restart, success_codes, stop_signal, stop_timeout_ms, kill_mode, cron, max_memory), after
// a blank line and a bold title; "" when it has none.
std::string health_section(const boost::json::object& detail, const Style& style);

}  // namespace bgo::client
