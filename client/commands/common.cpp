// SPDX-License-Identifier: MIT
// Command helpers.
#include "client/commands/common.hpp"

#include <iostream>

#include <boost/program_options.hpp>

#include "common/size.hpp"

namespace bgo::client {

CommandLine command_line(std::string_view name, std::string_view description) {
  CommandLine spec;
  spec.prog = "bgo " + std::string(name);
  spec.description = description;
  spec.options.add_options()("help,h", "show this help message and exit");
  return spec;
}

namespace {
// Set while describe_command() runs a handler: where parse_or_help() puts the spec.
thread_local std::optional<CommandShape>* t_describing = nullptr;
// Thrown by parse_or_help() to leave the handler before it does anything.
struct Described {};
}  // namespace

std::optional<CommandShape> describe_command(const Command& command, Context& ctx) {
  std::optional<CommandShape> shape;
  t_describing = &shape;
  try {
    (void)command.run(ctx, {});
  } catch (const Described&) {  // the expected way out
  } catch (...) {
    t_describing = nullptr;
    throw;
  }
  t_describing = nullptr;
  return shape;
}

std::optional<Args> parse_or_help(const CommandLine& spec, const std::vector<std::string>& tokens) {
  if (t_describing != nullptr) {
    *t_describing = command_shape(spec);
    throw Described{};
  }
  Args args = parse_command_line(spec, tokens);
  if (args.help) {
    std::cout << format_help(spec, help_width()) << std::flush;
    return std::nullopt;
  }
  return args;
}

std::optional<Args> parse_or_help(Context& ctx, const std::vector<std::string>& tokens,
                                  const boost::program_options::options_description& options,
                                  std::string_view /*usage*/) {
  CommandLine spec;
  spec.prog = ctx.invocation;
  spec.options.add(options);
  spec.positionals = {{"args", Positional::Arity::many, ""}};
  return parse_or_help(spec, tokens);
}

void no_positionals(const Args& args) {
  if (args.positionals.empty()) return;
  std::string list;
  for (const auto& p : args.positionals) list += (list.empty() ? "" : " ") + p;
  args.fail("unrecognized arguments: " + list);
}

std::string one_name(const Args& args) {
  if (args.positionals.empty()) args.fail("the following arguments are required: name");
  if (args.positionals.size() > 1) args.fail("unrecognized arguments: " + args.positionals[1]);
  return args.positionals.front();
}

int64_t parse_size(const Args& args, const std::string& text) {
  const auto bytes = bgo::parse_size(text);
  if (!bytes) args.fail("argument --max-log-size: invalid size value: '" + text + "'");
  return static_cast<int64_t>(*bytes);  // at most k_max_size_bytes (10^18)
}

}  // namespace bgo::client
