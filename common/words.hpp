// SPDX-License-Identifier: MIT
// Splits a command line into words the way a shell would quote it, without expanding anything.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/errors.hpp"

namespace bgo {

// Blanks (space, tab, newline) separate words; '...' keeps everything literally; "..." keeps
// everything but \" \\ \$ \`; a backslash outside quotes escapes the next character (a trailing
// one stays, as in bash); backslash-newline is removed. Quotes join the text around them into
// one word, and '' is an empty word. Nothing is expanded: $, ~, *, # and ; are plain text.
// Errors: invalid_params for an unterminated quote or an empty command.
Result<std::vector<std::string>> split_words(std::string_view text);

}  // namespace bgo
