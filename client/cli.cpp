// SPDX-License-Identifier: MIT
// run_cli(): dispatch order of spec §2.1, argument parsing, help.
#include "client/cli.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include "client/autostart.hpp"
#include "client/command.hpp"
#include "client/did_you_mean.hpp"
#include "client/direct_mode.hpp"
#include "client/help_text.hpp"
#include "common/name.hpp"

namespace bgo::client {

namespace {

bool on_path(std::string_view program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr || program.empty()) return false;
  std::string_view rest(path);
  while (true) {
    const size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + std::string(program);
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
      return true;
    }
    if (colon == std::string_view::npos) return false;
    rest.remove_prefix(colon + 1);
  }
}

const Command* find_command(std::string_view name) {
  for (const Command& c : command_registry()) {
    if (c.name == name) return &c;
    for (auto alias : c.aliases) {
      if (alias == name) return &c;
    }
  }
  return nullptr;
}

// The top-level parser's usage line, argparse style: `usage: bgo [-h] [--version] {start,...} ...`.
std::string top_usage() {
  static const std::string choices = [] {
    std::string list;
    for (const Command& c : command_registry()) {
      list += (list.empty() ? "" : ",") + std::string(c.name);
      for (auto alias : c.aliases) list += "," + std::string(alias);
    }
    return "{" + list + ",help}";
  }();
  CommandLine spec;
  spec.prog = "bgo";
  spec.options.add_options()("help,h", "show this help message and exit")(
      "version", "show bgo's version and exit");
  spec.positionals = {{choices, Positional::Arity::one, ""},
                      {"args", Positional::Arity::remainder, ""}};
  return format_usage(spec, help_width());
}

int usage_error(const std::string& usage, const std::string& prog, const std::string& message) {
  std::cout.flush();
  std::cerr << usage << prog << ": error: " << message << "\n";
  return 2;
}

int print_help(const std::vector<std::string>& topics) {
  if (topics.empty()) {
    std::cout << top_level_help(static_cast<std::size_t>(std::max(help_width(), 1)));
    return 0;
  }
  if (topics.size() == 1 &&
      (topics.front() == "help" || topics.front() == "-h" || topics.front() == "--help")) {
    CommandLine spec;
    spec.prog = "bgo help";
    spec.description = "Show help for a command";
    spec.options.add_options()("help,h", "show this help message and exit");
    spec.positionals = {{"command", Positional::Arity::optional, "the command to explain"}};
    std::cout << format_help(spec, help_width());
    return 0;
  }
  const Command* c = find_command(topics.front());
  if (c == nullptr || topics.size() > 1) {
    std::string names;
    for (const Command& cmd : command_registry()) {
      names += (names.empty() ? "'" : ", '") + std::string(cmd.name) + "'";
      for (auto alias : cmd.aliases) names += ", '" + std::string(alias) + "'";
    }
    const std::string usage = "usage: bgo help [-h] [command]\n";
    if (c != nullptr) return usage_error(usage, "bgo help", "unrecognized arguments: " + topics[1]);
    return usage_error(
        usage, "bgo help",
        "argument command: invalid choice: '" + topics.front() + "' (choose from " + names + ")");
  }
  // Each command prints its own help for -h, without touching bgod or the home directory.
  Paths paths("/nonexistent");
  Context ctx(paths, false);
  ctx.invocation = "bgo " + std::string(c->name);
  return c->run(ctx, {"--help"});
}

bool is_prefix_of(std::string_view token, std::string_view option) {
  return token.size() >= 3 && option.starts_with(token);
}

// The command a first word that is not one probably meant (issue #13.6), unless it is a
// program (on PATH, or a path): direct mode for real executables stays as it was.
std::string command_guess(const std::string& word) {
  if (word.empty() || word.starts_with('-') || word.find('/') != std::string::npos ||
      on_path(word)) {
    return {};
  }
  std::vector<std::string> commands{"help"};
  for (const Command& c : command_registry()) {
    commands.emplace_back(c.name);
    for (auto alias : c.aliases) commands.emplace_back(alias);
  }
  return closest_command(word, commands);
}

