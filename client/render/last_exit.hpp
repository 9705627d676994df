// SPDX-License-Identifier: MIT
// How a process last ended, from the row/detail JSON's stop_reason, exit_code, exit_signal and
// stopped_at (issue #13: a crash must not look like a stop).
#pragma once

#include <string>

#include <boost/json/object.hpp>

namespace bgo::client {

// Not online, and bgod recorded stop_reason "crashed" (it exited on its own, with a failure).
bool is_crashed(const boost::json::object& row);

// "3" for an exit code, "SIGKILL" for a signal, "" when neither is recorded.
std::string exit_brief(const boost::json::object& row);

// The detail view's `Last exit:` value: "code 3 (crashed) at <stopped_at>" or
// "signal 9 (SIGKILL, stopped by user) at …"; "" when no exit is recorded.
std::string last_exit_text(const boost::json::object& row);

}  // namespace bgo::client
