// SPDX-License-Identifier: MIT
// Direct mode, `bgo <name|command> …`: argument shapes to a start or a detail view.
#include "client/direct_mode.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <utility>

namespace bgo::client {
namespace {

constexpr auto k_command_suffixes =
    std::to_array<std::string_view>({".py", ".sh", ".js", ".ts", ".rb", ".pl", ".exe", ".bin"});
// derive_name strips these, in this order: the list above without `.bin` (as the original).
constexpr auto k_name_suffixes =
    std::to_array<std::string_view>({".py", ".sh", ".js", ".ts", ".rb", ".pl", ".exe"});

constexpr auto k_known_commands = std::to_array<std::string_view>(
    {// The original's [L] set (spec §2.1 step 3).
     "start", "stop", "restart", "restart-stopped", "restart-last", "status", "logs", "clean",
     "delete", "resurrect", "watch", "unwatch", "autostart", "tray", "ls", "list", "follow", "tail",
     "-h", "--help", "open", "kill", "rm",
     // bgo's additions.
     "daemon", "flush", "startup", "unstartup", "help", "--version", "-V",
     // issue #13's pm2 spellings.
     "show", "describe", "jlist",
     // issue #19.
     "metrics",
     // issue #15.
     "import", "config", "up", "down", "save", "ps",
     // issue #19.
     "completion",
     // issue #16.
     "export",
     // issue #20.
     "monit", "top"});

bool is_watch_flag(std::string_view arg) { return arg == "-w" || arg == "--watch"; }

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  const std::string_view end = text.substr(text.size() - suffix.size());
  return std::equal(suffix.begin(), suffix.end(), end.begin(),
                    [&](char a, char b) { return lower(a) == lower(b); });
}

DirectParse usage(std::string_view message) {
  DirectParse parse;
  parse.kind = DirectParse::Kind::usage_error;
  parse.usage_message = message;
  return parse;
}

}  // namespace

bool looks_like_command(std::string_view tok, const OnPath& on_path) {
  // Any `/` covers the original's separate "starts with ./" test.
  if (tok.find('/') != std::string_view::npos) return true;
  if (!tok.empty() && on_path && on_path(tok)) return true;
  return std::any_of(k_command_suffixes.begin(), k_command_suffixes.end(),
                     [&](std::string_view suffix) { return ends_with_ignoring_case(tok, suffix); });
}

std::string derive_name(const std::vector<std::string>& command) {
  if (command.empty()) return {};
  std::string_view name = command.front();
  if (const std::size_t slash = name.rfind('/'); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  for (const std::string_view suffix : k_name_suffixes) {
    if (name.ends_with(suffix)) name.remove_suffix(suffix.size());
  }
  return std::string{name};
}

DirectParse parse_direct(const std::vector<std::string>& args, const OnPath& on_path) {
  if (args.empty()) return usage(k_direct_usage);

  // A: a single token only ever shows something; it never starts a process.
  if (args.size() == 1 && !is_watch_flag(args.front())) {
    DirectParse parse;
    parse.kind = args.front().starts_with('-') ? DirectParse::Kind::parser_fallthrough
                                               : DirectParse::Kind::detail_or_unknown;
    parse.name = args.front();
    return parse;
  }

  // B.1: strip bgo's own watch flag without eating the command's (`bgo ping -w 5 host`).
  DirectParse parse;
  std::vector<std::string> rest;
  const auto first_separator = std::find(args.begin(), args.end(), "--");
  if (first_separator != args.end()) {
    for (auto it = args.begin(); it != first_separator; ++it) {
      if (is_watch_flag(*it)) {
        parse.watch = true;
      } else {
        rest.push_back(*it);
      }
    }
    rest.insert(rest.end(), first_separator, args.end());
  } else {
    auto it = args.begin();
    for (; it != args.end() && is_watch_flag(*it); ++it) parse.watch = true;
    rest.assign(it, args.end());
  }

  // B.2
  if (rest.empty()) return usage(k_direct_usage);

  // B.3: with `--`; tokens between the name and `--` are dropped, as in the original.
  const auto separator = std::find(rest.begin(), rest.end(), "--");
  if (separator != rest.end()) {
    if (separator == rest.begin() || rest.front().empty() || std::next(separator) == rest.end()) {
      DirectParse error = usage(k_direct_usage_watch);
      error.watch = parse.watch;
      return error;
    }
    parse.kind = DirectParse::Kind::start;
    parse.name = rest.front();
    parse.command.assign(std::next(separator), rest.end());
    return parse;
  }

  // B.4: without `--`, guess from the shape of the first two tokens.
  parse.kind = DirectParse::Kind::start;
  if (rest.size() >= 2 && !looks_like_command(rest[0], on_path) &&
      looks_like_command(rest[1], on_path)) {
    parse.name = rest[0];
    parse.command.assign(std::next(rest.begin()), rest.end());
  } else {
    parse.command = std::move(rest);
    parse.name = derive_name(parse.command);
  }
  return parse;
}

bool is_known_command(std::string_view first_arg) {
  return std::find(k_known_commands.begin(), k_known_commands.end(), first_arg) !=
         k_known_commands.end();
}

}  // namespace bgo::client
