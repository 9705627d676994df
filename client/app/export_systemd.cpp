// SPDX-License-Identifier: MIT
// The systemd units of an application, and what each setting became in them.
#include "client/app/export_systemd.hpp"

#include <algorithm>
#include <array>
#include <csignal>

#include "client/app/export_calendar.hpp"
#include "common/cron.hpp"
#include "common/signal_name.hpp"
#include "common/size.hpp"

namespace bgo::app {

namespace {

// What bgo's default watch does (README, "Watch mode"): the first wait after a fast crash, and
// the starts that make it give up (the fourth fast crash in a row).
constexpr int64_t k_restart_sec = 2;
constexpr int k_backoff_starts = 4;

constexpr std::string_view k_systemd_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin";

std::string hex_escape(unsigned char c) {
  static constexpr std::string_view k_hex = "0123456789abcdef";
  return std::string("\\x") + k_hex[c >> 4] + k_hex[c & 0xf];
}

// Specifiers (%n, %i...) are expanded in most settings: a literal '%' is "%%".
std::string percent(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '%') out += '%';
    out += c;
  }
  return out;
}

bool has_control(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// A double-quoted word of Environment=: C escapes are undone, specifiers expanded.
std::string quoted_word(std::string_view word, bool dollars) {
  std::string out = "\"";
  for (const char c : word) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += hex_escape(u);
    } else if (c == '%') {
      out += "%%";
    } else if (c == '$' && dollars) {
      out += "$$";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

class SystemdExporter {
 public:
  explicit SystemdExporter(ExportContext& ctx)
      : ctx_(ctx),
        report_(ctx.report()),
        user_(ctx.options().scope == SystemdScope::user),
        prefix_(unit_name_escape(ctx.project()) + "-"),
        target_(unit_name_escape(ctx.project()) + ".target"),
        env_file_(unit_name_escape(ctx.project()) + ".env") {}

  std::vector<ExportFile> run() {
    std::vector<ExportFile> body;
    for (const auto& g : ctx_.groups()) add_group(g, body);
    std::vector<ExportFile> out;
    out.push_back({target_, target_text()});
    if (!ctx_.shared().empty()) out.push_back({env_file_, env_file_text()});
    out.insert(out.end(), body.begin(), body.end());
    notes();
    return out;
  }

 private:
  std::string unit_dir() const { return user_ ? "%E/systemd/user" : "/etc/systemd/system"; }
  std::string systemctl() const { return user_ ? "systemctl --user" : "systemctl"; }

  std::string service(const ProcessGroup& g) const {
    return prefix_ + unit_name_escape(g.name) + (g.instances > 1 ? "@" : "") + ".service";
  }
  // The units that run `g`: its instances, or itself.
  std::vector<std::string> units(const ProcessGroup& g) const {
    if (g.instances < 2) return {service(g)};
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(g.instances));
    for (int i = 0; i < g.instances; ++i) {
      out.push_back(prefix_ + unit_name_escape(g.name) + "@" + std::to_string(i) + ".service");
    }
    return out;
  }
  static std::string exec_words(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += " " + exec_word(w, false);
    return out;
  }
  static std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
  }

  // Runs to completion before its dependents start: a one-shot something waits for.
  bool oneshot(const ProcessGroup& g) const {
    if (g.first->policy.restart != RestartPolicy::never) return false;
    for (const auto& d : ctx_.dependents(g)) {
      if (d.condition == DependencyCondition::completed ||
          d.condition == DependencyCondition::succeeded) {
        return true;
      }
    }
    return false;
  }
  bool notify(const ProcessGroup& g) const {
    return g.first->policy.ready && g.first->policy.ready->kind == CheckKind::notify;
  }

  void add_group(const ProcessGroup& g, std::vector<ExportFile>& out) {
    const ProcessSpec& p = *g.first;
    std::string unit = "# " + ctx_.project() + ": " + g.name +
                       ", written by `bgo export systemd` (see EXPORT-REPORT.md).\n[Unit]\n";
    unit += "Description=" + percent(ctx_.project() + ": " + g.name) + "\n";
    unit += "PartOf=" + target_ + "\n";
    unit += dependencies(g);
    unit += start_limits(g);
    unit += "\n[Service]\n";
    unit += service_type(g);
    unit += exec_start(g);
    unit += "WorkingDirectory=" + percent(p.cwd) + "\n";
    report_.carried(g.name, "cwd", "`WorkingDirectory=" + p.cwd + "`");
    unit += environment(g);
    unit += restart(g);
    unit += stop(g);
    if (p.policy.max_memory) {
      unit += "MemoryMax=" + format_size(*p.policy.max_memory) + "\n";
      report_.carried(g.name, "max_memory",
                      "`MemoryMax=" + format_size(*p.policy.max_memory) + "`");
    }
    if (!user_) unit += "User=" + ctx_.options().user_name + "\n";
    unit += "SyslogIdentifier=" + percent(ctx_.project() + "-" + g.name) + "\n";
    if (p.logs) {
      report_.dropped(g.name, "logs",
                      "output goes to the journal (`journalctl" +
                          std::string(user_ ? " --user" : "") + " -u " + service(g) +
                          "`), timestamped; its size is journald's " +
                          "(`SystemMaxUse=`), not per unit");
    }
    autostart(g);
    out.push_back({service(g), unit});
    if (g.port_offset) port_drop_ins(g, out);
    if (p.policy.cron) cron(g, out);
  }

  std::string dependencies(const ProcessGroup& g) {
    std::string required;
    std::string wants;
    std::string after;
    for (const auto& d : ctx_.dependencies(g)) {
      const std::string names = joined(units(*d.group));
      const std::string key = "depends_on: " + d.group->name;
      after += (after.empty() ? "" : " ") + names;
      if (d.condition == DependencyCondition::completed) {
        wants += (wants.empty() ? "" : " ") + names;
      } else {
        required += (required.empty() ? "" : " ") + names;
      }
      report_dependency(g, d, key, names);
    }
    std::string out;
    if (!required.empty()) out += "Requires=" + required + "\n";
    if (!wants.empty()) out += "Wants=" + wants + "\n";
    if (!after.empty()) out += "After=" + after + "\n";
    return out;
  }

  void report_dependency(const ProcessGroup& g, const GroupDependency& d, const std::string& key,
                         const std::string& names) {
    const bool dep_oneshot = oneshot(*d.group);
    const auto& ready = d.group->first->policy.ready;
    switch (d.condition) {
      case DependencyCondition::started:
        report_.carried(g.name, key, "`Requires=`, `After=` " + names + ": starts once it started");
        return;
      case DependencyCondition::ready:
        if (!ready || ready->kind == CheckKind::notify) {
          report_.carried(g.name, key,
                          "`Requires=`, `After=` " + names +
                              (ready ? ": starts after its READY=1 (`Type=notify`)"
                                     : ": starts once it started (it has no readiness check)"));
        } else {
          report_.dropped(g.name, key,
                          "systemd cannot wait for a " + std::string(to_string(ready->kind)) +
                              " check: `Requires=`, `After=` " + names +
                              " wait for its start only");
        }
        return;
      case DependencyCondition::completed:
      case DependencyCondition::succeeded: {
        const bool succeeded = d.condition == DependencyCondition::succeeded;
        if (!dep_oneshot) {
          report_.dropped(g.name, key,
                          "only a `restart: never` process runs to its end in systemd "
                          "(`Type=oneshot`): `After=` " +
                              names + " waits for its start only");
          return;
        }
        report_.carried(g.name, key,
                        std::string(succeeded ? "`Requires=`" : "`Wants=`") + ", `After=` " +
                            names + ": starts after it exited (it is `Type=oneshot`)" +
                            (succeeded ? ", not at all when it failed" : ", whatever its exit"));
        return;
      }
    }
  }

  // The fast-crash rule of the watch block as start limits ([Unit] settings).
  std::string start_limits(const ProcessGroup& g) {
    const ProcessSpec& p = *g.first;
    if (!p.watch || !p.on_fast_crash) return {};
    const int64_t min_uptime = p.min_uptime.value_or(2);
    const std::string& mode = *p.on_fast_crash;
    if (mode == "retry") {
      report_.carried(g.name, "watch.on_fast_crash",
                      "`StartLimitIntervalSec=0`: restarted forever, " +
                          std::to_string(k_restart_sec) + " s apart (bgo waits 2, 4, 8, 8... s)");
      report_.dropped(g.name, "watch.min_uptime",
                      "systemd waits `RestartSec=` after every exit, however long the run");
      return "StartLimitIntervalSec=0\n";
    }
    const int burst = mode == "stop" ? 1 : k_backoff_starts;
    const int64_t interval = burst * (min_uptime + k_restart_sec);
    const std::string limits = "`StartLimitIntervalSec=" + std::to_string(interval) +
                               "s`, `StartLimitBurst=" + std::to_string(burst) + "`";
    report_.carried(g.name, "watch.min_uptime",
                    limits + ": a run shorter than min_uptime, " + std::to_string(burst) +
                        " times in a row, fills the limit");
    report_.carried(g.name, "watch.on_fast_crash",
                    mode == "stop" ? limits + ": gives up at the first fast crash"
                                   : limits + " with `RestartSec=" + std::to_string(k_restart_sec) +
                                         "s`: gives up at the 4th fast crash (bgo waits 2, 4, 8 "
                                         "s; systemd 252 waits the same each time)");
    return "StartLimitIntervalSec=" + std::to_string(interval) +
           "s\nStartLimitBurst=" + std::to_string(burst) + "\n";
  }

  std::string service_type(const ProcessGroup& g) {
    const ProcessPolicy& policy = g.first->policy;
    std::string out;
    if (notify(g)) {
      out = "Type=notify\nNotifyAccess=all\nTimeoutStartSec=" +
            duration_text(policy.ready->timeout_ms) + "\n";
      report_.carried(g.name, "ready",
                      "`Type=notify`, `NotifyAccess=all` (READY=1 from any of its processes), "
                      "`TimeoutStartSec=" +
                          duration_text(policy.ready->timeout_ms) + "`");
    } else if (oneshot(g)) {
      out = "Type=oneshot\nRemainAfterExit=yes\n";
    } else {
      out = "Type=exec\n";
    }
    if (policy.ready && !notify(g)) {
      report_.dropped(g.name, "ready",
                      "systemd has no " + std::string(to_string(policy.ready->kind)) +
                          " readiness check: the unit is started once its program runs "
                          "(`Type=exec`), and dependents wait only for that");
    }
    if (policy.watchdog_ms) {
      out += "WatchdogSec=" + duration_text(*policy.watchdog_ms) + "\n";
      report_.carried(g.name, "watchdog",
                      "`WatchdogSec=" + duration_text(*policy.watchdog_ms) +
                          "` (killed with SIGABRT, then restarted)");
    }
    if (policy.live) {
      report_.dropped(g.name, "live",
                      "systemd has no liveness probe (`WatchdogSec=` needs the program to send "
                      "WATCHDOG=1)");
    }
    return out;
  }

  std::string exec_start(const ProcessGroup& g) {
    const ProcessSpec& p = *g.first;
    std::string line = exec_word(program_of(p), true);
    for (size_t i = 1; i < p.command.size(); ++i) line += " " + exec_word(p.command[i], false);
    std::string became = "`ExecStart=" + line + "`";
    if (p.command.front().find('/') == std::string::npos) {
      became += "; systemd looks " + p.command.front() + " up on its own PATH (" +
                std::string(k_systemd_path) + "), not bgo's";
    } else if (p.command.front().front() != '/') {
      became += " (made absolute: systemd needs a name or an absolute path)";
    }
    report_.carried(g.name, "command", became);
    return "ExecStart=" + line + "\n";
  }

  std::string environment(const ProcessGroup& g) {
    std::string out;
    std::string names;
    for (const auto& [key, value] : ctx_.own_env(g)) {
      check_env_name(g, key);
      out += "Environment=" + quoted_word(std::string(key).append("=").append(value), false) + "\n";
      names += (names.empty() ? "" : ", ") + key;
    }
    if (g.instances > 1) {
      out += "Environment=BGO_INSTANCE=%i\n";
      report_.carried(
          g.name, "instances",
          "template `" + service(g) + "`, started as " + joined(units(g)) + "; `BGO_INSTANCE=%i`");
    }
    if (g.port_offset) {
      const int64_t base = std::stoll(g.first->env.at("PORT"));
      report_.carried(g.name, "port_offset",
                      "`Environment=PORT=` " + std::to_string(base) + " to " +
                          std::to_string(base + g.instances - 1) + " in each instance's drop-in (" +
                          units(g).front() + ".d/port.conf...)");
    }
    std::string became;
    if (!names.empty()) became = "`Environment=` " + names;
    if (!ctx_.shared().empty()) {
      out += "EnvironmentFile=" + unit_dir() + "/" + percent(env_file_) + "\n";
      std::string shared;
      for (const auto& [key, value] : ctx_.shared()) {
        check_env_name(g, key);
        shared += (shared.empty() ? "" : ", ") + key;
      }
      became += (became.empty() ? "" : "; ") + std::string("`EnvironmentFile=` ") + env_file_ +
                " (" + shared + ", shared by every process)";
    }
    if (!became.empty()) report_.carried(g.name, "env", became);
    return out;
  }

  static void check_env_name(const ProcessGroup& g, const std::string& key) {
    if (is_portable_env_name(key)) return;
    fail_export(g.name, "env",
                "systemd ignores the variable name '" + key +
                    "' (a name is letters, digits and '_', not starting with a digit)");
  }

  std::string restart(const ProcessGroup& g) {
    const ProcessPolicy& policy = g.first->policy;
    std::string out;
    if (policy.restart) {
      static constexpr std::array<std::string_view, 3> k_values = {"always", "on-failure", "no"};
      const std::string value(k_values.at(static_cast<size_t>(*policy.restart)));
      out += "Restart=" + value + "\n";
      if (*policy.restart != RestartPolicy::never) {
        out += "RestartSec=" + std::to_string(k_restart_sec) + "s\n";
      }
      report_.carried(g.name, "restart", "`Restart=" + value + "`");
    }
    if (policy.success_codes) {
      std::string codes;
      for (const int64_t code : *policy.success_codes) {
        if (code != 0) codes += (codes.empty() ? "" : " ") + std::to_string(code);
      }
      const bool zero = std::find(policy.success_codes->begin(), policy.success_codes->end(), 0) !=
                        policy.success_codes->end();
      if (!zero) {
        report_.dropped(g.name, "success_codes",
                        "systemd always counts exit code 0 as a success; `SuccessExitStatus=" +
                            codes + "` adds the others");
      } else if (codes.empty()) {
        report_.carried(g.name, "success_codes", "exit code 0 (systemd's own rule)");
      } else {
        report_.carried(g.name, "success_codes", "`SuccessExitStatus=" + codes + "`");
      }
      if (!codes.empty()) out += "SuccessExitStatus=" + codes + "\n";
    }
    return out;
  }

  std::string stop(const ProcessGroup& g) {
    const ProcessPolicy& policy = g.first->policy;
    std::string out;
    if (policy.stop_signal) {
      const std::string name = signal_name(*policy.stop_signal);
      if (*policy.stop_signal != SIGTERM) out += "KillSignal=" + name + "\n";
      report_.carried(g.name, "stop.signal",
                      "`KillSignal=" + name + "`" +
                          (*policy.stop_signal == SIGTERM ? " (systemd's default)" : ""));
    }
    if (policy.stop_timeout_ms) {
      out += "TimeoutStopSec=" + duration_text(*policy.stop_timeout_ms) + "\n";
      report_.carried(g.name, "stop.timeout",
                      "`TimeoutStopSec=" + duration_text(*policy.stop_timeout_ms) + "`");
    }
    out += "KillMode=control-group\n";
    if (policy.kill_mode) {
      report_.carried(g.name, "kill_mode",
                      "`KillMode=control-group`: every process of the unit's cgroup, whatever "
                      "its process group");
    }
    return out;
  }

  void autostart(const ProcessGroup& g) {
    if (!g.first->autostart) return;
    if (*g.first->autostart == AutostartPolicy::never) {
      report_.carried(g.name, "autostart",
                      "left out of " + target_ + "'s `Wants=`: started by hand (`" + systemctl() +
                          " start " + service(g) + "`)" +
                          (g.first->policy.cron ? " or by its timer" : ""));
    } else {
      report_.carried(g.name, "autostart",
                      "in " + target_ +
                          "'s `Wants=`: started with the target, at boot once it is "
                          "enabled" +
                          std::string(*g.first->autostart == AutostartPolicy::unless_stopped
                                          ? " (a unit stopped by hand stays stopped until then)"
                                          : ""));
    }
  }

  void port_drop_ins(const ProcessGroup& g, std::vector<ExportFile>& out) const {
    const int64_t base = std::stoll(g.first->env.at("PORT"));
    const auto names = units(g);
    for (int i = 0; i < g.instances; ++i) {
      out.push_back({names.at(static_cast<size_t>(i)) + ".d/port.conf",
                     "# PORT of instance " + std::to_string(i) + " (port_offset).\n[Service]\n" +
                         "Environment=PORT=" + std::to_string(base + i) + "\n"});
    }
  }

  void cron(const ProcessGroup& g, std::vector<ExportFile>& out) {
    auto schedule = CronSchedule::parse(*g.first->policy.cron);
    if (!schedule) fail_export(g.name, "cron", schedule.error().message);
    const std::string timer = prefix_ + unit_name_escape(g.name) + ".timer";
    const std::string helper = prefix_ + unit_name_escape(g.name) + "-cron.service";
    std::string text = "# " + ctx_.project() + ": " + g.name + "'s schedule (cron " +
                       *g.first->policy.cron + ", UTC).\n[Unit]\nDescription=" +
                       percent(ctx_.project() + ": restart " + g.name + " on its schedule") +
                       "\nPartOf=" + target_ + "\n\n[Timer]\n";
    std::string events;
    for (const auto& e : calendar_events(*schedule)) {
      text += "OnCalendar=" + e + "\n";
      events += (events.empty() ? "" : ", ") + std::string("`OnCalendar=") + e + "`";
    }
    text += "Unit=" + helper + "\n";
    out.push_back({timer, text});
    out.push_back({helper, "# Restarts " + g.name + " for " + timer +
                               " (bgo restarts, or starts, "
                               "a cron process at each match).\n[Unit]\nDescription=" +
                               percent(ctx_.project() + ": restart " + g.name) +
                               "\n\n[Service]\nType=oneshot\nExecStart=" + systemctl() +
                               " restart" + exec_words(units(g)) + "\n"});
    report_.carried(g.name, "cron",
                    timer + " (" + events + ") runs " + helper + ": `" + systemctl() + " restart`");
  }

  std::string target_text() const {
    std::string wants;
    for (const auto& g : ctx_.groups()) {
      if (g.first->autostart != AutostartPolicy::never) {
        for (const auto& u : units(g)) wants += " " + u;
      }
      if (g.first->policy.cron) wants += " " + prefix_ + unit_name_escape(g.name) + ".timer";
    }
    std::string out = "# The processes of " + ctx_.project() +
                      ", written by `bgo export systemd` (see EXPORT-REPORT.md).\n[Unit]\n"
                      "Description=" +
                      percent(ctx_.project()) + "\n";
    if (!wants.empty()) out += "Wants=" + wants.substr(1) + "\n";
    out += "\n[Install]\nWantedBy=" + std::string(user_ ? "default.target" : "multi-user.target") +
           "\n";
    return out;
  }

  std::string env_file_text() const {
    std::string out = "# The variables every process of " + ctx_.project() +
                      " shares (env files included), for EnvironmentFile=.\n";
    for (const auto& [key, value] : ctx_.shared()) out += key + "=" + env_file_value(value) + "\n";
    return out;
  }

  void notes() {
    const std::string dir = user_ ? "~/.config/systemd/user" : "/etc/systemd/system";
    report_.note("Install: copy every file but this report into `" + dir +
                 "` (`cp -r` keeps the `.service.d` folders), then `" + systemctl() +
                 " daemon-reload` and `" + systemctl() + " enable --now " + target_ + "`." +
                 (user_ ? " `loginctl enable-linger` keeps the units running without a login "
                          "session."
                        : ""));
    if (!ctx_.shared().empty()) {
      report_.note(env_file_ +
                   " holds the values of the shared variables, env files' included: "
                   "if any is a secret, keep the file out of version control and readable by "
                   "its owner only (`chmod 600`).");
    }
    report_.note(
        "`Requires=` also stops (or restarts) a unit when its dependency is stopped (or "
        "restarted) by hand; bgo leaves dependents running.");
    report_.note("Check the units where they will run: `systemd-analyze verify" +
                 std::string(user_ ? " --user" : "") + " " + dir + "/" + prefix_ + "*`.");
  }

  ExportContext& ctx_;
  ExportReport& report_;
  bool user_;
  std::string prefix_;
  std::string target_;
  std::string env_file_;
};

}  // namespace

