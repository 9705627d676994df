// SPDX-License-Identifier: MIT
// ProcessPolicy <-> JSON: the same keys and shapes in `start` params, state files and `get`
// (docs/health.md).
#pragma once

#include "common/errors.hpp"
#include "common/process_policy.hpp"

namespace boost::json {
class object;
}

namespace bgo::proto {

// Reads the policy keys of `o` (others are ignored) and checks every value: types, ranges,
// signal names, regexes, URLs, HOST:PORT, cron expressions. Errors: invalid_params naming the
// key and the value ("invalid params: 'stop_signal': unknown signal 'SIGFOO'").
Result<ProcessPolicy> parse_policy(const boost::json::object& o);
// Writes the keys that are set, in the table's order.
void put_policy(boost::json::object& o, const ProcessPolicy& policy);
// Whether `key` is one of the policy's keys.
bool is_policy_key(std::string_view key);

}  // namespace bgo::proto
