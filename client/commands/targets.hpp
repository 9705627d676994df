// SPDX-License-Identifier: MIT
// The processes a multi-name command acts on: the names given, or `all` (issue #13.2).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/command.hpp"

namespace bgo::client {

// The reserved name that means "every process".
inline constexpr std::string_view k_all = "all";

enum class AllMeans { every, online };

// `names` as given (each checked with check_name), or, when one of them is `all`, every
// registered process (`AllMeans::online`: every online one) in name order. nullopt after
// printing why (exit 1). An empty list means nothing is registered: "No processes registered."
// was printed.
std::optional<std::vector<std::string>> resolve_targets(Context& ctx,
                                                        const std::vector<std::string>& names,
                                                        AllMeans all = AllMeans::every);

// Runs `one` for each target; the exit code is 0 when every run returned 0, else 1.
int for_each_target(const std::vector<std::string>& targets,
                    const std::function<int(const std::string&)>& one);

// Refuses `all` as the name of a new process (start, direct mode): prints why, false.
bool check_new_name(Context& ctx, const std::string& name);

}  // namespace bgo::client
