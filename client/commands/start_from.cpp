// SPDX-License-Identifier: MIT
// `bgo start --from FILE`: many processes in `start_many` calls, one command line per line.
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <boost/json.hpp>

#include "client/commands/common.hpp"
#include "client/commands/env_vars.hpp"
#include "client/commands/start_request.hpp"
#include "client/reply_view.hpp"
#include "common/name.hpp"
#include "common/words.hpp"
#include "proto/jsonrpc.hpp"

namespace bgo::client {

namespace json = boost::json;

namespace {

// Processes per `start_many` call: a call's line stays far below the 1 MiB frame cap even
// with long commands, and a few calls in flight keep bgod busy while replies come back.
constexpr size_t k_per_call = 500;
constexpr size_t k_calls_in_flight = 4;

// `--from FILE` / `--from=FILE` taken out of `tokens` (before any `--`): the file and the rest.
std::pair<std::string, std::vector<std::string>> split_from(const std::vector<std::string>& tokens,
                                                            const std::string& usage) {
  std::string source;
  std::vector<std::string> rest;
  bool found = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (found || (t != "--from" && !t.starts_with("--from="))) {
      rest.push_back(t);
      continue;
    }
    found = true;
    if (t != "--from") {
      source = t.substr(std::strlen("--from="));
    } else if (i + 1 < tokens.size()) {
      source = tokens[++i];
    } else {
      throw UsageError("argument --from: expected one argument", usage, "bgo start");
    }
  }
  if (source.empty()) throw UsageError("argument --from: expected a file or -", usage, "bgo start");
  return {source, rest};
}

std::string absolute_dir(const std::string& dir) {
  if (std::filesystem::path(dir).is_absolute()) return dir;
  return (std::filesystem::path(client_cwd()) / dir).lexically_normal().string();
}

// One line's `start_many` item. Throws UsageError (the caller adds FILE:LINE).
std::optional<json::object> line_item(Context& ctx, const CommandLine& spec,
                                      const std::vector<std::string>& flags,
                                      const std::string& line) {
  auto words = split_words(line);
  if (!words) throw UsageError(words.error().message);
  std::vector<std::string> tokens = flags;
  tokens.insert(tokens.end(), words->begin(), words->end());
  const Args args = parse_command_line(spec, tokens);
  if (args.help || args.has("from")) throw UsageError("--help and --from are not allowed here");
  const std::string& name = args.positionals.at(0);
  if (!is_valid_name(name) || name == "all") {
    throw UsageError("invalid process name: '" + name + "'");
  }
  auto request = start_request(ctx, args);
  if (!request) return std::nullopt;
  if (!request->command.empty() && request->command.front() == "--") {
    request->command.erase(request->command.begin());
  }
  if (request->command.empty()) throw UsageError("no command for '" + name + "'");
  json::object item = std::move(request->extra);
  item["name"] = name;
  json::array command;
  for (auto& a : request->command) command.emplace_back(a);
  item["command"] = std::move(command);
  item["watch"] = request->watch;
  if (request->cwd) item["cwd"] = absolute_dir(*request->cwd);
  if (!request->env.empty()) {
    json::array env;
    for (auto& e : merge_env(client_env(), request->env)) env.emplace_back(e);
    item["env"] = std::move(env);
  }
  return item;
}

// Prints one item of a BatchResult; false when it failed.
bool report_item(Context& ctx, const ReplyView& item) {
  const std::string name = item.str("name");
  if (item.boolean("ok")) {
    const ReplyView r = item.child("result");
    if (const json::value* w = r.find("waiting_for");
        w != nullptr && w->is_array() && !w->as_array().empty()) {
      ctx.say(paint(ctx.out(), Color::yellow, "⏳") + " Accepted '" + name + "' (waiting)");
    } else {
      ctx.say(paint(ctx.out(), Color::green, "✅") + " Started '" + name +
              "' (PID: " + std::to_string(r.int64("pid")) + ")");
    }
    return true;
  }
  const ReplyView e = item.child("error");
  proto::RpcError rpc{static_cast<int>(e.int64("code")), e.str("message"), nullptr};
  print_start_error(ctx, proto::from_rpc_error(rpc), name);
  return false;
}

}  // namespace

int run_start_from(Context& ctx, const std::vector<std::string>& tokens) {
  const CommandLine spec = start_command_line();
  const std::string usage = format_usage(spec, help_width());
  auto [source, flags] = split_from(tokens, usage);
  {
    // The flags given with --from apply to every line; a name or command belongs in the file.
    CommandLine flags_only = start_command_line();
    flags_only.positionals.clear();
    const Args args = parse_command_line(flags_only, flags);
    if (args.help) {
      std::cout << format_help(spec, help_width()) << std::flush;
      return 0;
    }
  }
  std::ifstream file;
  if (source != "-") {
    file.open(source);
    if (!file) {
      ctx.fail(ctx.red_x() + " Cannot read '" + source + "': " + std::strerror(errno));
      return 1;
    }
  }
  std::istream& in = source == "-" ? std::cin : file;
  const std::string where = source == "-" ? "<stdin>" : source;
  std::vector<json::object> items;
  std::map<std::string, size_t> lines_of;  // name -> line number
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    try {
      auto item = line_item(ctx, spec, flags, line);
      if (!item) return 1;
      const std::string name(item->at("name").as_string());
      if (auto [it, fresh] = lines_of.emplace(name, number); !fresh) {
        throw UsageError("'" + name + "' is already on line " + std::to_string(it->second));
      }
      items.push_back(std::move(*item));
    } catch (const UsageError& e) {
      throw UsageError(where + ":" + std::to_string(number) + ": " + e.what(), usage, "bgo start");
    }
  }
  if (items.empty()) {
    ctx.say("No processes to start in " + where);
    return 0;
  }
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  json::array env;
  for (auto& e : client_env()) env.emplace_back(e);
  size_t failed = 0, next = 0;
  std::deque<Result<int64_t>> in_flight;
  while (next < items.size() || !in_flight.empty()) {
    while (next < items.size() && in_flight.size() < k_calls_in_flight) {
      json::array batch;
      for (size_t end = std::min(items.size(), next + k_per_call); next < end; ++next) {
        batch.emplace_back(std::move(items[next]));
      }
      in_flight.push_back(conn->send(
          "start_many",
          json::object{{"cwd", client_cwd()}, {"env", env}, {"processes", std::move(batch)}}));
    }
    const Result<int64_t> id = std::move(in_flight.front());
    in_flight.pop_front();
    std::optional<Result<json::value>> reply;
    if (!id) reply = Result<json::value>(id.error());
    while (!reply) reply = conn->reply(*id, std::chrono::minutes(10));
    if (!*reply) {
      ctx.fail(ctx.red_x() + " " + reply->error().message);
      return 1;
    }
    for (const auto& item : ReplyView("start_many", **reply).objects("items")) {
      if (!report_item(ctx, item)) ++failed;
    }
  }
  if (failed > 0) {
    ctx.fail(paint(ctx.err(), Color::yellow, "⚠️") + "  " + std::to_string(failed) + "/" +
             std::to_string(items.size()) + " process(es) failed to start");
    return 1;
  }
  ctx.say(paint(ctx.out(), Color::green, "✅") + " Started " + std::to_string(items.size()) +
          " process(es)");
  return 0;
}

}  // namespace bgo::client
