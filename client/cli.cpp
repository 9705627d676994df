// SPDX-License-Identifier: MIT
// run_cli(): dispatch order of spec §2.1, argument parsing, help.
#include "client/cli.hpp"

#include <iostream>
#include <signal.h>
#include <unistd.h>

#include <boost/program_options.hpp>

#include "client/autostart.hpp"
#include "client/command.hpp"
#include "client/direct_mode.hpp"
#include "common/name.hpp"

namespace bgo::client {

namespace po = boost::program_options;

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

constexpr std::string_view k_help = R"(usage: bgo [-h] [--version] <command> [options] ...
       bgo [-w] <name> -- <command> [args...]
       bgo [-w] <command> [args...]

A lightweight background process manager: bgod supervises, bgo talks to it.

Commands:
  start (open)         Start a process
  stop (kill)          Stop a process
  restart              Restart a process
  watch                Attach a watcher to an existing running process
  unwatch              Detach watcher from a process (keeps proc running)
  restart-stopped      Restart stopped processes (interactive menu, --all, or by name)
  restart-last         Restart processes ordered by most recent (interactive menu or --all)
  status (ls, list)    Show process status
  logs                 View process logs
  follow (tail)        Follow logs (shorthand for logs -f)
  flush                Empty the logs of one or every process
  clean                Remove stopped processes from list
  resurrect            Restart all processes that were running before shutdown
  delete (rm)          Delete a process completely
  autostart            Per-process autostart policy (set NAME POLICY, show NAME)
  daemon               Control bgod itself (status, stop, start)
  help                 Show help for a command

Examples:
  bgo python3 server.py                          # Start with auto-name 'python3'
  bgo myapp python3 server.py --port 8080        # Start with explicit name
  bgo start myapp -- python3 server.py           # Explicit start command
  bgo start myapp --autostart never -- python3 server.py
  bgo open myapp -- python3 server.py            # Same as start
  bgo myapp -- ./api-server --port 8080          # Name + command with --
  bgo status                                     # Show all processes
  bgo status myapp                               # Show details for myapp
  bgo logs myapp                                 # View logs
  bgo logs myapp -f                              # Follow logs
  bgo follow myapp                               # Same as logs -f
  bgo stop myapp                                 # Stop process
  bgo kill myapp                                 # Same as stop
  bgo stop myapp --force                         # Force kill
  bgo restart myapp                              # Restart process
  bgo restart-stopped                            # Interactive menu of stopped procs
  bgo restart-stopped --all                      # Restart every stopped proc
  bgo restart-stopped foo bar                    # Restart specific stopped procs
  bgo restart-last                               # Menu, most recent first
  bgo restart-last --all                         # Restart all, most recent first
  bgo delete myapp                               # Delete process
  bgo rm myapp                                   # Same as delete
  bgo clean                                      # Remove all stopped processes
  bgo resurrect                                  # Restart processes after reboot
  bgo autostart set myapp never                  # Do not bring myapp back at daemon start
  bgo autostart show myapp                       # Show myapp's autostart policy

Watch mode (auto-restart on crash):
  bgo start -w myapp -- python3 server.py        # Start with auto-restart
  bgo -w myapp python3 server.py                 # Direct mode with watch
  bgo watch myapp                                # Attach watcher to running proc
  bgo watch myapp --interval 5 --min-uptime 3    # Custom watch settings
  bgo unwatch myapp                              # Detach watcher
  bgo logs myapp --watcher                       # View watcher events

Environment: BGO_HOME (default ~/.bgo), BGO_TABLE (plain|normal|fancy), NO_COLOR,
BGO_NO_AUTOSTART=1 (never start bgod; read-only commands then read the files).
)";

const Command* find_command(std::string_view name) {
  for (const Command& c : command_registry()) {
    if (c.name == name) return &c;
    for (auto alias : c.aliases) {
      if (alias == name) return &c;
    }
  }
  return nullptr;
}

