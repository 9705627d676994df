// SPDX-License-Identifier: MIT
// Subcommand command lines with Python argparse's rules and messages (spec §2.3).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>

namespace bgo::client {

// A command-line usage error: printed argparse-style on stderr (`usage` line(s), then
// `<prog>: error: <what()>`), exit 2.
struct UsageError : std::runtime_error {
  explicit UsageError(const std::string& message, std::string usage_text = {},
                      std::string prog_name = {})
      : std::runtime_error(message), usage(std::move(usage_text)), prog(std::move(prog_name)) {}
  std::string usage;  // "usage: bgo stop [-h] [-f] name\n"; empty when unknown
  std::string prog;   // "bgo stop"; empty when unknown
};

struct Positional {
  enum class Arity {
    one,        // required
    optional,   // `[name]`
    many,       // `[names ...]`, zero or more
    some,       // `names [names ...]`, one or more (argparse nargs='+')
    remainder,  // everything after the previous positional (start's command)
  };
  std::string_view name;
  Arity arity = Arity::one;
  std::string_view help;
};

// One subcommand's declaration. Options are program_options descriptions (a
// std::vector<std::string> value collects every occurrence, argparse's append); a value's
// `value_name` is its argparse metavar, and a name written `{a,b,c}` restricts the value to
// those choices.
struct CommandLine {
  std::string prog;  // "bgo start" (the canonical name, also for aliases, as argparse does)
  std::string description;
  boost::program_options::options_description options{"options"};
  std::vector<Positional> positionals;
  // Pairs of long option names that may not be given together (`--plain` / `--fancy`).
  std::vector<std::pair<std::string, std::string>> exclusive;
};

// Parsed command line of one subcommand.
struct Args {
  boost::program_options::variables_map vm;
  std::vector<std::string> positionals;
  std::vector<std::string> rest;  // the remainder positional (start's command)
  bool help = false;              // -h/--help was given: print help, exit 0
  std::string usage;              // for errors the command detects after parsing
  std::string prog;

  bool has(const char* key) const { return vm.count(key) != 0 && !vm[key].defaulted(); }
  // Throws a UsageError carrying this command's usage line.
  [[noreturn]] void fail(const std::string& message) const;
};

// One option of a CommandLine as the parser reads it: for help, completions and man pages.
struct OptionShape {
  std::string long_name;  // without dashes
  char short_name = 0;    // 0 when none
  bool takes_value = false;
  std::string metavar;               // "SECONDS", "FILE", "{a,b}"
  std::vector<std::string> choices;  // from a `{a,b,c}` value name; empty: any value
  std::string help;
};
std::vector<OptionShape> option_shapes(const CommandLine& spec);

// A CommandLine as data: what completions and man pages are generated from.
struct CommandShape {
  std::string prog;  // "bgo start"
  std::string description;
  std::vector<OptionShape> options;
  std::vector<Positional> positionals;
};
CommandShape command_shape(const CommandLine& spec);

// Parses `tokens` (the words after the subcommand) as argparse would: options anywhere (long
// ones by any unambiguous prefix, `--opt=value`, `-n5`, clustered short flags), `--` ends
// options, argparse's messages for unknown/ambiguous options, missing or bad values, invalid
// choices, mutually exclusive options, missing and surplus positionals. bgo's fix over the
// original (§12.2 #20): with a remainder positional, options may also follow the name up to
// the first `--` or the first word that is not one of the command's options, which starts
// the command. Throws UsageError.
Args parse_command_line(const CommandLine& spec, const std::vector<std::string>& tokens);

// Terminal width argparse formats for: terminal_columns() (client/terminal.hpp) minus 2.
int help_width();

// argparse's usage line(s), "usage: ...\n", wrapped at `width`.
std::string format_usage(const CommandLine& spec, int width);

// argparse's help: usage, description (filled to `width`), positional arguments, options.
std::string format_help(const CommandLine& spec, int width);

}  // namespace bgo::client