std::string unit_name_escape(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == ':' || c == '_' || c == '-' || (c == '.' && i > 0);
    out += ok ? std::string(1, c) : hex_escape(static_cast<unsigned char>(c));
  }
  return out;
}

std::string exec_word(std::string_view word, bool program) {
  static constexpr std::string_view k_plain =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=,+@-";
  if (word == ";") return "\\;";  // a lone ';' separates commands (systemd.service(5))
  const bool plain =
      !word.empty() && word.find_first_not_of(k_plain) == std::string_view::npos &&
      !(program && std::string_view("@-:+!").find(word.front()) != std::string_view::npos);
  return plain ? std::string(word) : quoted_word(word, true);
}

std::string env_file_value(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    if (c == '\\' || c == '"' || c == '$' || c == '`') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::vector<ExportFile> export_systemd(ExportContext& ctx) {
  if (ctx.options().scope == SystemdScope::system) {
    const std::string& user = ctx.options().user_name;
    if (user.empty() || has_control(user) || user.find_first_of(" \t%\"'\\") != std::string::npos) {
      fail_export("", "--user-name", "'" + user + "' is not a user name systemd's User= takes");
    }
  }
  if (ctx.project().find('/') != std::string::npos || has_control(ctx.project())) {
    fail_export("", "name", "the project name '" + ctx.project() + "' cannot name a unit");
  }
  return SystemdExporter(ctx).run();
}

}  // namespace bgo::app
