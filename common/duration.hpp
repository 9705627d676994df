// SPDX-License-Identifier: MIT
// Durations as users type them: "500ms", "5s", "2m", "1h30m", "1.5s"; a bare number is seconds.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/errors.hpp"

namespace bgo {

// Errors: invalid_params with a message naming the text ("invalid duration 'x': ...").
// Negative values and values above 30 days are refused.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);
// The shortest exact spelling parse_duration reads back: "500ms", "5s", "1m30s", "2h".
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace bgo