int run_direct(Context& ctx, const std::vector<std::string>& args) {
  // `bgo stauts` / `bgo restat web`: a typo, not a program to start (`bgo NAME -- CMD` always
  // starts). A single word is looked up as a process first (show_detail).
  // `bgo env NAME` prints the recorded environment; `bgo env …` with a program or an
  // assignment stays direct mode, which starts /usr/bin/env as the original did.
  if (args.size() == 2 && args[0] == "env" && !args[1].starts_with('-') &&
      args[1].find_first_of("=/") == std::string::npos && !on_path(args[1])) {
    ctx.invocation = "bgo env";
    return cmd_env(ctx, {args[1]});
  }
  const std::string guess = command_guess(args.front());
  if (!guess.empty() && args.size() > 1 && args[1] != "--") {
    ctx.fail("bgo: unknown command '" + args.front() + "'. Did you mean '" + guess + "'?");
    return 2;
  }
  DirectParse parsed = parse_direct(args, on_path);
  switch (parsed.kind) {
    case DirectParse::Kind::parser_fallthrough:
      return usage_error(top_usage(), "bgo", "unrecognized arguments: " + args.front());
    case DirectParse::Kind::usage_error:
      ctx.fail(parsed.usage_message);
      return 1;
    case DirectParse::Kind::detail_or_unknown:
      if (!check_name(ctx, parsed.name)) return 1;
      return show_detail(ctx, parsed.name, true, guess);
    case DirectParse::Kind::start:
      if (!check_name(ctx, parsed.name)) return 1;
      return run_start(ctx, parsed.name, parsed.command, std::nullopt, parsed.watch, {});
  }
  return 1;
}

// `--no-color` (pm2's spelling): as the first word, or anywhere before `--` after a command
// that runs no program of the user's (`bgo start NAME CMD --no-color` keeps it for CMD, and
// direct mode never looks). It sets NO_COLOR, which every colour decision reads.
std::vector<std::string> take_no_color(std::vector<std::string> args) {
  bool found = false;
  if (!args.empty() && args.front() == "--no-color") {
    args.erase(args.begin());
    found = true;
  }
  if (!args.empty() && is_known_command(args.front()) && args.front() != "start" &&
      args.front() != "open") {
    const auto end = std::find(args.begin(), args.end(), "--");
    const auto kept = std::remove(args.begin() + 1, end, std::string("--no-color"));
    found = found || kept != end;
    args.erase(kept, end);
  }
  if (found) (void)::setenv("NO_COLOR", "1", 1);  // fails only for a bad name
  return args;
}

int dispatch(std::vector<std::string> args) {
  (void)std::signal(SIGPIPE, SIG_IGN);  // cannot fail for SIGPIPE
  args = take_no_color(std::move(args));
  if (args.empty()) return print_help({});
  const std::string& first = args.front();
  // argparse accepts any unambiguous prefix of the top-level options too (`--he`, `--vers`).
  if (first == "-h" || first == "--help" || (args.size() == 1 && is_prefix_of(first, "--help"))) {
    return print_help({});
  }
  if (first == "--version" || first == "-V" ||
      (args.size() == 1 && is_prefix_of(first, "--version"))) {
    std::cout << "bgo " << BGO_VERSION << "\n";
    return 0;
  }
  if (first == "--write-units" && args.size() == 3) return write_packaged_units(args[1], args[2]);
  if (first == "help") return print_help(std::vector<std::string>(args.begin() + 1, args.end()));
  auto paths = Paths::resolve();
  if (!paths) {
    std::cerr << "❌ " << paths.error().message << "\n";
    return 1;
  }
  Context ctx(*paths, autostart_allowed());
  if (first == "tray") {
    // The Python bgo's Qt tray icon has no counterpart here; never treat it as a process.
    ctx.fail(ctx.red_x() + " bgo has no tray icon; `bgo status -w` shows the processes live");
    return 1;
  }
  const Command* command = is_known_command(first) ? find_command(first) : nullptr;
  try {
    if (command == nullptr) return run_direct(ctx, args);
    ctx.invocation = "bgo " + std::string(command->name);
    return command->run(ctx, std::vector<std::string>(args.begin() + 1, args.end()));
  } catch (const UsageError& e) {
    const std::string prog = e.prog.empty() ? ctx.invocation : e.prog;
    const std::string usage = e.usage.empty() ? "usage: " + prog + " [-h] ...\n" : e.usage;
    return usage_error(usage, prog, e.what());
  }
}

}  // namespace

int run_cli(int argc, char** argv) {
  try {
    return dispatch(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    // A reply of an unexpected shape (ProtocolError), a failed allocation, ...: say so and
    // exit 1 rather than abort.
    std::cout.flush();
    std::cerr << "bgo: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace bgo::client
