// SPDX-License-Identifier: MIT
// One pm2 app as the process pm2 would start (lib/Common.js prepareAppConf, resolveInterpreter,
// determineExecMode; lib/God.js instances; lib/God/ForkMode.js argv and env).
#include "client/app/import_pm2_app.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>
#include <unistd.h>

#include <boost/json/serialize.hpp>

#include "client/app/import_util.hpp"
#include "common/cron.hpp"
#include "common/size.hpp"

namespace bgo::app {

namespace json = boost::json;

namespace {

// JavaScript's String(v) for an env value; nullopt for what pm2 leaves out (null, objects).
std::optional<std::string> env_text(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  if (v.is_double()) return number_text(v.as_double());
  return std::nullopt;
}

std::optional<double> number_of(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  if (v.is_string()) {
    try {
      size_t used = 0;
      const double d = std::stod(std::string(v.as_string()), &used);
      if (used == v.as_string().size()) return d;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// pm2's "stime": a number of ms, or "10s" / "2m" / "1h".
std::optional<double> ms_of(const json::value& v) {
  if (auto n = number_of(v)) return n;
  if (!v.is_string() || v.as_string().size() < 2) return std::nullopt;
  const std::string text(v.as_string());
  const char unit = text.back();
  const double scale = unit == 'h' ? 3600000.0 : unit == 'm' ? 60000.0 : unit == 's' ? 1000.0 : 0;
  if (scale == 0) return std::nullopt;
  try {
    return std::stod(text.substr(0, text.size() - 1)) * scale;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool truthy(const json::value& v) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_null()) return false;
  if (auto n = number_of(v); n && !v.is_string()) return *n != 0;
  if (v.is_string()) return !v.as_string().empty() && v.as_string() != "false";
  return true;
}

std::string as_text(const json::value& v) {
  if (auto t = env_text(v)) return *t;
  return json::serialize(v);
}

// pm2's split of a string `args` (lib/tools/Config.js): words, "quoted" and 'quoted' parts
// (quotes dropped), KEY="v" kept whole.
std::vector<std::string> split_args(const std::string& text) {
  static const std::regex k_token(
      R"RE([^\s"'=]+="[^"]*"|[^\s"'=]+='[^']*'|"([^"]*)"|'([^']*)'|\S+)RE");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), k_token);
       it != std::sregex_iterator(); ++it) {
    std::string token = it->str();
    if (token.size() >= 2 && ((token.front() == '"' && token.back() == '"') ||
                              (token.front() == '\'' && token.back() == '\''))) {
      token = token.substr(1, token.size() - 2);
    }
    if (token.find_first_not_of(" \t\n") != std::string::npos) out.push_back(token);
  }
  return out;
}

std::vector<std::string> list_of(const json::value& v) {
  if (v.is_string()) return split_args(std::string(v.as_string()));
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& item : v.as_array()) out.push_back(as_text(item));
  }
  return out;
}

// The file a script names: from `cwd`, else on PATH (pm2 checks both, in that order).
std::string resolve_script(const std::string& script, const std::string& cwd) {
  std::string local = absolute_from(cwd, script);
  if (std::filesystem::exists(local)) return local;
  if (script.find('/') == std::string::npos) {
    const char* path = std::getenv("PATH");
    std::string_view rest = path != nullptr ? path : "";
    while (!rest.empty()) {
      const size_t colon = rest.find(':');
      std::string candidate(rest.substr(0, colon));
      candidate.append("/").append(script);
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  return local;
}

// pm2's isBinary: an executable format rather than a script text.
bool is_binary(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::array<char, 512> head{};
  in.read(head.data(), head.size());
  const auto n = in.gcount();
  if (n >= 4 && std::string_view(head.data(), 4) ==
                    "\x7f"
                    "ELF")
    return true;
  return std::find(head.begin(), head.begin() + n, '\0') != head.begin() + n;
}

int cpu_count() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

// pm2's interpreter by extension (lib/API/interpreter.json); empty: none known.
std::string interpreter_for(const std::string& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> k_table = {
      {{".sh", "bash"},
       {".py", "python"},
       {".rb", "ruby"},
       {".php", "php"},
       {".pl", "perl"},
       {".js", "node"},
       {".coffee", "coffee"},
       {".ls", "lsc"},
       {".ts", "bun"},
       {".tsx", "bun"}}};
  const std::string ext = std::filesystem::path(file).extension().string();
  for (const auto& [e, interpreter] : k_table) {
    if (ext == e) return std::string(interpreter);
  }
  return {};
}

bool program_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "";
  while (!rest.empty()) {
    const size_t colon = rest.find(':');
    if (::access((std::string(rest.substr(0, colon)) + "/" + program).c_str(), X_OK) == 0) {
      return true;
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return false;
}

// Keys reported as they are, with why.
constexpr std::array<std::pair<std::string_view, std::string_view>, 34> k_reported = {{
    {"watch", "file watching (restart on change) has no bgo equivalent"},
    {"ignore_watch", "file watching has no bgo equivalent"},
    {"watch_options", "file watching has no bgo equivalent"},
    {"watch_delay", "file watching has no bgo equivalent"},
    {"out_file", "bgod writes stdout to ~/.bgo/logs/NAME.out.log (bgo logs NAME)"},
    {"error_file", "bgod writes stderr to ~/.bgo/logs/NAME.err.log (bgo logs NAME)"},
    {"log_file", "bgod keeps stdout and stderr in ~/.bgo/logs; bgo logs NAME shows both"},
    {"merge_logs", "bgod keeps one log per process"},
    {"pid_file", "bgod keeps the pid in ~/.bgo/procs/NAME.json (bgo status -o running_pid)"},
    {"log_date_format", "bgo's line times (logs.time) are ISO-8601 UTC, not a chosen format"},
    {"log_type", "bgod writes plain lines"},
    {"disable_logs", "bgod always keeps logs (logs.max_size bounds them)"},
    {"restart_delay",
     "bgo restarts a process that ran min_uptime at once, a fast crash "
     "after 2, 4, 8 s; no fixed delay"},
    {"exp_backoff_restart_delay", "bgo backs fast crashes off 2, 4, 8 s; not configurable"},
    {"wait_ready",
     "process.send('ready') over pm2's IPC channel has no bgo equivalent; use a "
     "ready check (notify, log, http, tcp)"},
    {"listen_timeout", "goes with wait_ready (bgo: ready.timeout)"},
    {"shutdown_with_message", "bgo stops with a signal (stop.signal), not an IPC message"},
    {"namespace", "bgo has projects (the file's name), not namespaces"},
    {"filter_env", "bgo gives each process bgo's environment plus its env"},
    {"uid", "bgo runs processes as the user of bgod"},
    {"gid", "bgo runs processes as the user of bgod"},
    {"username", "bgo runs processes as the user of bgod"},
    {"source_map_support", "a pm2 wrapper feature"},
    {"disable_source_map_support", "a pm2 wrapper feature"},
    {"vizion", "pm2's versioning metadata"},
    {"post_update", "pm2 deploy hooks"},
    {"pmx", "pm2's monitoring agent"},
    {"automation", "pm2's monitoring agent"},
    {"trace", "pm2.io tracing"},
    {"disable_trace", "pm2.io tracing"},
    {"deep_monitoring", "pm2.io monitoring"},
    {"v8", "pm2.io monitoring"},
    {"event_loop_inspector", "pm2.io monitoring"},
    {"io", "pm2.io settings"},
}};

constexpr std::array<std::string_view, 9> k_silent = {
    "force",       "append_env_to_name", "name_prefix", "install_url", "execute_command",
    "windowsHide", "kill_retry_time",    "write",       "instance_var"};

}  // namespace

Result<Pm2App> pm2_app(AppSpec& app, const json::object& conf, const std::string& folder,
                       const ImportOptions& options) {
  Pm2App result;
  ProcessSpec& spec = result.spec;
  const json::value* script_value = conf.if_contains("script");
  if (script_value == nullptr || !script_value->is_string() || script_value->as_string().empty()) {
    return make_error(Errc::invalid_params,
                      app.file + ": an app has no script (pm2: 'No script path - aborting')");
  }
  std::string script(script_value->as_string());
  std::string name;
  if (const auto* n = conf.if_contains("name"); n != nullptr && !n->is_null()) {
    name = as_text(*n);
  } else {
    name = std::filesystem::path(script).filename().string();
    const size_t dot = name.rfind('.');
    if (dot != std::string::npos && dot > 0) name.resize(dot);
  }
  spec.name = name;
  const auto said = [&](std::string_view key) { return conf.if_contains(key) != nullptr; };
  const auto value = [&](std::string_view key) -> const json::value& { return conf.at(key); };

  spec.cwd = said("cwd") && value("cwd").is_string()
                 ? absolute_from(folder, std::string(value("cwd").as_string()))
                 : folder;

  // The environment: env, then env_MODE (pm2 start --env MODE), then `port`.
  const auto merge_env = [&](const json::value& env) {
    if (!env.is_object()) return;
    for (const auto& entry : env.as_object()) {
      if (auto text = env_text(entry.value())) spec.env[std::string(entry.key())] = *text;
    }
  };
  if (said("env")) merge_env(value("env"));
  for (const auto& entry : conf) {
    const std::string key(entry.key());
    if (!key.starts_with("env_")) continue;
    if (key == "env_" + options.env_mode) {
      merge_env(entry.value());
    } else {
      report(app, name, key,
             "an environment not chosen (bgo import --env " + key.substr(4) + " merges it)");
    }
  }
  if (!options.env_mode.empty() && !said("env_" + options.env_mode)) {
    report(app, name, "env_" + options.env_mode,
           "--env " + options.env_mode + " given, but the app has no env_" + options.env_mode);
  }
  if (said("port")) {
    if (auto text = env_text(value("port"))) spec.env["PORT"] = *text;
  }

  // argv: `script` with a space runs under bash -c; else the interpreter, by extension or
  // given, runs the script (`none`: the script is the program).
  std::vector<std::string> args =
      said("args") ? list_of(value("args")) : std::vector<std::string>{};
  std::string interpreter = said("exec_interpreter") && value("exec_interpreter").is_string()
                                ? std::string(value("exec_interpreter").as_string())
                                : std::string();
  if (script.find(' ') != std::string::npos) {
    args = {"-c", script};
    script = program_on_path("bash") ? "bash" : "sh";
    interpreter = "none";
  }
  const std::string resolved = resolve_script(script, spec.cwd);
  if (interpreter.empty()) {
    interpreter = interpreter_for(resolved);
    if (interpreter == "python" && !program_on_path("python") && program_on_path("python3")) {
      interpreter = "python3";
    }
    if (interpreter.empty()) {
      interpreter = std::filesystem::exists(resolved) && !is_binary(resolved) ? "node" : "none";
    }
  }
  if (interpreter.find("python") != std::string::npos) spec.env["PYTHONUNBUFFERED"] = "1";
  if (interpreter == "none") {
    spec.command.push_back(std::filesystem::exists(resolved) ? resolved : script);
  } else {
    spec.command.push_back(interpreter);
    if (said("node_args")) {
      for (auto& a : list_of(value("node_args"))) spec.command.push_back(std::move(a));
    }
    // A script beside cwd keeps its spelling (the interpreter opens it from cwd, and the
    // bgo.yaml stays movable); one found on PATH needs its full path.
    spec.command.push_back(resolved == absolute_from(spec.cwd, script) ? script : resolved);
  }
  for (auto& a : args) spec.command.push_back(std::move(a));

  // Instances: a number, "max" (0: every CPU), -1 (every CPU but one).
  double instances = 1;
  if (said("instances")) {
    const auto& v = value("instances");
    // "max", and what parseInt(...) || 0 makes 0 in pm2, mean every CPU.
    const auto n = number_of(v);
    instances = n ? std::trunc(*n) : 0;
    if (instances == 0) instances = cpu_count();
    if (instances < 0) instances += cpu_count();
    if (instances <= 0) instances = 1;
  }
  result.instances = static_cast<int>(std::min(instances, 1000.0));
  const bool node_app = interpreter == "node" || interpreter.ends_with("/node") ||
                        interpreter == "bun" || interpreter.ends_with("/bun");
  std::string mode = said("exec_mode") ? as_text(value("exec_mode")) : "";
  if (mode.empty()) mode = said("instances") && node_app ? "cluster" : "fork";
  if (mode.starts_with("cluster") && result.instances > 1) {
    report(app, name, "exec_mode",
           "cluster mode shares one listening port between the instances (Node's cluster "
           "module); bgo runs " +
               std::to_string(result.instances) +
               " separate processes: give each its own port (increment_var: PORT) or use "
               "SO_REUSEPORT");
  }
  const std::string instance_var =
      said("instance_var") ? as_text(value("instance_var")) : "NODE_APP_INSTANCE";
  if (result.instances == 1) {
    spec.env[instance_var] = "0";
  } else {
    report(app, name, instance_var,
           "pm2 numbers its instances in " + instance_var + "; bgo sets BGO_INSTANCE (0.." +
               std::to_string(result.instances - 1) + ") instead");
  }
  if (said("increment_var")) {
    const std::string var = as_text(value("increment_var"));
    if (var == "PORT" && result.instances > 1) {
      if (!spec.env.contains("PORT")) spec.env["PORT"] = "0";
      result.port_offset = true;
    } else if (result.instances > 1) {
      report(app, name, "increment_var",
             var + " + instance number: bgo offsets only PORT (port_offset)");
    }
  }

  // Restarts: autorestart (default true) watches the process; stop_exit_codes are successes
  // after which it stays stopped.
  const bool autorestart = !said("autorestart") || truthy(value("autorestart"));
  if (!autorestart) {
    spec.policy.restart = RestartPolicy::never;
  } else {
    spec.watch = true;
    spec.policy.restart = RestartPolicy::always;
    if (said("stop_exit_codes")) {
      std::vector<int64_t> codes;
      const auto& v = value("stop_exit_codes");
      if (v.is_array()) {
        for (const auto& c : v.as_array()) {
          if (auto n = number_of(c)) codes.push_back(static_cast<int64_t>(*n));
        }
      } else if (auto n = number_of(v)) {
        codes.push_back(static_cast<int64_t>(*n));
      }
      if (!codes.empty()) {
        spec.policy.restart = RestartPolicy::on_failure;
        spec.policy.success_codes = codes;
      }
    }
    double min_uptime_ms = 1000;  // pm2's default
    if (said("min_uptime")) {
      auto ms = ms_of(value("min_uptime"));
      if (!ms) {
        return make_error(Errc::invalid_params, app.file + ": app '" + name + "': min_uptime '" +
                                                    as_text(value("min_uptime")) +
                                                    "' is not a duration");
      }
      min_uptime_ms = *ms;
    }
    spec.min_uptime = static_cast<int64_t>(std::ceil(min_uptime_ms / 1000.0));
    spec.on_fast_crash = "backoff";
    if (said("max_restarts")) {
      const auto n = number_of(value("max_restarts"));
      if (n && *n <= 0) {
        spec.on_fast_crash = "stop";
      } else if (!n || *n != 3) {
        report(app, name, "max_restarts",
               "bgo gives up after the 4th fast crash in a row (on_fast_crash: backoff), not "
               "after " +
                   as_text(value("max_restarts")) + " restarts");
      }
    }
  }
  if (said("autostart") && !truthy(value("autostart"))) spec.autostart = AutostartPolicy::never;

  // pm2 stops with SIGINT, then SIGKILL after kill_timeout (1600 ms by default).
  spec.policy.stop_signal = 2;
  spec.policy.stop_timeout_ms = 1600;
  if (said("kill_timeout")) {
    const auto n = number_of(value("kill_timeout"));
    if (!n || *n < 0) {
      return make_error(Errc::invalid_params,
                        app.file + ": app '" + name + "': kill_timeout is not a number of ms");
    }
    spec.policy.stop_timeout_ms = static_cast<int64_t>(*n);
  }
  if (said("treekill") && !truthy(value("treekill"))) {
    report(app, name, "treekill", "bgo always stops the whole process group");
  }
  if (said("max_memory_restart")) {
    const auto& v = value("max_memory_restart");
    std::optional<uint64_t> bytes;
    if (auto n = number_of(v); n && !v.is_string()) {
      bytes = static_cast<uint64_t>(*n);
    } else if (v.is_string()) {
      bytes = parse_size(std::string(v.as_string()));
    }
    if (!bytes || *bytes == 0) {
      report(app, name, "max_memory_restart", "'" + as_text(v) + "' is not a size bgo reads");
    } else {
      spec.policy.max_memory = bytes;
    }
  }
  if (said("cron_restart")) {
    const std::string cron = as_text(value("cron_restart"));
    if (cron != "0" && !cron.empty()) {
      if (CronSchedule::parse(cron)) {
        spec.policy.cron = cron;
      } else {
        report(app, name, "cron_restart",
               "'" + cron +
                   "' is not a five-field crontab schedule (pm2's croner also takes "
                   "seconds); bgo's cron has minutes");
      }
    }
  }
  if (said("time") && truthy(value("time"))) {
    LogOptions logs;
    logs.timestamps = true;
    spec.logs = logs;
  }

  for (const auto& entry : conf) {
    const std::string_view key = entry.key();
    bool handled = false;
    for (const auto& [reported, why] : k_reported) {
      if (key == reported) {
        if (!(key == "watch" && !truthy(entry.value())))
          report(app, name, std::string(key), std::string(why));
        handled = true;
      }
    }
    if (handled || key.starts_with("env") ||
        std::find(k_silent.begin(), k_silent.end(), key) != k_silent.end()) {
      continue;
    }
    if (!is_pm2_schema_key(key))
      report(app, name, std::string(key), "not a pm2 app setting bgo knows");
  }
  return result;
}

}  // namespace bgo::app
