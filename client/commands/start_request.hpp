// SPDX-License-Identifier: MIT
// `bgo start`'s command line and the request it makes, shared by the one-process form and by
// `bgo start --from FILE`, which reads one such command line per line of a file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "client/command.hpp"

namespace bgo::client {

// The command line of `bgo start`: every flag, `--from`, and the positionals `name`, `cmd`.
CommandLine start_command_line();

// What one parsed `bgo start` command line asks for.
struct StartRequest {
  std::vector<std::string> command;  // may begin with "--"
  std::optional<std::string> cwd;    // --cwd as given (relative to bgo's own cwd)
  bool watch = false;
  boost::json::object extra;     // the other `start` params its flags give
  std::vector<std::string> env;  // KEY=VALUE from --env-file, then --env
};

// The request of `args` (parsed with start_command_line()). Throws UsageError for a bad flag
// value; nullopt after printing why an --env-file could not be read.
std::optional<StartRequest> start_request(Context& ctx, const Args& args);

// True when `tokens` (the words after `start`) ask for `--from FILE` before any `--`.
bool starts_from_file(const std::vector<std::string>& tokens);

// `bgo start --from FILE|- [FLAGS]`: one `bgo start` command line per line of FILE (or stdin),
// FLAGS applying to each, all sent in `start_many` calls. Nothing is sent when a line is bad
// (exit 2, naming FILE:LINE). Exit 1 when a process failed to start.
int run_start_from(Context& ctx, const std::vector<std::string>& tokens);

}  // namespace bgo::client
