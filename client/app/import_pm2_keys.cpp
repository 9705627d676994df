// SPDX-License-Identifier: MIT
// pm2's app keys: the schema's names, camelCase spellings and aliases (lib/API/schema.json).
#include <algorithm>
#include <array>
#include <string>

#include "client/app/import_pm2_app.hpp"

namespace bgo::app {

namespace json = boost::json;

namespace {

// Keys of pm2's app schema, in their canonical spelling.
constexpr std::array<std::string_view, 79> k_schema_keys = {"script",
                                                            "name",
                                                            "name_prefix",
                                                            "filter_env",
                                                            "namespace",
                                                            "install_url",
                                                            "cwd",
                                                            "args",
                                                            "exec_interpreter",
                                                            "node_args",
                                                            "out_file",
                                                            "error_file",
                                                            "log_file",
                                                            "disable_logs",
                                                            "log_type",
                                                            "log_date_format",
                                                            "time",
                                                            "env",
                                                            "max_memory_restart",
                                                            "pid_file",
                                                            "restart_delay",
                                                            "exp_backoff_restart_delay",
                                                            "source_map_support",
                                                            "disable_source_map_support",
                                                            "wait_ready",
                                                            "instances",
                                                            "kill_timeout",
                                                            "shutdown_with_message",
                                                            "listen_timeout",
                                                            "cron_restart",
                                                            "merge_logs",
                                                            "vizion",
                                                            "autostart",
                                                            "autorestart",
                                                            "stop_exit_codes",
                                                            "watch_delay",
                                                            "watch",
                                                            "ignore_watch",
                                                            "watch_options",
                                                            "min_uptime",
                                                            "max_restarts",
                                                            "execute_command",
                                                            "exec_mode",
                                                            "force",
                                                            "append_env_to_name",
                                                            "post_update",
                                                            "trace",
                                                            "disable_trace",
                                                            "v8",
                                                            "event_loop_inspector",
                                                            "deep_monitoring",
                                                            "increment_var",
                                                            "instance_var",
                                                            "pmx",
                                                            "automation",
                                                            "treekill",
                                                            "port",
                                                            "username",
                                                            "uid",
                                                            "gid",
                                                            "windowsHide",
                                                            "kill_retry_time",
                                                            "write",
                                                            "io",
                                                            "interpreter",
                                                            "interpreter_args",
                                                            "cmd",
                                                            "command",
                                                            "exec",
                                                            "out",
                                                            "output",
                                                            "out_log",
                                                            "error",
                                                            "err",
                                                            "err_file",
                                                            "err_log",
                                                            "log",
                                                            "pid",
                                                            "cron"};

constexpr std::array<std::pair<std::string_view, std::string_view>, 19> k_aliases = {{
    {"exec", "script"},
    {"interpreter", "exec_interpreter"},
    {"interpreter_args", "node_args"},
    {"interpreterArgs", "node_args"},
    {"out", "out_file"},
    {"output", "out_file"},
    {"out_log", "out_file"},
    {"error", "error_file"},
    {"err", "error_file"},
    {"err_file", "error_file"},
    {"err_log", "error_file"},
    {"log", "log_file"},
    {"pid", "pid_file"},
    {"cron", "cron_restart"},
    {"combine_logs", "merge_logs"},
    {"user", "uid"},
    {"cmd", "script"},
    {"command", "script"},
    {"execInterpreter", "exec_interpreter"},
}};

std::string snake_case(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c >= 'A' && c <= 'Z') {
      out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

bool is_pm2_schema_key(std::string_view key) {
  return std::find(k_schema_keys.begin(), k_schema_keys.end(), key) != k_schema_keys.end();
}

json::object normalise_pm2_keys(const json::object& conf) {
  json::object out;
  // Canonical keys first, so that an alias never overrides one given as well.
  for (const auto& entry : conf) {
    const std::string key(entry.key());
    const std::string snake = snake_case(key);
    bool alias = false;
    for (const auto& [from, to] : k_aliases) alias = alias || from == key;
    if (alias) continue;
    const bool camel = !is_pm2_schema_key(key) && !key.starts_with("env") && snake != key &&
                       is_pm2_schema_key(snake) && !conf.contains(snake);
    out[camel ? snake : key] = entry.value();
  }
  for (const auto& [from, to] : k_aliases) {
    const auto* value = conf.if_contains(from);
    if (value == nullptr || out.contains(to)) continue;
    out[to] = *value;
  }
  return out;
}

}  // namespace bgo::app
