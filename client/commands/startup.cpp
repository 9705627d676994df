// SPDX-License-Identifier: MIT
// bgo startup [--status [--json]] / bgo unstartup: bgod under the systemd user manager
// (docs/startup.md), and the original's `autostart install|uninstall|status` aliases.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <utility>

#include <boost/json.hpp>
#include <boost/program_options/options_description.hpp>
#include <boost/program_options/value_semantic.hpp>

#include "client/autostart.hpp"
#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "client/reply_view.hpp"
#include "client/startup_support.hpp"
#include "client/systemd_units.hpp"
#include "proto/python_json.hpp"

namespace bgo::client {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

using namespace std::chrono_literals;

// Starting and stopping bgod.service waits for bgod: TimeoutStopSec=30 plus margin.
constexpr auto k_enable_timeout = 60s;

struct UnitState {
  std::string path;
  bool installed = false;
  std::optional<std::string> enabled, active;  // systemctl's words; unset without systemd
};

struct StartupStatus {
  std::string dir;
  bool systemd = false;
  std::string systemd_error;
  UnitState service, socket;
  std::optional<std::string> bgod;
  bool linger = false;
};

StartupStatus collect_status() {
  StartupStatus s;
  const fs::path dir = user_unit_dir();
  s.dir = dir.string();
  const ToolResult probe = systemctl({"show-environment"});
  s.systemd = probe.ok();
  if (!s.systemd) s.systemd_error = probe.message();
  auto fill = [&](UnitState& u, std::string_view name) {
    u.path = (dir / name).string();
    u.installed = read_text(dir / name).has_value();
    if (s.systemd) {
      u.enabled = systemctl_query("is-enabled", name);
      u.active = systemctl_query("is-active", name);
    }
  };
  fill(s.service, k_service_unit);
  fill(s.socket, k_socket_unit);
  if (auto text = read_text(dir / k_service_unit)) s.bgod = exec_start_program(*text);
  s.linger = linger_enabled();
  return s;
}

json::value to_json(const StartupStatus& s) {
  auto unit = [](const UnitState& u) {
    json::object o;
    o["path"] = u.path;
    o["installed"] = u.installed;
    o["enabled"] = u.enabled ? json::value(*u.enabled) : json::value(nullptr);
    o["active"] = u.active ? json::value(*u.active) : json::value(nullptr);
    return o;
  };
  json::object o;
  o["backend"] = "systemd-user";
  o["systemd"] = s.systemd;
  o["systemd_error"] = s.systemd ? json::value(nullptr) : json::value(s.systemd_error);
  o["unit_dir"] = s.dir;
  o["installed"] = s.service.installed && s.socket.installed;
  o["bgod"] = s.bgod ? json::value(*s.bgod) : json::value(nullptr);
  o["service"] = unit(s.service);
  o["socket"] = unit(s.socket);
  o["linger"] = s.linger;
  return o;
}

int print_status(Context& ctx, bool as_json) {
  const StartupStatus s = collect_status();
  if (as_json) {
    ctx.say(proto::python_json_dumps(to_json(s), 2));
    return 0;
  }
  const Style& st = ctx.out();
  ctx.say("backend:   systemd-user" +
          (s.systemd
               ? std::string()
               : " (" + paint(st, Color::yellow, "not reachable") + ": " + s.systemd_error + ")"));
  auto line = [&](const UnitState& u, std::string_view name) {
    const std::string mark =
        u.installed ? paint(st, Color::green, "✓") : paint(st, Color::gray, "·");
    std::string text = mark + " " + std::string(name) + "  " +
                       (u.installed ? u.path : std::string("(not installed)"));
    if (u.enabled && u.active) text += "  (" + *u.enabled + ", " + *u.active + ")";
    ctx.say(text);
  };
  line(s.service, k_service_unit);
  line(s.socket, k_socket_unit);
  if (s.bgod) ctx.say("  bgod:    " + *s.bgod);
  ctx.say(std::string("  linger:  ") + (s.linger ? "on (bgod runs without a login session)"
                                                 : "off (loginctl enable-linger $USER)"));
  return 0;
}

// A bgod that bgo itself started holds the lock while systemd's bgod.service is down. It would
// make the service fail ("another bgod is already running") and lose its socket path when
// bgod.socket binds, so it is stopped first; systemd's bgod then brings its processes back.
Result<void> hand_over(Context& ctx) {
  if (!bgod_lock_held(ctx.paths())) return {};
  const std::string active = systemctl_query("is-active", k_service_unit);
  if (active == "active" || active == "activating" || active == "reloading") return {};
  const std::string pid = read_text(ctx.paths().pid_file()).value_or("?");
  ctx.say("   stopping the bgod started outside systemd (PID " + pid.substr(0, pid.find('\n')) +
          "); its processes come back under systemd per their autostart policy");
  auto conn = Connection::connect(ctx.paths().socket().string());
  if (!conn) return conn.error();
  auto r = conn->call("daemon.stop", json::object{{"keep_children", false}}, 10s);
  if (!r) return r.error();
  if (!wait_lock_free(ctx.paths(), 40s)) {
    return make_error(Errc::io_error, "bgod did not stop within 40 s");
  }
  return {};
}

int install(Context& ctx) {
  const auto bgod = locate_bgod();
  if (!bgod) {
    ctx.fail(ctx.red_x() + " cannot find bgod beside bgo or on PATH; nothing was installed");
    return 1;
  }
  std::optional<std::string> home;
  if (const char* h = std::getenv("BGO_HOME"); h != nullptr && *h != '\0')
    home = ctx.paths().home().string();
  auto units = render_units(*bgod, home);
  if (!units) {
    ctx.fail(ctx.red_x() + " " + units.error().message);
    return 1;
  }
  // Check first, so that a machine without a user manager gets no half-done install.
  const ToolResult probe = systemctl({"show-environment"});
  if (!probe.ok()) {
    ctx.fail(ctx.red_x() + " the systemd user instance is not available (systemctl --user: " +
             probe.message() + ")");
    ctx.fail("   nothing was installed; without it bgo keeps starting bgod on demand");
    return 1;
  }
  const fs::path dir = user_unit_dir();
  const bool was_installed =
      read_text(dir / k_service_unit).has_value() && read_text(dir / k_socket_unit).has_value();
  UnitWriter writer(dir);
  auto fail = [&](const std::string& message, bool reload) {
    writer.roll_back();
    if (reload) (void)systemctl({"daemon-reload"});  // best effort: we are failing already
    ctx.fail(ctx.red_x() + " startup failed: " + message);
    return 1;
  };
  if (auto r = writer.write(k_service_unit, units->service); !r) {
    return fail(r.error().message, false);
  }
  if (auto r = writer.write(k_socket_unit, units->socket); !r)
    return fail(r.error().message, false);
  if (ToolResult r = systemctl({"daemon-reload"}); !r.ok()) {
    return fail("daemon-reload failed: " + r.message(), false);
  }
  // Desktop notifications (docs/startup.md): bgod's notify-send needs the session bus (and the
  // display); the user manager may not have them when bgo startup runs from a login shell.
  std::vector<std::string> imports = {"import-environment"};
  for (const char* key :
       {"DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "BGO_NOTIFY", "BGO_NOTIFY_CMD"}) {
    if (const char* value = std::getenv(key); value != nullptr && *value != '\0') {
      imports.emplace_back(key);
    }
  }
  if (imports.size() > 1) {
    if (ToolResult r = systemctl(imports); !r.ok()) {
      ctx.fail("   " + paint(ctx.err(), Color::yellow, "warning:") +
               " could not pass the session's environment to systemd (" + r.message() +
               "): desktop notifications may not show");
    }
  }
  if (auto r = hand_over(ctx); !r) return fail(r.error().message, true);
  ToolResult enable =
      systemctl({"enable", "--now", std::string(k_socket_unit), std::string(k_service_unit)},
                k_enable_timeout);
  if (!enable.ok()) {
    if (!was_installed) {
      (void)systemctl({"disable", "--now", std::string(k_socket_unit), std::string(k_service_unit)},
                      k_enable_timeout);  // undo whatever part was enabled
    }
    return fail("enable failed: " + enable.message(), true);
  }
  const Style& st = ctx.out();
  ctx.say(paint(st, Color::green, "✅") + " installed " + std::string(k_service_unit) + " and " +
          std::string(k_socket_unit) + " in " + dir.string());
  ctx.say("   bgod (" + *bgod + ") now starts at login and on the first bgo command");
  if (linger_enabled()) {
    ctx.say("   linger is on: bgod also runs without a login session");
  } else {
    ctx.say("   " + paint(st, Color::gray, "hint: run") + " loginctl enable-linger $USER " +
            paint(st, Color::gray, "to start bgod at boot and keep it running after logout"));
  }
  return 0;
}

int uninstall(Context& ctx) {
  const fs::path dir = user_unit_dir();
  const fs::path service = dir / k_service_unit;
  const fs::path socket = dir / k_socket_unit;
  if (!read_text(service) && !read_text(socket)) {
    ctx.say("bgo startup is not installed (no units in " + dir.string() + ")");
    return 0;
  }
  const ToolResult probe = systemctl({"show-environment"});
  if (!probe.ok()) {
    ctx.fail(ctx.red_x() + " the systemd user instance is not available (systemctl --user: " +
             probe.message() + "); the units in " + dir.string() + " were kept");
    return 1;
  }
  const bool was_running = systemctl_query("is-active", k_service_unit) == "active";
  ToolResult disable =
      systemctl({"disable", "--now", std::string(k_socket_unit), std::string(k_service_unit)},
                k_enable_timeout);
  if (!disable.ok()) {
    const std::string m = disable.message();
    if (m.find("does not exist") == std::string::npos &&
        m.find("No such file") == std::string::npos && m.find("not loaded") == std::string::npos) {
      ctx.fail(ctx.red_x() + " unstartup failed: disable failed: " + m);
      return 1;
    }
  }
  std::error_code ec;
  fs::remove(service, ec);
  fs::remove(socket, ec);
  if (ToolResult r = systemctl({"daemon-reload"}); !r.ok()) {
    ctx.fail(ctx.red_x() + " unstartup failed: daemon-reload failed: " + r.message());
    return 1;
  }
  ctx.say(paint(ctx.out(), Color::green, "✅") + " removed " + std::string(k_service_unit) +
          " and " + std::string(k_socket_unit) + " from " + dir.string());
  if (!was_running) return 0;
  // Stopping the service stopped bgod and its processes; bring them back the usual way.
  if (!ctx.autostart()) {
    ctx.say("   bgod was stopped; the next bgo command starts it again (BGO_NO_AUTOSTART is set)");
    return 0;
  }
  auto conn = connect_or_start(ctx.paths(), Autostart::yes);
  auto hello = conn ? conn->call("hello", json::object{}, 10s) : Result<json::value>(conn.error());
  if (!hello) {
    ctx.fail(ctx.red_x() + " bgod was stopped and did not start again: " + hello.error().message);
    return 1;
  }
  ctx.say("   bgod runs outside systemd again (PID " +
          json::serialize(ReplyView("hello", *hello).at("pid")) + ")");
  return 0;
}

}  // namespace

int cmd_startup(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec =
      command_line("startup",
                   "Start bgod at login and on demand through systemd user units (bgod.service, "
                   "bgod.socket); see docs/startup.md.");
  spec.options.add_options()("status", "show whether bgod starts at login, and its units' state")(
      "json", "with --status: print the state as JSON");
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  if (args->has("status")) return print_status(ctx, args->has("json"));
  if (args->has("json")) args->fail("argument --json: only with --status");
  return install(ctx);
}

int cmd_unstartup(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line(
      "unstartup", "Disable and remove the systemd user units that `bgo startup` installed.");
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  return uninstall(ctx);
}

int cmd_autostart_login(Context& ctx, const std::string& action,
                        const std::vector<std::string>& rest) {
  for (const auto& t : rest) {
    if (t == "--tray") {
      ctx.fail(ctx.red_x() + " this bgo has no tray icon; `bgo autostart " + action +
               "` manages bgod's systemd units only");
      return 1;
    }
  }
  if (action == "install") return cmd_startup(ctx, rest);
  if (action == "uninstall") return cmd_unstartup(ctx, rest);
  std::vector<std::string> args{"--status"};
  args.insert(args.end(), rest.begin(), rest.end());
  return cmd_startup(ctx, args);
}

int write_packaged_units(const std::string& dir, const std::string& bgod) {
  auto units = render_units(bgod, std::nullopt);
  if (!units) {
    std::cerr << "bgo: " << units.error().message << "\n";
    return 1;
  }
  UnitWriter writer(dir);
  for (const auto& [name, text] :
       {std::pair{k_service_unit, &units->service}, std::pair{k_socket_unit, &units->socket}}) {
    if (auto r = writer.write(name, *text); !r) {
      writer.roll_back();
      std::cerr << "bgo: " << r.error().message << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace bgo::client
