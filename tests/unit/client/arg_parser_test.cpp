// SPDX-License-Identifier: MIT
// Tests for the argparse-compatible command lines (spec §2.3): prefixes, glued values, the
// remainder positional of `start`, and argparse's exact error messages.
#include "client/arg_parser.hpp"

#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <gtest/gtest.h>

namespace bgo::client {
namespace {

namespace po = boost::program_options;

using Tokens = std::vector<std::string>;

CommandLine start_spec() {
  CommandLine spec;
  spec.prog = "bgo start";
  spec.options.add_options()("help,h", "show this help message and exit")(
      "cwd", po::value<std::string>(), "Working directory")("watch,w", "Watch")(
      "interval", po::value<int64_t>(), "Interval")(
      "on-fast-crash", po::value<std::string>()->value_name("{backoff,stop,retry}"), "Mode");
  spec.positionals = {{"name", Positional::Arity::one, "Name"},
                      {"cmd", Positional::Arity::remainder, "Command"}};
  return spec;
}

CommandLine logs_spec() {
  CommandLine spec;
  spec.prog = "bgo logs";
  spec.options.add_options()("help,h", "show this help message and exit")("follow,f", "Follow")(
      "lines,n", po::value<int64_t>()->default_value(50), "Lines")("stdout", "Out")("stderr",
                                                                                    "Err");
  spec.positionals = {{"name", Positional::Arity::one, "Name"}};
  return spec;
}

CommandLine status_spec() {
  CommandLine spec;
  spec.prog = "bgo status";
  spec.options.add_options()("help,h", "show this help message and exit")("watch,w", "Watch")(
      "interval", po::value<int64_t>(), "Interval")("json", "JSON")("plain", "Plain")("fancy",
                                                                                      "Fancy");
  spec.exclusive = {{"plain", "fancy"}};
  spec.positionals = {{"name", Positional::Arity::optional, "Name"}};
  return spec;
}

// The message of the UsageError `tokens` raise, or "" when they parse.
std::string error_of(const CommandLine& spec, const Tokens& tokens) {
  try {
    (void)parse_command_line(spec, tokens);
  } catch (const UsageError& e) {
    EXPECT_EQ(e.prog, spec.prog);
    EXPECT_TRUE(e.usage.starts_with("usage: " + spec.prog + " [-h]")) << e.usage;
    return e.what();
  }
  return "";
}

TEST(ArgParser, StartOptionsBeforeTheName) {
  Args a = parse_command_line(start_spec(), {"-w", "--cwd", "/srv", "api", "--", "node", "x.js"});
  EXPECT_TRUE(a.has("watch"));
  EXPECT_EQ(a.vm["cwd"].as<std::string>(), "/srv");
  EXPECT_EQ(a.positionals, Tokens{"api"});
  EXPECT_EQ(a.rest, (Tokens{"node", "x.js"}));
}

TEST(ArgParser, StartOptionsAfterTheNameUpToTheSeparator) {
  // bgo's fix of §12.2 #20: the README's form works.
  Args a = parse_command_line(start_spec(), {"api", "--cwd", "/srv", "-w", "--", "node", "-w"});
  EXPECT_EQ(a.vm["cwd"].as<std::string>(), "/srv");
  EXPECT_TRUE(a.has("watch"));
  EXPECT_EQ(a.rest, (Tokens{"node", "-w"}));
}

TEST(ArgParser, StartCommandBeginsAtTheFirstWordThatIsNotAnOption) {
  Args a = parse_command_line(start_spec(), {"api", "python3", "-m", "http.server", "--cwd", "x"});
  EXPECT_FALSE(a.has("cwd"));
  EXPECT_EQ(a.rest, (Tokens{"python3", "-m", "http.server", "--cwd", "x"}));
  // A later `--` belongs to the command, as in the original.
  a = parse_command_line(start_spec(), {"api", "sh", "--", "--x"});
  EXPECT_EQ(a.rest, (Tokens{"sh", "--", "--x"}));
  // An unknown option after the name starts the command too (the original's REMAINDER).
  a = parse_command_line(start_spec(), {"api", "--bogus", "--", "x"});
  EXPECT_EQ(a.rest, (Tokens{"--bogus", "--", "x"}));
  // A name without a command parses; start reports "No command specified" itself.
  a = parse_command_line(start_spec(), {"api"});
  EXPECT_TRUE(a.rest.empty());
}

TEST(ArgParser, StartWithoutName) {
  EXPECT_EQ(error_of(start_spec(), {}), "the following arguments are required: name, cmd");
  EXPECT_EQ(error_of(start_spec(), {"-w"}), "the following arguments are required: name, cmd");
}

TEST(ArgParser, LongPrefixesAndEqualsValues) {
  Args a = parse_command_line(status_spec(), {"--js", "--int", "5"});
  EXPECT_TRUE(a.has("json"));
  EXPECT_EQ(a.vm["interval"].as<int64_t>(), 5);
  a = parse_command_line(status_spec(), {"--interval=7", "web"});
  EXPECT_EQ(a.vm["interval"].as<int64_t>(), 7);
  EXPECT_EQ(a.positionals, Tokens{"web"});
  a = parse_command_line(start_spec(), {"--on=stop", "x", "y"});
  EXPECT_EQ(a.vm["on-fast-crash"].as<std::string>(), "stop");
}

TEST(ArgParser, AmbiguousPrefix) {
  CommandLine spec;
  spec.prog = "bgo restart";
  spec.options.add_options()("help,h", "help")("reset", "a")("reset-counters", "b");
  spec.positionals = {{"name", Positional::Arity::one, ""}};
  EXPECT_EQ(error_of(spec, {"--res", "x"}),
            "ambiguous option: --res could match --reset, --reset-counters");
  // An exact match wins over longer names it prefixes.
  EXPECT_TRUE(parse_command_line(spec, {"--reset", "x"}).has("reset"));
}

TEST(ArgParser, ShortValuesGluedOrSeparate) {
  EXPECT_EQ(parse_command_line(logs_spec(), {"-n5", "web"}).vm["lines"].as<int64_t>(), 5);
  EXPECT_EQ(parse_command_line(logs_spec(), {"web", "-n", "7"}).vm["lines"].as<int64_t>(), 7);
  // A negative number is a value, not an option.
  EXPECT_EQ(parse_command_line(logs_spec(), {"web", "-n", "-3"}).vm["lines"].as<int64_t>(), -3);
  Args a = parse_command_line(logs_spec(), {"web"});
  EXPECT_EQ(a.vm["lines"].as<int64_t>(), 50);
  EXPECT_FALSE(a.has("lines"));
}

TEST(ArgParser, ClusteredShortFlags) {
  CommandLine spec;
  spec.prog = "bgo delete";
  spec.options.add_options()("help,h", "help")("yes,y", "a")("force,f", "b");
  spec.positionals = {{"name", Positional::Arity::one, ""}};
  Args a = parse_command_line(spec, {"-yf", "x"});
  EXPECT_TRUE(a.has("yes"));
  EXPECT_TRUE(a.has("force"));
  EXPECT_EQ(error_of(spec, {"-yz", "x"}), "argument -y/--yes: ignored explicit argument 'z'");
  EXPECT_EQ(error_of(spec, {"--yes=1", "x"}), "argument -y/--yes: ignored explicit argument '1'");
}

TEST(ArgParser, ValueErrors) {
  EXPECT_EQ(error_of(logs_spec(), {"web", "-n", "x"}),
            "argument -n/--lines: invalid int value: 'x'");
  EXPECT_EQ(error_of(logs_spec(), {"web", "-nx"}), "argument -n/--lines: invalid int value: 'x'");
  EXPECT_EQ(error_of(logs_spec(), {"web", "-n"}), "argument -n/--lines: expected one argument");
  EXPECT_EQ(error_of(logs_spec(), {"-n", "--stdout", "web"}),
            "argument -n/--lines: expected one argument");
  EXPECT_EQ(error_of(status_spec(), {"--interval", "1.5"}),
            "argument --interval: invalid int value: '1.5'");
  EXPECT_EQ(error_of(start_spec(), {"--on-fast-crash", "x", "a", "b"}),
            "argument --on-fast-crash: invalid choice: 'x' (choose from 'backoff', 'stop', "
            "'retry')");
}

TEST(ArgParser, MutuallyExclusiveNamesTheLaterOption) {
  EXPECT_EQ(error_of(status_spec(), {"--plain", "--fancy"}),
            "argument --fancy: not allowed with argument --plain");
  EXPECT_EQ(error_of(status_spec(), {"--fancy", "x", "--plain"}),
            "argument --plain: not allowed with argument --fancy");
  EXPECT_EQ(error_of(status_spec(), {"--plain", "--plain"}), "");
}

TEST(ArgParser, UnknownAndSurplusArguments) {
  EXPECT_EQ(error_of(logs_spec(), {"a", "b"}), "unrecognized arguments: b");
  EXPECT_EQ(error_of(logs_spec(), {"a", "--bogus"}), "unrecognized arguments: --bogus");
  EXPECT_EQ(error_of(logs_spec(), {"--bogus", "a", "b"}), "unrecognized arguments: --bogus b");
  // A missing positional is reported before unknown options.
  EXPECT_EQ(error_of(logs_spec(), {"--bogus"}), "the following arguments are required: name");
}

TEST(ArgParser, OptionsAnywhereAndSeparator) {
  Args a = parse_command_line(logs_spec(), {"-f", "web", "--stderr"});
  EXPECT_TRUE(a.has("follow"));
  EXPECT_TRUE(a.has("stderr"));
  a = parse_command_line(logs_spec(), {"--", "-web"});
  EXPECT_EQ(a.positionals, Tokens{"-web"});
}

TEST(ArgParser, HelpWinsWhereverItIs) {
  EXPECT_TRUE(parse_command_line(logs_spec(), {"web", "-h"}).help);
  EXPECT_TRUE(parse_command_line(logs_spec(), {"--he"}).help);
  EXPECT_TRUE(parse_command_line(start_spec(), {"api", "--help"}).help);
  // Inside start's command it is the command's.
  EXPECT_FALSE(parse_command_line(start_spec(), {"api", "ls", "-h"}).help);
}

TEST(ArgParserFormat, UsageLikeArgparse) {
  EXPECT_EQ(format_usage(status_spec(), 78),
            "usage: bgo status [-h] [-w] [--interval INTERVAL] [--json] [--plain | --fancy]\n"
            "                  [name]\n");
  EXPECT_EQ(format_usage(logs_spec(), 78),
            "usage: bgo logs [-h] [-f] [-n LINES] [--stdout] [--stderr] name\n");
  EXPECT_EQ(format_usage(start_spec(), 78),
            "usage: bgo start [-h] [--cwd CWD] [-w] [--interval INTERVAL]\n"
            "                 [--on-fast-crash {backoff,stop,retry}]\n"
            "                 name ...\n");
}

TEST(ArgParserFormat, HelpSections) {
  const std::string help = format_help(logs_spec(), 78);
  EXPECT_NE(help.find("\npositional arguments:\n  name "), std::string::npos) << help;
  EXPECT_NE(help.find("\noptions:\n  -h, --help "), std::string::npos) << help;
  EXPECT_NE(help.find("  -n LINES, --lines LINES"), std::string::npos) << help;
}

TEST(ArgParserFormat, HelpFillsTheDescriptionToTheWidth) {
  CommandLine spec = logs_spec();
  spec.description =
      "Start bgod at login and on demand through systemd user units (bgod.service, "
      "bgod.socket); see docs/startup.md.";
  const std::string help = format_help(spec, 58);
  EXPECT_NE(help.find("\n\nStart bgod at login and on demand through systemd user\nunits "
                      "(bgod.service, bgod.socket); see docs/startup.md.\n"),
            std::string::npos)
      << help;
}

}  // namespace
}  // namespace bgo::client
