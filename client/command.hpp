// SPDX-License-Identifier: MIT
// What every command handler gets: paths, output styles, the (lazy) connection, its arguments.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "client/arg_parser.hpp"
#include "client/render/style.hpp"
#include "client/rpc_client.hpp"
#include "common/paths.hpp"

namespace bgo::client {

class Context {
 public:
  Context(Paths paths, bool autostart);

  const Paths& paths() const { return paths_; }
  // Colour for one-line messages on stdout / stderr (TTY and no NO_COLOR).
  const Style& out() const { return out_; }
  const Style& err() const { return err_; }
  bool stdout_tty() const { return stdout_tty_; }
  bool stdin_tty() const { return stdin_tty_; }
  bool stderr_tty() const { return stderr_tty_; }

  // The connection to bgod, started on first use. nullptr when no daemon answers and
  // auto-start is off (then read-only commands fall back to the files).
  Connection* connection();
  // Like connection(), but reports why it failed on stderr (exit 1 for the caller).
  Connection* require_connection();
  bool autostart() const { return autostart_; }

  // Sends a request; on error prints the daemon's message (with ❌) on stderr and returns
  // nullopt.
  std::optional<boost::json::value> call(std::string_view method, boost::json::value params);

  // Messages.
  void say(std::string_view line) const;   // stdout + '\n'
  void fail(std::string_view line) const;  // stderr + '\n'
  std::string red_x() const;               // {red:❌} for stderr

  std::string invocation = "bgo";  // for usage lines: "bgo start"

 private:
  Paths paths_;
  Style out_, err_;
  bool stdout_tty_ = false, stdin_tty_ = false, stderr_tty_ = false;
  bool autostart_ = true;
  bool tried_ = false;
  std::optional<Connection> conn_;
  std::optional<Error> connect_error_;
};

struct Command {
  std::string_view name;
  std::vector<std::string_view> aliases;
  std::string_view summary;
  std::function<int(Context&, const std::vector<std::string>&)> run;
};
const std::vector<Command>& command_registry();

// Shared printers (spec §3.1, §3.4).
// `method` names the call whose reply `start_result` is (for a ProtocolError).
void print_started(Context& ctx, const boost::json::value& start_result,
                   std::string_view method = "start");
void print_start_error(Context& ctx, const Error& error, const std::string& name);
// Validates a name; prints the original's message and returns false when invalid.
bool check_name(Context& ctx, const std::string& name);
// After a "No process named 'NAME'" message: prints "   Did you mean 'web'?" when registered
// names are close to `name` (issue #13.6); nothing when none is or bgod cannot be asked.
void suggest_names(Context& ctx, const std::string& name);
std::string client_cwd();
std::vector<std::string> client_env();

// Command entry points (client/commands/*.cpp).
int cmd_start(Context&, const std::vector<std::string>&);
// `env_overrides` (KEY=VALUE) replace or extend bgo's own environment for the new process.
int run_start(Context& ctx, const std::string& name, std::vector<std::string> command,
              std::optional<std::string> cwd, bool watch, boost::json::object extra,
              const std::vector<std::string>& env_overrides = {});
int cmd_stop(Context&, const std::vector<std::string>&);
int cmd_restart(Context&, const std::vector<std::string>&);
int cmd_watch(Context&, const std::vector<std::string>&);
int cmd_unwatch(Context&, const std::vector<std::string>&);
int cmd_restart_stopped(Context&, const std::vector<std::string>&);
int cmd_restart_last(Context&, const std::vector<std::string>&);
int cmd_status(Context&, const std::vector<std::string>&);
int cmd_show(Context&, const std::vector<std::string>&);
int cmd_env(Context&, const std::vector<std::string>&);    // bgo env NAME   // show / describe NAME
int cmd_jlist(Context&, const std::vector<std::string>&);  // status --json
// The detail view of `name`. When it is not registered and `single_token` (`bgo NAME`), a
// non-empty `command_guess` turns the "Unknown command or process" message into "bgo: unknown
// command 'NAME'. Did you mean 'GUESS'?" with exit 2 (issue #13.6).
int show_detail(Context& ctx, const std::string& name, bool single_token,
                std::string_view command_guess = {});
int cmd_logs(Context&, const std::vector<std::string>&);
int cmd_follow(Context&, const std::vector<std::string>&);
int cmd_clean(Context&, const std::vector<std::string>&);
int cmd_resurrect(Context&, const std::vector<std::string>&);
int cmd_delete(Context&, const std::vector<std::string>&);
int cmd_autostart(Context&, const std::vector<std::string>&);
int cmd_daemon(Context&, const std::vector<std::string>&);
// bgo startup / unstartup (client/commands/startup.cpp); `autostart install|uninstall|status`
// route to them through cmd_autostart_login.
int cmd_startup(Context&, const std::vector<std::string>&);
int cmd_unstartup(Context&, const std::vector<std::string>&);
int cmd_autostart_login(Context& ctx, const std::string& action,
                        const std::vector<std::string>& rest);
int cmd_flush(Context&, const std::vector<std::string>&);
// bgo import FORMAT FILE (client/app/import_command.cpp, issue #15).
int cmd_import(Context&, const std::vector<std::string>&);
// bgo completion bash|zsh|fish|--names (client/commands/completion_command.cpp).
int cmd_completion(Context&, const std::vector<std::string>&);
// bgo up / bgo down (client/commands/up.cpp, docs/bgo-file.md).
int cmd_up(Context&, const std::vector<std::string>&);
int cmd_down(Context&, const std::vector<std::string>&);
// bgo config [-f FILE] [--json] (client/commands/config.cpp, docs/bgo-file.md).
int cmd_config(Context&, const std::vector<std::string>&);
// bgo ps [-f FILE] [--project NAME] (client/commands/ps.cpp, docs/bgo-file.md).
int cmd_ps(Context&, const std::vector<std::string>&);
// bgo save [-o FILE] [--force] [NAME...] (client/commands/save.cpp, docs/bgo-file.md).
int cmd_save(Context&, const std::vector<std::string>&);
// bgo metrics (client/commands/metrics.cpp, docs/metrics.md).
int cmd_metrics(Context&, const std::vector<std::string>&);
// bgo export TARGET (client/commands/export.cpp, docs/export.md).
int cmd_export(Context&, const std::vector<std::string>&);
// bgo monit / bgo top: the full-screen view (client/commands/monit.cpp, client/monit/).
int cmd_monit(Context&, const std::vector<std::string>&);
// `bgo --write-units DIR BGOD` (internal, for install.sh and `cmake --install`): writes
// bgod.service and bgod.socket for the default home into DIR, ExecStart quoted by
// quote_unit_word(), so that the unit-file quoting has one source. Exit 0, or 1 with a message.
int write_packaged_units(const std::string& dir, const std::string& bgod);

}  // namespace bgo::client
