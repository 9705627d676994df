// SPDX-License-Identifier: MIT
// A process-compose process: replicas, environment layers, probes, availability, shutdown.
#include "client/app/import_pc_process.hpp"

#include <cmath>
#include <regex>
#include <yaml-cpp/yaml.h>

#include "client/app/import_util.hpp"
#include "common/cron.hpp"
#include "common/words.hpp"

namespace bgo::app {

namespace {

using Vars = std::map<std::string, std::string>;

struct Ctx {
  AppSpec& app;
  const PcProject& project;
  const PcYamlReader& reader;
  const std::string& name;
};

// Go's text/template as process-compose uses it: {{.NAME}} from the vars; "<no value>" for a
// name without one, as Go prints it.
std::string render(const std::string& text, const Vars& vars) {
  static const std::regex k_action(R"(\{\{-?\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\})");
  std::string out;
  auto last = text.cbegin();
  for (auto it = std::sregex_iterator(text.begin(), text.end(), k_action);
       it != std::sregex_iterator(); ++it) {
    out.append(last, text.cbegin() + it->position());
    const auto found = vars.find((*it)[1].str());
    out += found != vars.end() ? found->second : "<no value>";
    last = text.cbegin() + it->position() + it->length();
  }
  out.append(last, text.cend());
  return out;
}

// A YAML boolean (true/yes/on); anything else is false, as a Go bool field defaults.
bool yes(const YAML::Node& node) {
  if (!node || !node.IsScalar()) return false;
  const std::string& v = node.Scalar();
  return v == "true" || v == "True" || v == "TRUE" || v == "yes" || v == "on";
}

std::string regex_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (std::string_view(R"(\^$.|?*+()[]{})").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

int64_t int_or(const YAML::Node& node, int64_t fallback) {
  if (!node || !node.IsScalar()) return fallback;
  try {
    return std::stoll(node.Scalar());
  } catch (const std::exception&) {
    return fallback;
  }
}

// A readiness or liveness probe; nullopt (reported) when bgo cannot run it.
Result<std::optional<HealthCheck>> probe(Ctx& c, const YAML::Node& node, bool live,
                                         const Vars& vars, const std::string& key) {
  HealthCheck check;
  const int64_t initial = int_or(node["initial_delay_seconds"], 0);
  int64_t period = int_or(node["period_seconds"], 10);
  if (period < 1) period = 10;
  int64_t timeout = int_or(node["timeout_seconds"], 1);
  if (timeout < 1) timeout = 1;
  int64_t failures = int_or(node["failure_threshold"], 3);
  if (failures < 1) failures = 3;
  if (int_or(node["success_threshold"], 1) > 1) {
    report(c.app, c.name, key + ".success_threshold", "bgo takes one success");
  }
  if (const auto exec = node["exec"]) {
    const std::string command = render(exec["command"].as<std::string>(""), vars);
    if (command.empty()) return c.reader.error(exec, key + ".exec: no command");
    check.kind = CheckKind::exec;
    check.target = command;
    check.command = shell_command(command, c.project.shell);
    if (exec["working_dir"]) {
      report(c.app, c.name, key + ".exec.working_dir", "bgo runs exec checks in the process's cwd");
    }
  } else if (const auto http = node["http_get"]) {
    std::string scheme = render(http["scheme"].as<std::string>(""), vars);
    std::string host = render(http["host"].as<std::string>(""), vars);
    std::string path = render(http["path"].as<std::string>(""), vars);
    const std::string port = render(http["port"].as<std::string>(""), vars);
    if (scheme.empty()) scheme = "http";
    if (host.empty()) host = "127.0.0.1";
    if (path.empty()) path = "/";
    if (!path.starts_with("/")) path.insert(0, "/");
    if (scheme != "http") {
      report(c.app, c.name, key, "bgod probes plain HTTP only, not " + scheme + "://");
      return std::optional<HealthCheck>{};
    }
    int64_t num_port = 0;
    try {
      num_port = port.empty() ? 0 : std::stoll(port);
    } catch (const std::exception&) {
      num_port = 0;
    }
    check.kind = CheckKind::http;
    check.target = scheme + "://" + host +
                   (num_port > 0 && num_port < 65536 ? ":" + std::to_string(num_port) : "") + path;
    if (http["headers"])
      report(c.app, c.name, key + ".http_get.headers", "bgod sends no extra header");
    if (int_or(http["status_code"], 200) != 200) {
      report(c.app, c.name, key + ".http_get.status_code", "bgod takes any status 200-399");
    }
  } else {
    report(c.app, c.name, key, "a probe without exec or http_get");
    return std::optional<HealthCheck>{};
  }
  check.interval_ms = period * 1000;
  if (live) {
    check.timeout_ms = timeout * 1000;
    check.failures = failures;
    if (initial > 0) {
      report(c.app, c.name, key + ".initial_delay_seconds",
             "bgo starts liveness checks once the process is ready (at once without a "
             "readiness check)");
    }
  } else {
    // process-compose gives up after failure_threshold failed attempts, one per period,
    // after the initial delay; bgo's readiness timeout is that deadline.
    check.timeout_ms = (initial + period * failures) * 1000;
  }
  return std::optional<HealthCheck>{check};
}

std::optional<DependencyCondition> condition_of(const std::string& text) {
  if (text == "process_started") return DependencyCondition::started;
  if (text == "process_healthy" || text == "process_log_ready") return DependencyCondition::ready;
  if (text == "process_completed" || text.empty()) return DependencyCondition::completed;
  if (text == "process_completed_successfully") return DependencyCondition::succeeded;
  return std::nullopt;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 16> k_reported = {{
    {"is_daemon",
     "a daemon that forks into the background; bgod supervises a process that "
     "stays in the foreground (run it with its no-daemon flag)"},
    {"launch_timeout_seconds", "goes with is_daemon"},
    {"namespace", "bgo has projects, not namespaces"},
    {"log_location", "bgod writes logs to ~/.bgo/logs/NAME.{out,err}.log"},
    {"log_configuration", "bgod writes logs to ~/.bgo/logs (logs.max_size, logs.files)"},
    {"disable_ansi_colors", "bgod keeps output as written"},
    {"is_foreground", "bgo runs no process in the terminal"},
    {"is_tty", "bgo gives processes pipes, not a terminal"},
    {"is_interactive", "bgo gives processes no input"},
    {"is_elevated", "bgo runs processes as bgod's user (no sudo)"},
    {"watch", "file watching (restart on change) has no bgo equivalent"},
    {"mcp", "process-compose's MCP server has no bgo equivalent"},
    {"monitor_for", "a process-compose UI notification"},
    {"monitor_silence_threshold", "a process-compose UI notification"},
    {"truncate_log", "bgod appends to its logs (bgo flush empties them)"},
    {"extends", "process extension is not followed; the process is imported as written"},
}};

}  // namespace

Result<std::map<std::string, std::string>> pc_environment(const PcYamlReader& reader,
                                                          const YAML::Node& node,
                                                          const std::string& what) {
  std::map<std::string, std::string> env;
  if (!node || node.IsNull()) return env;
  if (node.IsMap()) {
    for (const auto& e : node) env[e.first.Scalar()] = scalar_text(e.second).value_or("");
    return env;
  }
  auto items = reader.strings(node, what);
  if (!items) return items.error();
  for (const auto& item : *items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::string why = what;
      why.append(": '").append(item).append("' is not KEY=VALUE");
      return reader.error(node, why);
    }
    env[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return env;
}

Result<void> add_pc_process(AppSpec& app, const PcProject& project, const PcYamlReader& reader,
                            const std::string& name, const YAML::Node& node) {
  Ctx c{app, project, reader, name};
  if (!node.IsMap()) return reader.error(node, "processes." + name + ": expected a mapping");
  const auto said = [&](const char* key) { return static_cast<bool>(node[key]); };
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    // A flag set to false asks for process-compose's default: nothing to report.
    const bool off = entry.second.IsScalar() &&
                     (entry.second.Scalar() == "false" || entry.second.Scalar() == "False");
    for (const auto& [k, why] : k_reported) {
      if (key == k && !off) report(app, name, key, std::string(why));
    }
    static constexpr std::array<std::string_view, 21> k_known = {"command",
                                                                 "entrypoint",
                                                                 "working_dir",
                                                                 "environment",
                                                                 "env_file",
                                                                 "depends_on",
                                                                 "readiness_probe",
                                                                 "liveness_probe",
                                                                 "ready_log_line",
                                                                 "availability",
                                                                 "shutdown",
                                                                 "replicas",
                                                                 "disabled",
                                                                 "is_disabled",
                                                                 "vars",
                                                                 "is_template_disabled",
                                                                 "success_exit_codes",
                                                                 "schedule",
                                                                 "is_dotenv_disabled",
                                                                 "description",
                                                                 "name"};
    bool known = std::find(k_known.begin(), k_known.end(), key) != k_known.end();
    for (const auto& [k, why] : k_reported) known = known || key == k;
    if (!known && !key.starts_with("x-")) {
      report(app, name, key, "not a process-compose setting bgo knows");
    }
  }

  Vars vars = project.vars;
  if (node["vars"] && node["vars"].IsMap()) {
    for (const auto& v : node["vars"]) vars[v.first.Scalar()] = scalar_text(v.second).value_or("");
  }
  const bool templates = !yes(node["is_template_disabled"]);
  int64_t replicas = int_or(node["replicas"], 1);
  if (replicas < 1) replicas = 1;
  if (replicas > 1000) return reader.error(node["replicas"], "replicas: at most 1000");

  // The environment layers of src/app/environment.go, in order: .env, the project's
  // environment, env_file (from working_dir), the process's environment.
  const bool dotenv = !yes(node["is_dotenv_disabled"]);

  std::vector<ProcessSpec> specs;
  for (int64_t r = 0; r < replicas; ++r) {
    Vars with = vars;
    with["PC_REPLICA_NUM"] = std::to_string(r);
    const auto text = [&](const std::string& s) { return templates ? render(s, with) : s; };
    ProcessSpec spec;
    spec.name = name;
    spec.where = {reader.file(), reader.line(node), reader.column(node)};
    const std::string working_dir = render(node["working_dir"].as<std::string>(""), with);
    spec.cwd = working_dir.empty() ? project.folder : absolute_from(project.folder, working_dir);
    if (said("command") && !node["command"].as<std::string>("").empty()) {
      const std::string command = text(node["command"].as<std::string>(""));
      spec.command = shell_command(command, project.shell);
    } else if (said("entrypoint")) {
      auto argv = reader.strings(node["entrypoint"], "entrypoint");
      if (!argv) return argv.error();
      spec.command = std::move(*argv);
    }
    if (spec.command.empty()) return reader.error(node, "processes." + name + ": no command");
    if (dotenv) spec.env = project.dotenv;
    for (const auto& [k, v] : project.environment) spec.env[k] = v;
    if (said("env_file")) {
      const std::string file = absolute_from(spec.cwd, node["env_file"].as<std::string>(""));
      auto env_text = read_text_file(file);
      if (!env_text) return reader.error(node["env_file"], "env_file: " + env_text.error().message);
      for (const auto& [k, v] : parse_dotenv(*env_text)) spec.env[k] = v;
    }
    if (said("environment")) {
      auto env = pc_environment(reader, node["environment"], "environment");
      if (!env) return env.error();
      for (const auto& [k, v] : *env) spec.env[k] = render(v, with);
    }
    if (auto deps = node["depends_on"]; deps && deps.IsMap()) {
      for (const auto& d : deps) {
        const auto condition = d.second["condition"].as<std::string>("");
        const auto parsed = condition_of(condition);
        if (!parsed) {
          return reader.error(d.second, "depends_on." + d.first.Scalar() +
                                            ": invalid process dependency condition '" + condition +
                                            "'");
        }
        spec.policy.after.push_back({d.first.Scalar(), *parsed});
      }
    }
    if (auto p = node["readiness_probe"]) {
      auto check = probe(c, p, false, with, "readiness_probe");
      if (!check) return check.error();
      spec.policy.ready = *check;
    }
    if (auto p = node["ready_log_line"]) {
      if (spec.policy.ready) {
        report(app, name, "ready_log_line",
               "readiness_probe is used (process-compose refuses both)");
      } else {
        spec.policy.ready =
            HealthCheck{CheckKind::log, regex_escape(p.as<std::string>("")), {}, 1000, 60000, 3};
      }
    }
    if (auto p = node["liveness_probe"]) {
      auto check = probe(c, p, true, with, "liveness_probe");
      if (!check) return check.error();
      spec.policy.live = *check;
    }
    specs.push_back(std::move(spec));
  }

  // What every replica shares: availability, shutdown, schedule, success codes.
  ProcessPolicy shared;
  bool watch = false;
  std::optional<std::string> on_fast_crash;
  std::optional<AutostartPolicy> autostart;
  std::vector<int64_t> success{0};
  if (auto codes = node["success_exit_codes"]; codes && codes.IsSequence()) {
    for (const auto& code : codes) success.push_back(int_or(code, 0));
    shared.success_codes = success;
  }
  if (auto a = node["availability"]; a && a.IsMap()) {
    const auto restart = a["restart"].as<std::string>("no");
    if (restart == "always" || restart == "on_failure") {
      watch = true;
      shared.restart = restart == "always" ? RestartPolicy::always : RestartPolicy::on_failure;
      const int64_t max = int_or(a["max_restarts"], 0);
      on_fast_crash = max <= 0 ? "retry" : "backoff";
      if (max > 0 && max != 3) {
        report(app, name, "availability.max_restarts",
               "bgo gives up after the 4th fast crash in a row (on_fast_crash: backoff), not "
               "after " +
                   std::to_string(max) + " restarts");
      }
    } else if (restart == "exit_on_failure") {
      shared.restart = RestartPolicy::never;
      report(app, name, "availability.restart",
             "exit_on_failure: process-compose stops the whole project when it fails; bgo "
             "stops nothing else (restart: never)");
    } else if (restart == "no") {
      if (a["restart"]) shared.restart = RestartPolicy::never;
    } else {
      return reader.error(a["restart"],
                          "availability.restart: invalid restart policy '" + restart + "'");
    }
    if (a["backoff_seconds"]) {
      report(app, name, "availability.backoff_seconds",
             "bgo restarts a process that ran min_uptime at once, a fast crash after 2, 4, 8 s");
    }
    if (a["exit_on_end"]) {
      report(app, name, "availability.exit_on_end", "bgo stops nothing else when it ends");
    }
    if (a["exit_on_skipped"]) {
      report(app, name, "availability.exit_on_skipped", "bgo stops nothing else");
    }
  }
  // process-compose stops with SIGTERM (or shutdown.signal), SIGKILL after 10 s by default.
  shared.stop_timeout_ms = 10000;
  if (auto sd = node["shutdown"]; sd && sd.IsMap()) {
    const int64_t sig = int_or(sd["signal"], 15);
    if (sig < 1 || sig > 64)
      return reader.error(sd["signal"], "shutdown.signal: not a signal number");
    if (sig != 15) shared.stop_signal = static_cast<int>(sig);
    if (sd["timeout_seconds"]) {
      const int64_t t = int_or(sd["timeout_seconds"], 10);
      if (t > 0) shared.stop_timeout_ms = t * 1000;
    }
    if (sd["command"]) {
      report(app, name, "shutdown.command", "bgo stops with a signal (stop.signal), not a command");
    }
    if (sd["parent_only"]) report(app, name, "shutdown.parent_only", "bgo signals the whole group");
    if (sd["send_keys"]) report(app, name, "shutdown.send_keys", "bgo gives processes no input");
  }
  if (auto s = node["schedule"]; s && s.IsMap()) {
    const auto cron = s["cron"].as<std::string>("");
    if (!cron.empty() && CronSchedule::parse(cron)) {
      shared.cron = cron;
    } else if (!cron.empty()) {
      report(app, name, "schedule.cron", "'" + cron + "' is not a five-field crontab schedule");
    }
    const auto tz = s["timezone"].as<std::string>("");
    if (!tz.empty() && tz != "UTC" && tz != "Etc/UTC") {
      report(app, name, "schedule.timezone", "bgo's cron runs in UTC");
    }
    for (const char* key : {"interval", "run_on_start", "max_concurrent"}) {
      if (s[key]) report(app, name, std::string("schedule.") + key, "bgo schedules with cron only");
    }
  }
  const bool disabled = yes(node["disabled"]) ||
                        (said("is_disabled") && node["is_disabled"].as<std::string>("") == "true");
  if (disabled) {
    autostart = AutostartPolicy::never;
    report(app, name, "disabled",
           "process-compose does not start it; imported with autostart: never");
  }
  for (auto& spec : specs) {
    auto after = std::move(spec.policy.after);
    auto ready = std::move(spec.policy.ready);
    auto live = std::move(spec.policy.live);
    spec.policy = shared;
    spec.policy.after = std::move(after);
    spec.policy.ready = std::move(ready);
    spec.policy.live = std::move(live);
    spec.watch = watch;
    spec.on_fast_crash = on_fast_crash;
    spec.autostart = autostart;
  }

  // Replicas alike but for their number are bgo instances (NAME:i, BGO_INSTANCE); replicas
  // that templates made different are processes of their own, named as process-compose names
  // them (NAME-0, NAME-1; zero-padded to the width of the count).
  bool alike = true;
  for (const auto& s : specs) {
    alike = alike && s.command == specs.front().command && s.cwd == specs.front().cwd &&
            s.env == specs.front().env;
  }
  if (specs.size() == 1 || alike) {
    if (specs.size() > 1) {
      report(app, name, "PC_REPLICA_NUM",
             "process-compose numbers replicas in PC_REPLICA_NUM; bgo sets BGO_INSTANCE (0.." +
                 std::to_string(specs.size() - 1) + ") instead");
    }
    add_instances(app, specs.front(), static_cast<int>(specs.size()), false);
    return {};
  }
  const int width = 1 + static_cast<int>(std::log10(static_cast<double>(specs.size())));
  for (size_t r = 0; r < specs.size(); ++r) {
    std::string number = std::to_string(r);
    if (static_cast<int>(number.size()) < width) number.insert(0, width - number.size(), '0');
    specs[r].name = name;
    specs[r].name.append("-").append(number);
    specs[r].env["PC_REPLICA_NUM"] = std::to_string(r);
    app.processes.push_back(std::move(specs[r]));
  }
  return {};
}

}  // namespace bgo::app
