// SPDX-License-Identifier: MIT
// Small helpers shared by the command handlers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/command.hpp"

namespace bgo::client {

// A subcommand's command line with argparse's `-h, --help` already declared; `name` is the
// canonical command name (aliases report under it, as argparse does).
CommandLine command_line(std::string_view name, std::string_view description);

// The command line `command`'s handler declares, without running the handler: while it runs
// under describe_command(), parse_or_help() records its spec and unwinds instead of parsing.
// nullopt for a handler that parses nothing. Generates completions (client/completion.hpp).
std::optional<CommandShape> describe_command(const Command& command, Context& ctx);

// Parses; on -h/--help prints the help on stdout and returns nullopt (exit 0).
std::optional<Args> parse_or_help(const CommandLine& spec, const std::vector<std::string>& tokens);

// The older form, kept for commands that declare only options: any number of positionals,
// prog = `ctx.invocation`. `no_positionals` rejects them argparse-style.
std::optional<Args> parse_or_help(Context& ctx, const std::vector<std::string>& tokens,
                                  const boost::program_options::options_description& options,
                                  std::string_view usage);
void no_positionals(const Args& args);
// The single required positional `name` of the older form (UsageError otherwise).
std::string one_name(const Args& args);

// "10M", "512K", "1G", "1048576" -> bytes (bgo::parse_size, common/size.hpp); a UsageError
// "argument --max-log-size: invalid size value: 'TEXT'" otherwise.
int64_t parse_size(const Args& args, const std::string& text);

}  // namespace bgo::client
