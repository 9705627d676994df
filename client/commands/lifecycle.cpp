// SPDX-License-Identifier: MIT
// start, stop, restart, delete, clean, watch, unwatch, autostart (spec §3.1–§3.3, §3.7–§3.12).
#include <chrono>
#include <iostream>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "client/commands/env_vars.hpp"
#include "client/commands/exit_wait.hpp"
#include "client/commands/start_request.hpp"
#include "client/commands/targets.hpp"
#include "client/reply_view.hpp"
#include "common/name.hpp"

namespace bgo::client {

namespace json = boost::json;
namespace po = boost::program_options;

namespace {
int delete_one(Context& ctx, const Args& args, const std::string& name);
int watch_one(Context& ctx, const Args& args, const std::string& name);

// The detail of `name` when bgod has it registered; nullopt otherwise (or without bgod).
std::optional<json::object> recorded(Context& ctx, const std::string& name) {
  Connection* conn = ctx.connection();
  if (conn == nullptr) return std::nullopt;
  auto r = conn->call("get", json::object{{"name", name}});
  if (!r) return std::nullopt;
  return ReplyView("get", *r).object();
}

std::string joined_argv(const json::value& argv) {
  std::string out;
  if (!argv.is_array()) return out;
  for (const auto& a : argv.get_array()) {
    out += (out.empty() ? "" : " ") + (a.is_string() ? std::string(a.get_string()) : "?");
  }
  return out;
}

// `bgo start NAME` of a registered process: bgod's restart of a stopped process starts it
// with its recorded command, cwd and environment.
int start_recorded(Context& ctx, const std::string& name, const json::object& detail) {
  const ReplyView d("get", detail);
  if (d.str("status") == "online") {
    ctx.fail(ctx.red_x() + " Process '" + name +
             "' is already running (PID: " + json::serialize(d.at("pid")) + ")");
    ctx.fail("   Use 'bgo stop " + name + "' first or choose a different name.");
    return 1;
  }
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  auto r = conn->call("restart", json::object{{"name", name}, {"reset_counters", false}});
  if (!r) {
    print_start_error(ctx, r.error(), name);
    return 1;
  }
  print_started(ctx, *r, "restart");
  return 0;
}
}  // namespace

int run_start(Context& ctx, const std::string& name, std::vector<std::string> command,
              std::optional<std::string> cwd, bool watch, json::object extra,
              const std::vector<std::string>& env_overrides) {
  if (!check_name(ctx, name) || !check_new_name(ctx, name)) return 1;
  if (!command.empty() && command.front() == "--") command.erase(command.begin());
  // What is registered under `name` now: a stopped process starts again by name (issue #13.3),
  // and a new command replacing a recorded one is said out loud.
  const std::optional<json::object> known = recorded(ctx, name);
  if (command.empty()) {
    if (known) return start_recorded(ctx, name, *known);
    print_start_error(ctx, param_error("command", "No command specified"), name);
    return 1;
  }
  std::string dir = client_cwd();
  if (cwd)
    dir = std::filesystem::path(*cwd).is_absolute()
              ? *cwd
              : (std::filesystem::path(dir) / *cwd).lexically_normal().string();
  json::array cmd, env;
  for (auto& a : command) cmd.emplace_back(a);
  for (auto& e : merge_env(client_env(), env_overrides)) env.emplace_back(e);
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
  if (known) {
    const auto now = recorded(ctx, name);
    const json::value* before = known->if_contains("command");
    const json::value* after = now ? now->if_contains("command") : nullptr;
    if (before != nullptr && after != nullptr && *before != *after) {
      ctx.say("   Replaced the command of '" + name + "' (was: " + joined_argv(*before) + ")");
    }
  }
  return 0;
}

int cmd_start(Context& ctx, const std::vector<std::string>& tokens) {
  if (starts_from_file(tokens)) return run_start_from(ctx, tokens);
  const CommandLine spec = start_command_line();
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  // `--from` abbreviated (argparse takes any unambiguous prefix) after a name.
  if (args->has("from")) args->fail("argument --from: not allowed with a name or command");
  auto request = start_request(ctx, *args);
  if (!request) return 1;
  return run_start(ctx, args->positionals[0], std::move(request->command), request->cwd,
                   request->watch, std::move(request->extra), request->env);
}

int cmd_stop(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("stop", "Stop a process");
  spec.options.add_options()("force,f", "Force kill (SIGKILL)")(
      "timeout", po::value<double>()->value_name("SECONDS"),
      "Seconds between the stop signal and SIGKILL (default: the process's --stop-timeout, "
      "else 5)")("with-dependents", "First stop what depends on it (--after), dependents first");
  spec.positionals = {{"name", Positional::Arity::some, "Names of the processes, or all"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const auto targets = resolve_targets(ctx, args->positionals);
  if (!targets) return 1;
  if (targets->empty()) return 0;
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  std::optional<std::chrono::milliseconds> timeout;
  if (args->has("timeout")) {
    timeout =
        std::chrono::milliseconds(static_cast<int64_t>(args->vm["timeout"].as<double>() * 1000));
  }
  return for_each_target(*targets, [&](const std::string& name) {
    const auto grace = stop_grace(ctx, *conn, args->has("force"), timeout, name);
    json::object p{{"name", name}, {"force", args->has("force")}};
    if (timeout) p["timeout_ms"] = timeout->count();
    if (args->has("with-dependents")) p["with_dependents"] = true;
    auto r = call_awaiting_exit(ctx, *conn, "stop", p, name, grace);
    if (!r) {
      ctx.fail(ctx.red_x() + " " + r.error().message);
      if (r.error().code == Errc::no_such_process) suggest_names(ctx, name);
      return 1;
    }
    const ReplyView o2("stop", *r);
    if (const auto* deps = o2.object().if_contains("dependents"); deps && deps->is_array()) {
      for (const auto& d : deps->as_array()) {
        if (d.is_string())
          ctx.say("🛑 Stopped '" + std::string(d.as_string()) + "' (depends on '" + name + "')");
      }
    }
    const std::string pid = json::serialize(o2.at("pid"));
    if (!o2.boolean("was_running")) {
      ctx.say(paint(ctx.out(), Color::yellow, "⚠️") + "  Process '" + name +
              "' is not running");
    } else if (args->has("force")) {
      ctx.say("💀 Killed '" + name + "' (PID: " + pid + ")");
    } else {
      ctx.say("🛑 Stopped '" + name + "' (PID: " + pid + ")");
    }
    return 0;
  });
}

int cmd_restart(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("restart", "Restart a process");
  spec.options.add_options()("reset-counters",
                             "Also zero the watch restart counter (default: preserve)")(
      "update-env", "Start with this shell's environment instead of the recorded one");
  spec.positionals = {{"name", Positional::Arity::some, "Names of the processes, or all"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const auto targets = resolve_targets(ctx, args->positionals);
  if (!targets) return 1;
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  return for_each_target(*targets, [&](const std::string& name) {
    const auto grace = stop_grace(ctx, *conn, false, std::nullopt, name);
    json::array env;
    for (auto& e : client_env()) env.emplace_back(e);
    json::object params{
        {"name", name}, {"reset_counters", args->has("reset-counters")}, {"env", std::move(env)}};
    // bgod replaces the recorded environment with `env` only when asked (pm2's --update-env).
    if (args->has("update-env")) params["update_env"] = true;
    auto r = call_awaiting_exit(ctx, *conn, "restart", params, name, grace);
    if (!r) {
      if (r.error().was_running.value_or(false)) ctx.say("🛑 Stopping '" + name + "'...");
      print_start_error(ctx, r.error(), name);
      return 1;
    }
    if (ReplyView("restart", *r).boolean("was_running")) ctx.say("🛑 Stopping '" + name + "'...");
    print_started(ctx, *r, "restart");
    return 0;
  });
}

int cmd_delete(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("delete", "Delete a process completely");
  spec.options.add_options()("yes,y", "Skip confirmation")(
      "keep-logs", "Preserve out/err/watcher log files after delete");
  spec.positionals = {{"name", Positional::Arity::some, "Names of the processes, or all"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const auto targets = resolve_targets(ctx, args->positionals);
  if (!targets) return 1;
  return for_each_target(*targets,
                         [&](const std::string& name) { return delete_one(ctx, *args, name); });
}

namespace {

int delete_one(Context& ctx, const Args& args, const std::string& name) {
  if (!args.has("yes")) {
    auto detail = ctx.call("get", json::object{{"name", name}});
    if (!detail) return 1;
    if (ReplyView("get", *detail).str("status") == "online") {
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
  const bool keep = args.has("keep-logs");
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  auto r =
      call_awaiting_exit(ctx, *conn, "delete", json::object{{"name", name}, {"keep_logs", keep}},
                         name, stop_grace(ctx, *conn, false, std::nullopt, name));
  if (!r) {
    ctx.fail(ctx.red_x() + " " + r.error().message);
    if (r.error().code == Errc::no_such_process) suggest_names(ctx, name);
    return 1;
  }
  ctx.say("🗑️  Deleted '" + name + "'" + (keep ? " (logs kept)" : ""));
  return 0;
}

}  // namespace

int cmd_clean(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("clean", "Remove stopped processes from list");
  spec.options.add_options()(
      "logs", "Also delete their log files (out, err, rotated, watcher); kept by default");
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const bool logs = args->has("logs");
  // Without --logs the request is the original one: an older bgod answers it the same way.
  auto r = ctx.call("clean", logs ? json::object{{"logs", true}} : json::object{});
  if (!r) return 1;
  const ReplyView reply("clean", *r);
  const std::vector<std::string> removed = reply.strings("removed");
  if (removed.empty()) {
    ctx.say("Nothing to clean up.");
    return 0;
  }
  // A bgod older than `logs` ignores it (unknown parameters are ignored) and says nothing.
  const auto* done = reply.find("logs_removed");
  const bool deleted = done != nullptr && done->is_bool() && done->as_bool();
  std::string names;
  for (const auto& n : removed) names += (names.empty() ? "" : ", ") + n;
  ctx.say("🧹 Cleaned up " + std::to_string(removed.size()) + " stopped process(es): " + names +
          (deleted ? " (logs deleted)" : ""));
  if (logs && !deleted) {
    ctx.fail(paint(ctx.err(), Color::yellow, "⚠️") +
             "  bgod kept their logs: it is older than this bgo (bgo daemon restart)");
  }
  return 0;
}

int cmd_watch(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("watch", "Attach a watcher to an existing running process");
  spec.options.add_options()("interval", po::value<int64_t>(),
                             "Accepted for compatibility; no effect (bgod sees exits at once)")(
      "min-uptime", po::value<int64_t>(), "Crash threshold in seconds (default: 2)")(
      "on-fast-crash", po::value<std::string>()->value_name("{backoff,stop,retry}"),
      "Fast-crash policy (default: backoff)")(
      "reset", "Reset watch config to defaults (ignore prior settings)");
  spec.positionals = {
      {"name", Positional::Arity::some, "Names of the processes, or all (the running ones)"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const auto targets = resolve_targets(ctx, args->positionals, AllMeans::online);
  if (!targets) return 1;
  return for_each_target(*targets,
                         [&](const std::string& name) { return watch_one(ctx, *args, name); });
}

namespace {

int watch_one(Context& ctx, const Args& args, const std::string& name) {
  json::object p{{"name", name}, {"reset", args.has("reset")}};
  if (args.has("interval")) p["interval"] = args.vm["interval"].as<int64_t>();
  if (args.has("min-uptime")) p["min_uptime"] = args.vm["min-uptime"].as<int64_t>();
  if (args.has("on-fast-crash")) p["on_fast_crash"] = args.vm["on-fast-crash"].as<std::string>();
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
  const ReplyView w("watch", *r);
  ctx.say(paint(ctx.out(), Color::blue, "👁") + " Watching '" + name +
          "' (interval=" + json::serialize(w.at("interval")) + "s, min-uptime=" +
          json::serialize(w.at("min_uptime")) + "s, on-fast-crash=" + w.str("on_fast_crash") + ")");
  return 0;
}

}  // namespace

int cmd_unwatch(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("unwatch", "Detach watcher from a process (keeps proc running)");
  spec.positionals = {{"name", Positional::Arity::some, "Names of the processes, or all"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const auto targets = resolve_targets(ctx, args->positionals);
  if (!targets) return 1;
  return for_each_target(*targets, [&](const std::string& name) {
    auto r = ctx.call("unwatch", json::object{{"name", name}});
    if (!r) return 1;
    if (!ReplyView("unwatch", *r).boolean("was_watched")) {
      ctx.say(paint(ctx.out(), Color::yellow, "⚠️") + "  '" + name + "' is not being watched");
    } else {
      ctx.say(paint(ctx.out(), Color::gray, "👁  unwatched") + " '" + name + "'");
    }
    return 0;
  });
}

int cmd_autostart(Context& ctx, const std::vector<std::string>& tokens) {
  // The original's login autostart: now bgod's systemd units (bgo startup, docs/startup.md).
  if (!tokens.empty() &&
      (tokens[0] == "install" || tokens[0] == "uninstall" || tokens[0] == "status")) {
    return cmd_autostart_login(ctx, tokens[0],
                               std::vector<std::string>(tokens.begin() + 1, tokens.end()));
  }
  if (tokens.empty() || tokens[0].starts_with("-") || (tokens[0] != "set" && tokens[0] != "show")) {
    CommandLine spec =
        command_line("autostart", "Per-process autostart policy, and bgod's own start at login");
    spec.positionals = {{"action", Positional::Arity::one,
                         "set NAME POLICY | show NAME | install | uninstall | status"},
                        {"args", Positional::Arity::many, ""}};
    auto args = parse_or_help(spec, tokens);
    if (!args) return 0;
    args->fail("argument action: invalid choice: '" + args->positionals[0] +
               "' (choose from 'install', 'uninstall', 'status', 'set', 'show')");
  }
  const bool set = tokens[0] == "set";
  CommandLine spec =
      command_line(set ? "autostart set" : "autostart show",
                   set ? "Set a process's autostart policy" : "Show a process's autostart policy");
  spec.positionals = {{"name", Positional::Arity::one, "Name of the process"}};
  if (set) {
    spec.positionals.push_back(
        {"policy", Positional::Arity::one, "always, unless-stopped or never"});
  }
  auto args = parse_or_help(spec, std::vector<std::string>(tokens.begin() + 1, tokens.end()));
  if (!args) return 0;
  const std::string& name = args->positionals[0];
  if (set) {
    const std::string& policy = args->positionals[1];
    if (policy != "always" && policy != "unless-stopped" && policy != "never") {
      args->fail("argument policy: invalid choice: '" + policy +
                 "' (choose from 'always', 'unless-stopped', 'never')");
    }
    if (!check_name(ctx, name)) return 1;
    if (!ctx.call("autostart.set", json::object{{"name", name}, {"policy", policy}})) return 1;
    ctx.say(paint(ctx.out(), Color::green, "✅") + " Autostart policy for '" + name + "' set to '" +
            policy + "'");
    return 0;
  }
  if (!check_name(ctx, name)) return 1;
  auto r = ctx.call("autostart.show", json::object{{"name", name}});
  if (!r) return 1;
  ctx.say(name + ": autostart=" + ReplyView("autostart.show", *r).str("autostart"));
  return 0;
}

}  // namespace bgo::client
