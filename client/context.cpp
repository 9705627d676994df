// SPDX-License-Identifier: MIT
// Context and the shared printers.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <unistd.h>

#include <boost/json.hpp>

#include "client/autostart.hpp"
#include "client/command.hpp"
#include "client/did_you_mean.hpp"
#include "client/render/text.hpp"
#include "client/reply_view.hpp"
#include "common/name.hpp"

extern char** environ;

namespace bgo::client {

namespace json = boost::json;

namespace {
bool color_for(int fd) { return color_wanted(process_env(), ::isatty(fd) == 1); }
}  // namespace

Context::Context(Paths paths, bool autostart)
    : paths_(std::move(paths)),
      out_{Level::normal, color_for(1)},
      err_{Level::normal, color_for(2)},
      stdout_tty_(::isatty(1) == 1),
      stdin_tty_(::isatty(0) == 1),
      stderr_tty_(::isatty(2) == 1),
      autostart_(autostart) {}

Connection* Context::connection() {
  if (!tried_) {
    tried_ = true;
    auto c = connect_or_start(paths_, autostart_ ? Autostart::yes : Autostart::no);
    if (c) {
      conn_.emplace(std::move(*c));
    } else {
      connect_error_ = c.error();
    }
  }
  return conn_ ? &*conn_ : nullptr;
}

Connection* Context::require_connection() {
  Connection* c = connection();
  if (c != nullptr) return c;
  if (connect_error_ && daemon_absent(*connect_error_) && !autostart_) {
    fail(red_x() +
         " bgod is not running and BGO_NO_AUTOSTART is set; start it with: bgo daemon start");
  } else {
    fail(red_x() + " " + (connect_error_ ? connect_error_->message : "cannot reach bgod"));
  }
  return nullptr;
}

std::optional<json::value> Context::call(std::string_view method, json::value params) {
  Connection* c = require_connection();
  if (c == nullptr) return std::nullopt;
  const json::value* name = params.is_object() ? params.get_object().if_contains("name") : nullptr;
  const std::string target =
      name != nullptr && name->is_string() ? std::string(name->get_string()) : std::string();
  auto r = c->call(method, params);
  if (!r) {
    fail(red_x() + " " + r.error().message);
    if (r.error().code == Errc::no_such_process && !target.empty()) suggest_names(*this, target);
    return std::nullopt;
  }
  return std::move(*r);
}

void Context::say(std::string_view line) const {
  std::cout << line << '\n';
  std::cout.flush();
}

void Context::fail(std::string_view line) const {
  std::cout.flush();
  std::cerr << line << '\n';
  std::cerr.flush();
}

std::string Context::red_x() const { return paint(err_, Color::red, "❌"); }

void suggest_names(Context& ctx, const std::string& name) {
  Connection* conn = ctx.connection();
  if (conn == nullptr) return;
  auto r = conn->call("list", json::object{});
  if (!r) return;
  std::vector<std::string> names;
  for (const auto& row : ReplyView("list", *r).objects("processes"))
    names.push_back(row.str("name"));
  std::sort(names.begin(), names.end());
  if (const std::string hint = did_you_mean(closest(name, names)); !hint.empty()) {
    ctx.fail("  " + hint);
  }
}

bool check_name(Context& ctx, const std::string& name) {
  if (is_valid_name(name)) return true;
  ctx.fail(ctx.red_x() + " invalid process name: " + python_repr(name));
  return false;
}

std::string client_cwd() {
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  if (ec) {
    const char* pwd = std::getenv("PWD");
    return pwd != nullptr ? pwd : "/";
  }
  return cwd.string();
}

std::vector<std::string> client_env() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    // Variables that describe one particular bgo invocation, not the process's environment.
    if (kv.starts_with("BGO_NO_AUTOSTART=")) continue;
    env.emplace_back(kv);
  }
  return env;
}

void print_started(Context& ctx, const json::value& result, std::string_view method) {
  const ReplyView o(method, result);
  const std::string name = o.str("name");
  // A start that waits for its dependencies (docs/health.md): accepted, no process yet.
  if (const json::value* w = o.find("waiting_for"); w != nullptr && w->is_array()) {
    std::string what;
    for (const auto& item : w->as_array()) {
      if (item.is_string()) what += (what.empty() ? "" : ", ") + std::string(item.as_string());
    }
    ctx.say(paint(ctx.out(), Color::yellow, "⏳") + " Accepted '" + name + "': waiting for " + what +
            " before it starts");
  } else {
    ctx.say(paint(ctx.out(), Color::green, "✅") + " Started '" + name +
            "' (PID: " + std::to_string(o.int64("pid")) + ")");
  }
  if (const json::value* w = o.find("watch"); w != nullptr && w->is_object()) {
    const ReplyView wo = o.child("watch");
    ctx.say("   " + paint(ctx.out(), Color::blue, "👁") +
            " Watching (interval=" + json::serialize(wo.at("interval")) +
            "s, min-uptime=" + json::serialize(wo.at("min_uptime")) +
            "s, on-fast-crash=" + wo.str("on_fast_crash") + ")");
  }
  ctx.say("   Logs: bgo logs " + shell_word(name));
}

void print_start_error(Context& ctx, const Error& error, const std::string& name) {
  switch (error.code) {
    case Errc::already_running:
      ctx.fail(ctx.red_x() + " " + error.message);
      ctx.fail("   Use 'bgo stop " + name + "' first or choose a different name.");
      break;
    case Errc::exited_at_once:
      ctx.fail(ctx.red_x() + " " + error.message);
      ctx.fail("   Check logs: bgo logs " + shell_word(name));
      break;
    case Errc::invalid_params:
      if (error.param == "command") {
        ctx.fail(ctx.red_x() + " No command specified");
        ctx.fail("   Usage: bgo start <name> -- <command> [args...]");
        break;
      }
      [[fallthrough]];
    case Errc::no_such_process:
      ctx.fail(ctx.red_x() + " " + error.message);
      suggest_names(ctx, name);
      break;
    default:
      ctx.fail(ctx.red_x() + " " + error.message);
  }
}

}  // namespace bgo::client
