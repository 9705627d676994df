// SPDX-License-Identifier: MIT
// Signal names as users type them: "SIGINT", "INT", "int", "2".
#pragma once

#include <string>
#include <string_view>

#include "common/errors.hpp"

namespace bgo {

// Errors: invalid_params ("unknown signal 'SIGFOO'"). SIGKILL and SIGSTOP are accepted.
Result<int> parse_signal(std::string_view text);
// "SIGINT" for 2; "SIG<n>" for a number without a name.
std::string signal_name(int sig);

}  // namespace bgo
