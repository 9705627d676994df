// SPDX-License-Identifier: MIT
// bgo daemon {status,stop,start,restart,upgrade} (spec Appendix D #11, issue #17).
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/autostart.hpp"
#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "client/reply_view.hpp"
#include "client/rpc_client.hpp"
#include "client/startup_support.hpp"
#include "proto/python_json.hpp"

namespace bgo::client {

namespace json = boost::json;

namespace {

std::string format_uptime(int64_t s) {
  char buf[64];
  if (s >= 86400) {
    (void)std::snprintf(buf, sizeof buf, "%lldd %02lldh %02lldm", static_cast<long long>(s / 86400),
                        static_cast<long long>(s / 3600 % 24), static_cast<long long>(s / 60 % 60));
  } else if (s >= 3600) {
    (void)std::snprintf(buf, sizeof buf, "%lldh %02lldm %02llds", static_cast<long long>(s / 3600),
                        static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    (void)std::snprintf(buf, sizeof buf, "%lldm %02llds", static_cast<long long>(s / 60),
                        static_cast<long long>(s % 60));
  }
  return buf;
}

// "cgroup /sys/fs/cgroup/…/bgo-0-… (memory controller: no)", "process group (BGO_CGROUP=off)".
std::string containment_line(const std::string& mode, const ReplyView& status) {
  if (mode == "cgroup") {
    return "cgroup " + status.opt_str("cgroup").value_or("?") +
           " (memory controller: " + (status.boolean("memory_controller") ? "yes" : "no") + ")";
  }
  const auto reason = status.opt_str("containment_reason");
  return "process group" + (reason && !reason->empty() ? " (" + *reason + ")" : std::string());
}

}  // namespace

namespace {

int start_bgod(Context& ctx) {
  auto c = connect_or_start(ctx.paths(), Autostart::yes);
  if (!c) {
    ctx.fail(ctx.red_x() + " " + c.error().message);
    return 1;
  }
  auto r = c->call("hello", json::object{});
  if (!r) {
    ctx.fail(ctx.red_x() + " " + r.error().message);
    return 1;
  }
  ctx.say("bgod is running (PID: " + json::serialize(ReplyView("hello", *r).at("pid")) + ")");
  return 0;
}

// `stop` and `status` (spec Appendix D #11); exit 3 from `status` when bgod is not running.
int stop_or_status(Context& ctx, const std::string& action, bool keep_children, bool as_json) {
  auto conn = connect_or_start(ctx.paths(), Autostart::no);
  if (!conn) {
    if (!daemon_absent(conn.error())) {
      ctx.fail(ctx.red_x() + " " + conn.error().message);
      return 1;
    }
    if (action == "stop") {
      ctx.say("bgod is not running");
      return 0;
    }
    if (as_json) {
      std::cout << proto::python_json_dumps(
                       json::object{{"running", false}, {"socket", ctx.paths().socket().string()}},
                       2)
                << "\n";
    } else {
      ctx.say("bgod is not running");
    }
    return 3;
  }
  if (action == "stop") {
    // bgod stops its children side by side, but saves each one's state in turn: with
    // thousands that takes longer than the children's grace period (docs/performance.md), so
    // the wait grows with how many run (25 ms each on top of 15 s).
    std::chrono::milliseconds grace = std::chrono::seconds(15);
    if (auto st = conn->call("daemon.status", json::object{}); st && !keep_children) {
      const json::value* online = st->is_object() ? st->as_object().if_contains("online") : nullptr;
      if (online != nullptr && online->is_int64() && online->as_int64() > 0) {
        grace += std::chrono::milliseconds(25 * online->as_int64());
      }
    }
    auto r = conn->call("daemon.stop", json::object{{"keep_children", keep_children}});
    if (!r) {
      ctx.fail(ctx.red_x() + " " + r.error().message);
      return 1;
    }
    const std::string pid = json::serialize(ReplyView("daemon.stop", *r).at("pid"));
    // bgod closes every connection last, after its children are stopped; then it exits.
    if (!conn->wait_closed(grace) || !wait_lock_free(ctx.paths(), std::chrono::seconds(5))) {
      ctx.fail(ctx.red_x() + " bgod (PID: " + pid + ") did not stop in time");
      return 1;
    }
    ctx.say("🛑 bgod stopped (PID: " + pid + ")");
    return 0;
  }
  auto r = conn->call("daemon.status", json::object{});
  if (!r) {
    ctx.fail(ctx.red_x() + " " + r.error().message);
    return 1;
  }
  json::object st = ReplyView("daemon.status", *r).object();
  st["running"] = true;
  const ReplyView sv("daemon.status", st);
  if (as_json) {
    std::cout << proto::python_json_dumps(st, 2) << "\n";
    return 0;
  }
  ctx.say("bgod is running");
  ctx.say("  PID:       " + json::serialize(sv.at("pid")));
  ctx.say("  Version:   " + sv.str("version"));
  ctx.say("  Uptime:    " + format_uptime(sv.int64("uptime_seconds")));
  ctx.say("  Socket:    " + sv.str("socket"));
  ctx.say("  Processes: " + json::serialize(sv.at("processes")) + " (" +
          json::serialize(sv.at("online")) + " online)");
  if (const auto mode = sv.opt_str("containment")) {  // absent from a bgod before 0.6
    ctx.say("  Containment: " + containment_line(*mode, sv));
  }
  if (const auto url = sv.opt_str("metrics_url")) ctx.say("  Metrics:   " + *url);
  return 0;
}

// `upgrade` (issue #17): bgod re-executes itself in place; this waits for the new image to
// answer and checks that it is the same process, one upgrade further.
int upgrade_bgod(Context& ctx, const std::optional<std::string>& bgod) {
  auto conn = connect_or_start(ctx.paths(), Autostart::no);
  if (!conn) {
    ctx.fail(ctx.red_x() + " " +
             (daemon_absent(conn.error()) ? "bgod is not running: nothing to upgrade"
                                          : conn.error().message));
    return 1;
  }
  json::object params;
  if (bgod) params["bgod"] = std::filesystem::absolute(*bgod).lexically_normal().string();
  auto r = conn->call("daemon.upgrade", params, std::chrono::seconds(60));
  if (!r) {
    ctx.fail(ctx.red_x() + " upgrade refused: " + r.error().message);
    return 1;
  }
  const ReplyView view("daemon.upgrade", *r);
  const int64_t pid = view.int64("pid");
  const int64_t upgrades = view.int64("upgrades");
  const std::string version = view.str("version");
  // The old image closes this connection when it execs; the listening socket stays open, so
  // the next connection waits in its backlog until the new image accepts it.
  (void)conn->wait_closed(std::chrono::seconds(15));
  auto again = Connection::connect(ctx.paths().socket().string());
  auto st = again ? again->call("daemon.status", json::object{}, std::chrono::seconds(60))
                  : Result<json::value>(again.error());
  if (!st) {
    ctx.fail(ctx.red_x() + " bgod did not come back after the upgrade (" + st.error().message +
             "); see " + ctx.paths().home().string() + "/bgod.log");
    return 1;
  }
  const ReplyView sv("daemon.status", *st);
  const auto last_error = sv.opt_str("last_upgrade_error");
  if (sv.int64("pid") != pid || sv.int64("upgrades") != upgrades || sv.str("version") != version) {
    ctx.fail(ctx.red_x() + " upgrade failed: " +
             (last_error ? *last_error
                         : "the new bgod could not take over and the previous one runs again") +
             "; see " + ctx.paths().home().string() + "/bgod.log");
    return 1;
  }
  ctx.say("⬆️  bgod upgraded in place (PID: " + std::to_string(pid) + ", version " +
          view.str("from_version") + " → " + version + ", " + json::serialize(sv.at("online")) +
          " process(es) kept running)");
  return 0;
}

}  // namespace

int cmd_daemon(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("daemon", "Control bgod itself");
  spec.options.add_options()("json", "status as JSON")(
      "keep-children", "stop: leave the processes running for the next bgod to adopt")(
      "bgod", boost::program_options::value<std::string>()->value_name("PATH"),
      "upgrade: the bgod binary to run (default: the one bgod was started from)");
  spec.positionals = {{"action", Positional::Arity::one,
                       "status: is bgod running; stop: shut it down; start: start it; restart: "
                       "stop, then start (with --keep-children the processes keep running); "
                       "upgrade: re-execute bgod in place, keeping every process and connection"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const std::string action = args->positionals[0];
  if (action != "status" && action != "stop" && action != "start" && action != "restart" &&
      action != "upgrade") {
    args->fail("argument action: invalid choice: '" + action +
               "' (choose from 'status', 'stop', 'start', 'restart', 'upgrade')");
  }
  if (args->has("bgod") && action != "upgrade") args->fail("--bgod is only for 'upgrade'");
  if (action == "upgrade") {
    return upgrade_bgod(
        ctx, args->has("bgod") ? std::optional(args->vm["bgod"].as<std::string>()) : std::nullopt);
  }
  if (action == "start") return start_bgod(ctx);
  if (action == "restart") {
    // Stop (the new bgod adopts kept children, or resurrects the others by policy), then start.
    if (const int code = stop_or_status(ctx, "stop", args->has("keep-children"), false); code != 0)
      return code;
    return start_bgod(ctx);
  }
  return stop_or_status(ctx, action, args->has("keep-children"), args->has("json"));
}

}  // namespace bgo::client