int print_help(std::string_view topic) {
  if (!topic.empty()) {
    const Command* c = find_command(topic);
    if (c == nullptr) {
      std::cerr << "bgo help: unknown command '" << topic << "'\n";
      return 2;
    }
    // Each command prints its own option help for -h.
    Paths paths("/nonexistent");
    Context ctx(paths, false);
    ctx.invocation = "bgo " + std::string(c->name);
    return c->run(ctx, {"--help"});
  }
  std::cout << k_help;
  return 0;
}

int run_direct(Context& ctx, const std::vector<std::string>& args) {
  DirectParse parsed = parse_direct(args, on_path);
  switch (parsed.kind) {
    case DirectParse::Kind::parser_fallthrough:
      std::cerr << "usage: bgo [-h] [--version] <command> ...\nbgo: error: unrecognized arguments: "
                << args.front() << "\n";
      return 2;
    case DirectParse::Kind::usage_error:
      ctx.fail(parsed.usage_message);
      return 1;
    case DirectParse::Kind::detail_or_unknown:
      if (!check_name(ctx, parsed.name)) return 1;
      return show_detail(ctx, parsed.name, true);
    case DirectParse::Kind::start:
      if (!check_name(ctx, parsed.name)) return 1;
      return run_start(ctx, parsed.name, parsed.command, std::nullopt, parsed.watch, {});
  }
  return 1;
}

}  // namespace

Args parse_args(const std::vector<std::string>& tokens, const po::options_description& options,
                bool remainder_after_first) {
  Args out;
  std::vector<std::string> before;
  size_t i = 0;
  auto takes_value = [&](const std::string& tok) {
    if (tok.find('=') != std::string::npos) return false;
    const bool is_long = tok.starts_with("--");
    const std::string key = is_long ? tok.substr(2) : tok.substr(1, 1);
    if (!is_long && tok.size() > 2) return false;  // -n5
    const po::option_description* d = options.find_nothrow(key, is_long, false, false);
    return d != nullptr && d->semantic()->max_tokens() > 0;
  };
  bool saw_dashdash = std::find(tokens.begin(), tokens.end(), "--") != tokens.end();
  for (; i < tokens.size(); ++i) {
    const std::string& tok = tokens[i];
    if (tok == "--") {
      out.rest.assign(tokens.begin() + static_cast<long>(i) + 1, tokens.end());
      break;
    }
    if (tok.size() > 1 && tok[0] == '-' && !(tok[1] >= '0' && tok[1] <= '9')) {
      before.push_back(tok);
      if (takes_value(tok) && i + 1 < tokens.size()) before.push_back(tokens[++i]);
      continue;
    }
    out.positionals.push_back(tok);
    if (remainder_after_first && !saw_dashdash) {
      out.rest.assign(tokens.begin() + static_cast<long>(i) + 1, tokens.end());
      break;
    }
  }
  try {
    po::store(po::command_line_parser(before).options(options).run(), out.vm);
    po::notify(out.vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return out;
}

int run_cli(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  ::signal(SIGPIPE, SIG_IGN);
  if (args.empty()) return print_help({});
  const std::string& first = args.front();
  if (first == "-h" || first == "--help") return print_help({});
  if (first == "--version" || first == "-V") {
    std::cout << "bgo " << BGO_VERSION << "\n";
    return 0;
  }
  if (first == "help") return print_help(args.size() > 1 ? args[1] : "");
  auto paths = Paths::resolve();
  if (!paths) {
    std::cerr << "❌ " << paths.error().message << "\n";
    return 1;
  }
  Context ctx(*paths, autostart_allowed());
  const Command* command = is_known_command(first) ? find_command(first) : nullptr;
  if (command == nullptr) return run_direct(ctx, args);
  ctx.invocation = "bgo " + std::string(command->name);
  try {
    return command->run(ctx, std::vector<std::string>(args.begin() + 1, args.end()));
  } catch (const UsageError& e) {
    std::cerr << "usage: " << ctx.invocation << " [-h] ...\n"
              << ctx.invocation << ": error: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace bgo::client
