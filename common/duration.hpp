// SPDX-License-Identifier: MIT
// Durations as users type them: "500ms", "5s", "2m", "1h30m", "1.5s", "1d"; a bare number is
// seconds.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/errors.hpp"

namespace bgo {

// Units ms, s, m, h, d (lower case); a combination names each unit once, largest first, and a
// number may have a fraction ("1.5h") as long as the total is a whole number of milliseconds.
// Errors: invalid_params with a message naming the text ("invalid duration 'x': ...").
// Negative values and values above 30 days are refused.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);
// The spelling parse_duration reads back, whole numbers of each unit, largest first: "500ms",
// "5s", "1m30s", "1s500ms", "2h", "1d"; "0s" for zero.
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace bgo
