// SPDX-License-Identifier: MIT
// start, stop, restart, delete, clean, watch, unwatch, autostart (spec §3.1–§3.3, §3.7–§3.12).
#include <iostream>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "common/name.hpp"

namespace bgo::client {

namespace json = boost::json;
namespace po = boost::program_options;

int run_start(Context& ctx, const std::string& name, std::vector<std::string> command,
              std::optional<std::string> cwd, bool watch, json::object extra) {
  if (!check_name(ctx, name)) return 1;
  if (!command.empty() && command.front() == "--") command.erase(command.begin());
  if (command.empty()) {
    print_start_error(ctx, make_error(Errc::invalid_params, "No command specified"), name);
    return 1;
  }
  std::string dir = client_cwd();
  if (cwd)
    dir = std::filesystem::path(*cwd).is_absolute()
              ? *cwd
              : (std::filesystem::path(dir) / *cwd).lexically_normal().string();
  json::array cmd, env;
  for (auto& a : command) cmd.emplace_back(a);
  for (auto& e : client_env()) env.emplace_back(e);
  extra["name"] = name;
  extra["command"] = std::move(cmd);
  extra["cwd"] = dir;
  extra["env"] = std::move(env);
  extra["watch"] = watch;
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  auto r = conn->call("start", json::value(std::move(extra)));
  if (!r) {
    print_start_error(ctx, r.error(), name);
    return 1;
  }
  print_started(ctx, *r);
  return 0;
}

int cmd_start(Context& ctx, const std::vector<std::string>& tokens) {
  po::options_description o("Options");
  o.add_options()("help,h", "show this help")("cwd", po::value<std::string>(),
                                              "Working directory for the process")(
      "watch,w", "Auto-restart this process if it crashes")(
      "interval", po::value<int64_t>(),
      "Watch poll interval in seconds (default: 3; kept for compatibility)")(
      "min-uptime", po::value<int64_t>(), "Crash threshold in seconds (default: 2)")(
      "on-fast-crash", po::value<std::string>(),
      "Fast-crash policy: backoff, stop or retry (default: backoff)")(
      "autostart", po::value<std::string>(),
      "always, unless-stopped or never (default: unless-stopped)")(
      "max-log-size", po::value<std::string>(),
      "Rotate logs at this size, e.g. 10M (default: 10M; 0 = never)")(
      "log-files", po::value<int64_t>(), "Rotated log files kept (default: 5)")(
      "time", "Prefix each log line with an ISO-8601 timestamp");
  auto args = parse_or_help(ctx, tokens, o, "NAME [-- COMMAND [ARGS...]]", true);
  if (!args) return 0;
  if (args->positionals.empty())
    throw UsageError("the following arguments are required: name, cmd");
  if (args->positionals.size() > 1)
    throw UsageError("unrecognized arguments: " + args->positionals[1]);
  json::object extra;
  if (args->has("interval")) extra["interval"] = args->vm["interval"].as<int64_t>();
  if (args->has("min-uptime")) extra["min_uptime"] = args->vm["min-uptime"].as<int64_t>();
  if (args->has("on-fast-crash")) {
    extra["on_fast_crash"] = check_choice(args->vm["on-fast-crash"].as<std::string>(),
                                          "--on-fast-crash", {"backoff", "stop", "retry"});
  }
  if (args->has("autostart")) {
    extra["autostart"] = check_choice(args->vm["autostart"].as<std::string>(), "--autostart",
                                      {"always", "unless-stopped", "never"});
  }
  if (args->has("max-log-size"))
    extra["max_log_size"] = parse_size(args->vm["max-log-size"].as<std::string>());
  if (args->has("log-files")) extra["log_files"] = args->vm["log-files"].as<int64_t>();
  if (args->has("time")) extra["time"] = true;
  std::optional<std::string> cwd;
  if (args->has("cwd")) cwd = args->vm["cwd"].as<std::string>();
  return run_start(ctx, args->positionals[0], args->rest, cwd, args->has("watch"),
                   std::move(extra));
}

int cmd_stop(Context& ctx, const std::vector<std::string>& tokens) {
  po::options_description o("Options");
  o.add_options()("help,h", "show this help")("force,f", "Force kill (SIGKILL)")(
      "timeout", po::value<double>(), "Seconds between SIGTERM and SIGKILL (default: 5)");
  auto args = parse_or_help(ctx, tokens, o, "NAME");
  if (!args) return 0;
  const std::string name = one_name(*args);
  if (!check_name(ctx, name)) return 1;
  json::object p{{"name", name}, {"force", args->has("force")}};
  if (args->has("timeout"))
    p["timeout_ms"] = static_cast<int64_t>(args->vm["timeout"].as<double>() * 1000);
  auto r = ctx.call("stop", p);
  if (!r) return 1;
  const json::object& o2 = r->as_object();
  const std::string pid = json::serialize(o2.at("pid"));
  if (!o2.at("was_running").as_bool()) {
    ctx.say(paint(ctx.out(), Color::yellow, "⚠️") + "  Process '" + name + "' is not running");
  } else if (args->has("force")) {
    ctx.say("💀 Killed '" + name + "' (PID: " + pid + ")");
  } else {
    ctx.say("🛑 Stopped '" + name + "' (PID: " + pid + ")");
  }
  return 0;
}

int cmd_restart(Context& ctx, const std::vector<std::string>& tokens) {
  po::options_description o("Options");
  o.add_options()("help,h", "show this help")(
      "reset-counters", "Also zero the watch restart counter (default: preserve)");
  auto args = parse_or_help(ctx, tokens, o, "NAME");
  if (!args) return 0;
  const std::string name = one_name(*args);
  if (!check_name(ctx, name)) return 1;
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  json::array env;
  for (auto& e : client_env()) env.emplace_back(e);
  auto r = conn->call("restart", json::object{{"name", name},
                                              {"reset_counters", args->has("reset-counters")},
                                              {"env", std::move(env)}});
  if (!r) {
    if (r.error().detail == "was_running") ctx.say("🛑 Stopping '" + name + "'...");
    print_start_error(ctx, r.error(), name);
    return 1;
  }
  if (r->as_object().at("was_running").as_bool()) ctx.say("🛑 Stopping '" + name + "'...");
  print_started(ctx, *r);
  return 0;
}

int cmd_delete(Context& ctx, const std::vector<std::string>& tokens) {
  po::options_description o("Options");
  o.add_options()("help,h", "show this help")("yes,y", "Skip confirmation")(
      "keep-logs", "Preserve out/err/watcher log files after delete");
  auto args = parse_or_help(ctx, tokens, o, "NAME");
  if (!args) return 0;
  const std::string name = one_name(*args);
  if (!check_name(ctx, name)) return 1;
  if (!args->has("yes")) {
    auto detail = ctx.call("get", json::object{{"name", name}});
    if (!detail) return 1;
    if (detail->as_object().at("status").as_string() == "online") {
      if (!ctx.stdin_tty()) {
        ctx.fail(ctx.red_x() + " Process '" + name +
                 "' is running; without a terminal to ask, pass -y to stop and delete it");
        return 1;
      }
      std::cout << "Process '" << name << "' is running. Stop and delete? [y/N] " << std::flush;
      std::string answer;
      if (!std::getline(std::cin, answer)) answer.clear();
      if (answer != "y" && answer != "Y") {
        ctx.say("Cancelled.");
        return 0;
      }
    }
  }
  const bool keep = args->has("keep-logs");
  if (!ctx.call("delete", json::object{{"name", name}, {"keep_logs", keep}})) return 1;
  ctx.say("🗑️  Deleted '" + name + "'" + (keep ? " (logs kept)" : ""));
  return 0;
}

int cmd_clean(Context& ctx, const std::vector<std::string>& tokens) {
  po::options_description o("Options");
  o.add_options()("help,h", "show this help");
  auto args = parse_or_help(ctx, tokens, o, "");
  if (!args) return 0;
  no_positionals(*args);
  auto r = ctx.call("clean", json::object{});
  if (!r) return 1;
  const json::array& removed = r->as_object().at("removed").as_array();
  if (removed.empty()) {
    ctx.say("Nothing to clean up.");
    return 0;
  }
  std::string names;
  for (const auto& n : removed) names += (names.empty() ? "" : ", ") + std::string(n.as_string());
  ctx.say("🧹 Cleaned up " + std::to_string(removed.size()) + " stopped process(es): " + names);
  return 0;
}

int cmd_watch(Context& ctx, const std::vector<std::string>& tokens) {
  po::options_description o("Options");
  o.add_options()("help,h", "show this help")(
      "interval", po::value<int64_t>(),
      "Poll interval in seconds (default: 3; kept for compatibility)")(
      "min-uptime", po::value<int64_t>(), "Crash threshold in seconds (default: 2)")(
      "on-fast-crash", po::value<std::string>(), "Fast-crash policy: backoff, stop or retry")(
      "reset", "Reset watch config to defaults (ignore prior settings)");
  auto args = parse_or_help(ctx, tokens, o, "NAME");
  if (!args) return 0;
  const std::string name = one_name(*args);
  if (!check_name(ctx, name)) return 1;
  json::object p{{"name", name}, {"reset", args->has("reset")}};
  if (args->has("interval")) p["interval"] = args->vm["interval"].as<int64_t>();
  if (args->has("min-uptime")) p["min_uptime"] = args->vm["min-uptime"].as<int64_t>();
  if (args->has("on-fast-crash")) {
    p["on_fast_crash"] = check_choice(args->vm["on-fast-crash"].as<std::string>(),
                                      "--on-fast-crash", {"backoff", "stop", "retry"});
  }
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  auto r = conn->call("watch", p);
  if (!r) {
    if (r.error().code == Errc::invalid_state) {
      ctx.fail(paint(ctx.err(), Color::yellow, "⚠️") + "  " + r.error().message);
    } else {
      ctx.fail(ctx.red_x() + " " + r.error().message);
    }
    return 1;
  }
  const json::object& w = r->as_object();
  ctx.say(paint(ctx.out(), Color::blue, "👁") + " Watching '" + name +
          "' (interval=" + json::serialize(w.at("interval")) +
          "s, min-uptime=" + json::serialize(w.at("min_uptime")) +
          "s, on-fast-crash=" + std::string(w.at("on_fast_crash").as_string()) + ")");
  return 0;
}

int cmd_unwatch(Context& ctx, const std::vector<std::string>& tokens) {
  po::options_description o("Options");
  o.add_options()("help,h", "show this help");
  auto args = parse_or_help(ctx, tokens, o, "NAME");
  if (!args) return 0;
  const std::string name = one_name(*args);
  if (!check_name(ctx, name)) return 1;
  auto r = ctx.call("unwatch", json::object{{"name", name}});
  if (!r) return 1;
  if (!r->as_object().at("was_watched").as_bool()) {
    ctx.say(paint(ctx.out(), Color::yellow, "⚠️") + "  '" + name + "' is not being watched");
  } else {
    ctx.say(paint(ctx.out(), Color::gray, "👁  unwatched") + " '" + name + "'");
  }
  return 0;
}

int cmd_autostart(Context& ctx, const std::vector<std::string>& tokens) {
  po::options_description o("Options");
  o.add_options()("help,h", "show this help");
  auto args = parse_or_help(ctx, tokens, o, "{set NAME POLICY | show NAME}");
  if (!args) return 0;
  const auto& pos = args->positionals;
  if (pos.empty()) throw UsageError("the following arguments are required: action");
  if (pos[0] == "set") {
    if (pos.size() != 3)
      throw UsageError("usage: bgo autostart set NAME {always,unless-stopped,never}");
    if (!check_name(ctx, pos[1])) return 1;
    const std::string policy =
        check_choice(pos[2], "policy", {"always", "unless-stopped", "never"});
    if (!ctx.call("autostart.set", json::object{{"name", pos[1]}, {"policy", policy}})) return 1;
    ctx.say(paint(ctx.out(), Color::green, "✅") + " Autostart policy for '" + pos[1] +
            "' set to '" + policy + "'");
    return 0;
  }
  if (pos[0] == "show") {
    if (pos.size() != 2) throw UsageError("usage: bgo autostart show NAME");
    if (!check_name(ctx, pos[1])) return 1;
    auto r = ctx.call("autostart.show", json::object{{"name", pos[1]}});
    if (!r) return 1;
    ctx.say(pos[1] + ": autostart=" + std::string(r->as_object().at("autostart").as_string()));
    return 0;
  }
  throw UsageError("argument action: invalid choice: '" + pos[0] + "' (choose from 'set', 'show')");
}

}  // namespace bgo::client
