// SPDX-License-Identifier: MIT
// `bgo start`'s command line and the `start` params its flags make.
#include "client/commands/start_request.hpp"

#include <chrono>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/commands/common.hpp"
#include "client/commands/env_vars.hpp"
#include "client/commands/start_flags.hpp"

namespace bgo::client {

namespace po = boost::program_options;

CommandLine start_command_line() {
  CommandLine spec = command_line("start", "Start a process");
  spec.options.add_options()("cwd", po::value<std::string>(), "Working directory for the process")(
      "watch,w", "Auto-restart this process if it crashes")(
      "interval", po::value<int64_t>(),
      "Accepted for compatibility; no effect (bgod sees exits at once)")(
      "min-uptime", po::value<int64_t>(), "Crash threshold in seconds (default: 2)")(
      "on-fast-crash", po::value<std::string>()->value_name("{backoff,stop,retry}"),
      "Fast-crash policy (default: backoff)")(
      "autostart", po::value<std::string>()->value_name("{always,unless-stopped,never}"),
      "Autostart policy when bgod starts (default: unless-stopped)")(
      "max-log-size", po::value<std::string>(),
      "Rotate logs at this size, e.g. 10M (default: 10M; 0 = never)")(
      "log-files", po::value<int64_t>(), "Rotated log files kept (default: 5)")(
      "time", "Prefix each log line with an ISO-8601 timestamp")(
      "env", po::value<std::vector<std::string>>()->value_name("KEY=VALUE"),
      "Set a variable for the process (repeatable; over bgo's own environment)")(
      "env-file", po::value<std::string>()->value_name("FILE"),
      "Variables from a file of KEY=VALUE lines (# comments; --env wins)")(
      "from", po::value<std::string>()->value_name("FILE"),
      "Start many: one 'NAME [OPTIONS] -- COMMAND' per line of FILE ('-': stdin)");
  add_health_options(spec);
  spec.positionals = {
      {"name", Positional::Arity::one, "Name for this process"},
      {"cmd", Positional::Arity::remainder, "Command to run (use -- before command)"}};
  return spec;
}

std::optional<StartRequest> start_request(Context& ctx, const Args& args) {
  // Checked before anything else, so a bad value starts no bgod and sends nothing.
  const bool has_command = !args.rest.empty() && args.rest != std::vector<std::string>{"--"};
  boost::json::object health = health_params(args, has_command, std::chrono::system_clock::now());
  StartRequest out;
  boost::json::object& extra = out.extra;
  if (args.has("interval")) extra["interval"] = args.vm["interval"].as<int64_t>();
  if (args.has("min-uptime")) extra["min_uptime"] = args.vm["min-uptime"].as<int64_t>();
  if (args.has("on-fast-crash"))
    extra["on_fast_crash"] = args.vm["on-fast-crash"].as<std::string>();
  if (args.has("autostart")) extra["autostart"] = args.vm["autostart"].as<std::string>();
  if (args.has("max-log-size"))
    extra["max_log_size"] = parse_size(args, args.vm["max-log-size"].as<std::string>());
  if (args.has("log-files")) extra["log_files"] = args.vm["log-files"].as<int64_t>();
  if (args.has("time")) extra["time"] = true;
  for (auto& kv : health) extra.emplace(kv.key(), std::move(kv.value()));
  if (args.has("cwd")) out.cwd = args.vm["cwd"].as<std::string>();
  if (args.has("env-file")) {
    std::string error;
    auto from_file = read_env_file(args.vm["env-file"].as<std::string>(), error);
    if (!from_file) {
      ctx.fail(ctx.red_x() + " " + error);
      return std::nullopt;
    }
    out.env = std::move(*from_file);
  }
  if (args.has("env")) {
    for (const auto& kv : args.vm["env"].as<std::vector<std::string>>()) {
      if (!is_assignment(kv)) args.fail("argument --env: expected KEY=VALUE: '" + kv + "'");
      out.env.push_back(kv);
    }
  }
  out.command = args.rest;
  out.watch = args.has("watch");
  return out;
}

bool starts_from_file(const std::vector<std::string>& tokens) {
  for (const auto& t : tokens) {
    if (t == "--") return false;
    if (t == "--from" || t.starts_with("--from=")) return true;
  }
  return false;
}

}  // namespace bgo::client
