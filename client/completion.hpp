// SPDX-License-Identifier: MIT
// Shell completions for bash, zsh and fish (issue #19), generated from the command table the
// parser uses (command_registry() and each handler's CommandLine, read by describe_command()),
// so they cannot drift from it. `bgo completion SHELL` prints one; install.sh and
// `cmake --install` put them where each shell looks.
#pragma once

#include <string>
#include <vector>

#include "client/arg_parser.hpp"

namespace bgo::client {

class Context;

// What a word after an option or in a positional place completes to.
enum class ValueKind { none, any, choices, file, directory, signal, process, command };

struct CompletionOption {
  OptionShape shape;
  ValueKind value = ValueKind::none;  // none for a flag
};

struct CompletionCommand {
  std::string name;
  std::vector<std::string> aliases;
  std::string summary;
  std::vector<CompletionOption> options;
  ValueKind positional = ValueKind::none;  // what its positional words complete to
};

// Every command of the registry (aliases too), with its options, from the handlers themselves.
std::vector<CompletionCommand> completion_commands(Context& ctx);

std::string bash_completion(const std::vector<CompletionCommand>& commands);
std::string zsh_completion(const std::vector<CompletionCommand>& commands);
std::string fish_completion(const std::vector<CompletionCommand>& commands);

}  // namespace bgo::client
