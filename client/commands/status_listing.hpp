// SPDX-License-Identifier: MIT
// The listing of `bgo status` (table, -w, --json, --format, -o), which `bgo ps` shows too, for
// the processes of one project (client/commands/status.cpp).
#pragma once

#include <optional>
#include <string>

#include "client/command.hpp"

namespace bgo::client {

// Declares -w/--watch, --interval, --json, --format, -o/--output, --plain and --fancy.
void add_listing_options(CommandLine& spec);

// What `args` asks for (options of add_listing_options()): the detail of `name`, or the table
// (or JSON, template lines, frames) of every process, or only of those whose `project` is
// `project`. None of them: the table's empty state, or for a project one line saying it has
// no processes (JSON `[]`, no template lines), exit 0. Usage errors throw; exit 1 when bgod
// cannot be asked.
int run_listing(Context& ctx, const Args& args, const std::optional<std::string>& name,
                const std::optional<std::string>& project);

}  // namespace bgo::client
