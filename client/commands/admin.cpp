// SPDX-License-Identifier: MIT
// bgo daemon {status,stop,start} (spec Appendix D #11).
#include <csignal>
#include <fcntl.h>
#include <iostream>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/autostart.hpp"
#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "client/reply_view.hpp"
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

}  // namespace

int cmd_daemon(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("daemon", "Control bgod itself");
  spec.options.add_options()("json", "status as JSON")(
      "keep-children", "stop: leave the processes running for the next bgod to adopt");
  spec.positionals = {{"action", Positional::Arity::one,
                       "status: is bgod running; stop: shut it down; start: start it; restart: "
                       "stop, then start (with --keep-children the processes keep running)"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const std::string action = args->positionals[0];
  if (action != "status" && action != "stop" && action != "start" && action != "restart") {
    args->fail("argument action: invalid choice: '" + action +
               "' (choose from 'status', 'stop', 'start', 'restart')");
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
