// SPDX-License-Identifier: MIT
// Small helpers shared by the command handlers.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "client/command.hpp"

namespace bgo::client {

// Parses; on -h/--help prints usage and options and returns nullopt.
std::optional<Args> parse_or_help(Context& ctx, const std::vector<std::string>& tokens,
                                  const boost::program_options::options_description& options,
                                  std::string_view usage, bool remainder_after_first = false);
// The single required positional `name` (UsageError otherwise).
std::string one_name(const Args& args);
void no_positionals(const Args& args);
std::string check_choice(const std::string& value, std::string_view option,
                         std::initializer_list<std::string_view> choices);
// "10M", "512K", "1G", "1048576" -> bytes (UsageError on garbage).
int64_t parse_size(const std::string& text);

}  // namespace bgo::client
