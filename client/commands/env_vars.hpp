// SPDX-License-Identifier: MIT
// Environment options of `bgo start` (issue #13.4): --env KEY=VALUE and --env-file FILE.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgo::client {

// True for `KEY=VALUE` with a non-empty KEY of letters, digits and `_`, not starting with a
// digit.
bool is_assignment(std::string_view text);

// The assignments of a dotenv-style file: one `KEY=VALUE` per line, blank lines and `#`
// comments skipped, an optional `export ` prefix, a value in matching single or double quotes
// unquoted. nullopt with `error` ("FILE:LINE: expected KEY=VALUE") on anything else or when
// the file cannot be read.
std::optional<std::vector<std::string>> read_env_file(const std::string& path, std::string& error);

// `base` with each of `overrides` replacing the variable of the same name, or appended.
std::vector<std::string> merge_env(std::vector<std::string> base,
                                   const std::vector<std::string>& overrides);

}  // namespace bgo::client
