// SPDX-License-Identifier: MIT
// Nomad jobs as API JSON (Boost.JSON, printed with Python's indentation: deterministic), and
// the report rows.
#include "client/app/export_nomad.hpp"

#include <csignal>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "common/signal_name.hpp"
#include "proto/python_json.hpp"

namespace bgo::app {

namespace {

namespace json = boost::json;

constexpr int64_t k_ns_per_ms = 1'000'000;
constexpr int64_t k_mib = int64_t{1024} * 1024;
constexpr int64_t k_restart_delay_ms = 2000;         // bgo's first wait after a fast crash
constexpr int64_t k_min_restart_interval_ms = 5000;  // Nomad refuses less
constexpr int64_t k_min_check_ms = 1000;             // Nomad refuses less

int64_t ns(int64_t ms) { return ms * k_ns_per_ms; }

// The process's name in Nomad (groups, tasks, services).
std::string label(const ProcessGroup& g) { return dns_label(g.name, g.name, "name"); }

class NomadExporter {
 public:
  explicit NomadExporter(ExportContext& ctx)
      : ctx_(ctx), report_(ctx.report()), job_(dns_label(ctx.project(), "", "--name")) {}

  std::vector<ExportFile> run() {
    std::map<std::string, std::string> taken;
    for (const auto& g : ctx_.groups()) {
      const std::string name = label(g);
      const auto [at, inserted] = taken.emplace(name, g.name);
      if (!inserted) {
        fail_export(g.name, "name",
                    "becomes the Nomad name '" + name + "', as process '" + at->second +
                        "' does: rename one");
      }
    }
    json::array groups;
    std::vector<ExportFile> periodic;
    for (const auto& g : ctx_.groups()) {
      if (prestart(g)) {
        report_prestart(g);
      } else if (scheduled(g)) {
        periodic.push_back(periodic_job(g));
      } else {
        groups.push_back(group(g));
      }
    }
    std::vector<ExportFile> out;
    if (!groups.empty()) {
      json::object job = {{"ID", job_},
                          {"Name", job_},
                          {"Type", "service"},
                          {"Datacenters", json::array{"*"}},
                          {"TaskGroups", std::move(groups)}};
      out.push_back({job_ + ".nomad.json", text(std::move(job))});
    }
    out.insert(out.end(), periodic.begin(), periodic.end());
    notes();
    return out;
  }

 private:
  static std::string text(json::object job) {
    return proto::python_json_dumps(json::object{{"Job", std::move(job)}}, 2) + "\n";
  }

  // A one-shot that only others' completed/succeeded conditions wait for: it runs as a
  // prestart task in each of their groups.
  bool prestart(const ProcessGroup& g) const {
    if (g.first->policy.restart != RestartPolicy::never || g.first->policy.cron ||
        g.instances > 1) {
      return false;
    }
    const auto dependents = ctx_.dependents(g);
    if (dependents.empty()) return false;
    for (const auto& d : dependents) {
      if (d.condition != DependencyCondition::completed &&
          d.condition != DependencyCondition::succeeded) {
        return false;
      }
    }
    return true;
  }
  static bool scheduled(const ProcessGroup& g) {
    return g.first->policy.restart == RestartPolicy::never && g.first->policy.cron;
  }

  json::object environment(const ProcessGroup& g) {
    json::object env;
    for (const auto& [key, value] : g.first->env) {
      if (g.instances > 1 && key == "BGO_INSTANCE") continue;
      env[key] = value;
    }
    std::string became = "`Env`";
    if (g.instances > 1) {
      env["BGO_INSTANCE"] = "${NOMAD_ALLOC_INDEX}";
      became += ", `BGO_INSTANCE=${NOMAD_ALLOC_INDEX}`";
    }
    if (!env.empty()) report_.carried(g.name, "env", became);
    return env;
  }

  // The task running `g`'s process; reports its command, cwd, env, stop and logs.
  json::object task(const ProcessGroup& g) {
    const ProcessSpec& p = *g.first;
    json::array args;
    for (size_t i = 1; i < p.command.size(); ++i) args.emplace_back(p.command[i]);
    const std::string program = program_of(p);
    json::object config = {{"command", program}, {"args", std::move(args)}, {"work_dir", p.cwd}};
    std::string became = "raw_exec `command`, `args`";
    if (p.command.front().find('/') == std::string::npos) {
      became += "; the Nomad client finds " + program + " on its own PATH";
    } else if (p.command.front().front() != '/') {
      became += " (made absolute: Nomad looks a relative path up in the task's folder)";
    }
    report_.carried(g.name, "command", became);
    report_.carried(g.name, "cwd", "raw_exec `work_dir` (Nomad 1.9 or later)");
    json::object t = {{"Name", label(g)}, {"Driver", "raw_exec"}, {"Config", std::move(config)}};
    json::object env = environment(g);
    if (!env.empty()) t["Env"] = std::move(env);
    if (p.policy.stop_signal) {
      t["KillSignal"] = signal_name(*p.policy.stop_signal);
      report_.carried(g.name, "stop.signal", "`KillSignal`");
    }
    if (p.policy.stop_timeout_ms) {
      t["KillTimeout"] = ns(*p.policy.stop_timeout_ms);
      report_.carried(g.name, "stop.timeout",
                      "`KillTimeout` (the client's max_kill_timeout, 30 s by default, caps it)");
    }
    if (p.policy.kill_mode) {
      report_.carried(g.name, "kill_mode",
                      "raw_exec stops the task's whole process tree (its cgroup when the client "
                      "runs as root)");
    }
    if (p.policy.max_memory) {
      const int64_t mb = (static_cast<int64_t>(*p.policy.max_memory) + k_mib - 1) / k_mib;
      t["Resources"] = json::object{{"MemoryMB", mb}};
      report_.carried(g.name, "max_memory",
                      "`Resources.MemoryMB` " + std::to_string(mb) +
                          " (a limit when the client runs raw_exec in cgroups)");
    }
    if (p.logs) {
      if (p.logs->max_size > 0) {
        const int64_t mb =
            std::max<int64_t>(1, (static_cast<int64_t>(p.logs->max_size) + k_mib - 1) / k_mib);
        t["LogConfig"] =
            json::object{{"MaxFiles", std::max<int64_t>(1, p.logs->files)}, {"MaxFileSizeMB", mb}};
        report_.carried(g.name, "logs",
                        "`LogConfig` (" + std::to_string(mb) + " MB a file, whole MB)" +
                            (p.logs->timestamps ? "; lines are not timestamped" : ""));
      } else {
        report_.dropped(g.name, "logs", "Nomad always rotates task logs (10 MB, 10 files)");
      }
    }
    if (p.policy.watchdog_ms) {
      report_.dropped(g.name, "watchdog", "Nomad has no watchdog (sd_notify's WATCHDOG=1)");
    }
    if (p.policy.success_codes) {
      const auto& codes = *p.policy.success_codes;
      if (codes.size() == 1 && codes.front() == 0) {
        report_.carried(g.name, "success_codes", "exit code 0 (Nomad's own rule)");
      } else {
        report_.dropped(g.name, "success_codes", "Nomad counts exit code 0 as the only success");
      }
    }
    return t;
  }

  // RestartPolicy and ReschedulePolicy from the restart policy and the watch block.
  void restart(const ProcessGroup& g, json::object& group) {
    const ProcessSpec& p = *g.first;
    const json::object no_reschedule = {{"Attempts", 0}, {"Unlimited", false}};
    if (p.policy.restart == RestartPolicy::never) {
      group["RestartPolicy"] = json::object{{"Attempts", 0},
                                            {"Interval", ns(k_min_restart_interval_ms)},
                                            {"Delay", 0},
                                            {"Mode", "fail"}};
      group["ReschedulePolicy"] = no_reschedule;
      report_.carried(g.name, "restart",
                      "`RestartPolicy` 0 attempts, mode fail; not rescheduled: runs once");
      return;
    }
    const std::string mode = p.on_fast_crash.value_or("backoff");
    const int64_t min_uptime_ms = p.min_uptime.value_or(2) * 1000;
    const int attempts = mode == "stop" ? 0 : 3;
    const int64_t interval =
        std::max(k_min_restart_interval_ms, (attempts + 1) * (min_uptime_ms + k_restart_delay_ms));
    group["RestartPolicy"] = json::object{{"Attempts", attempts},
                                          {"Interval", ns(interval)},
                                          {"Delay", ns(k_restart_delay_ms)},
                                          {"Mode", mode == "retry" ? "delay" : "fail"}};
    if (mode != "retry") group["ReschedulePolicy"] = no_reschedule;
    const std::string policy = "`RestartPolicy` " + std::to_string(attempts) + " attempts in " +
                               duration_text(interval) + ", 2 s apart, mode " +
                               (mode == "retry" ? "delay" : "fail");
    if (p.policy.restart == RestartPolicy::always) {
      report_.carried(g.name, "restart", policy);
    } else {
      report_.dropped(
          g.name, "restart",
          "a service job's task is restarted after any exit, a success too (" + policy + ")");
    }
    if (!p.watch) return;
    if (p.on_fast_crash) {
      report_.carried(g.name, "watch.on_fast_crash",
                      mode == "retry" ? policy + ": waits out the interval, never gives up"
                                      : policy +
                                            ", then no rescheduling (`ReschedulePolicy` 0 "
                                            "attempts): gives up as bgo does");
    }
    if (p.min_uptime) {
      report_.carried(g.name, "watch.min_uptime",
                      "the interval, " + std::to_string(attempts + 1) +
                          " × (min_uptime + 2 s): fast crashes fill it");
    }
  }

  // Service checks (Nomad's own service provider: http and tcp) on reserved ports.
  void checks(const ProcessGroup& g, json::object& group) {
    const ProcessPolicy& policy = g.first->policy;
    json::array checks;
    std::map<uint16_t, std::string> ports;  // port -> label
    for (const bool live : {false, true}) {
      const auto& check = live ? policy.live : policy.ready;
      if (!check) continue;
      const char* key = live ? "live" : "ready";
      const auto address = probe_address(*check);
      if (!address) {
        report_.dropped(g.name, key,
                        "Nomad's service checks are http and tcp" +
                            std::string(check->kind == CheckKind::exec
                                            ? " (an exec check is a Consul script check)"
                                            : ""));
        continue;
      }
      const std::string label = "port" + std::to_string(address->port);
      ports.emplace(address->port, label);
      json::object c = {{"Name", std::string(key) + "-" + std::string(to_string(check->kind))},
                        {"Type", std::string(to_string(check->kind))},
                        {"PortLabel", label},
                        {"Interval", ns(std::max(k_min_check_ms, check->interval_ms))}};
      if (check->kind == CheckKind::http) c["Path"] = address->path;
      const int64_t timeout =
          live ? check->timeout_ms : std::min<int64_t>(5000, check->interval_ms);
      c["Timeout"] = ns(std::max(k_min_check_ms, timeout));
      if (live) {
        c["CheckRestart"] = json::object{{"Limit", check->failures}};
        report_.carried(g.name, key,
                        "a service check, `CheckRestart` after " + std::to_string(check->failures) +
                            " failures; on the client's "
                            "address, port " +
                            std::to_string(address->port) + " reserved");
      } else {
        report_.carried(g.name, key,
                        "a service check (a deployment waits for it; other groups do not); on "
                        "the client's address, port " +
                            std::to_string(address->port) + " reserved");
      }
      checks.push_back(std::move(c));
    }
    if (checks.empty()) return;
    json::array reserved;
    for (const auto& [port, label] : ports) {
      reserved.push_back(json::object{{"Label", label}, {"Value", port}});
    }
    group["Networks"] = json::array{json::object{{"ReservedPorts", std::move(reserved)}}};
    group["Services"] = json::array{json::object{{"Name", job_ + "-" + label(g)},
                                                 {"Provider", "nomad"},
                                                 {"PortLabel", ports.begin()->second},
                                                 {"Checks", std::move(checks)}}};
  }

  json::object group(const ProcessGroup& g) {
    const std::string name = label(g);
    json::object grp = {{"Name", name}, {"Count", g.instances}};
    restart(g, grp);
    json::array tasks;
    for (const auto& d : ctx_.dependencies(g)) tasks.push_back(dependency(g, d));
    tasks.push_back(task(g));
    checks(g, grp);
    // Dependencies that became prestart tasks come first; the main task last.
    json::array ordered;
    for (auto& t : tasks) {
      if (t.is_object()) ordered.push_back(std::move(t));
    }
    grp["Tasks"] = std::move(ordered);
    if (g.instances > 1) {
      report_.carried(
          g.name, "instances",
          "`Count: " + std::to_string(g.instances) + "`, `BGO_INSTANCE=${NOMAD_ALLOC_INDEX}`");
    }
    if (g.port_offset) {
      report_.dropped(g.name, "port_offset",
                      "every allocation gets PORT=" + g.first->env.at("PORT") +
                          "; two on one client would clash: give the group a dynamic port "
                          "(PORT=${NOMAD_PORT_http})");
    }
    if (g.first->policy.cron) {
      report_.dropped(g.name, "cron",
                      "a periodic job runs batch tasks, not restarts: only a `restart: never` "
                      "process becomes one");
    }
    if (g.first->autostart) autostart(g);
    return grp;
  }

  // A dependency of `g`: the prestart task it became, or null after reporting why not.
  json::value dependency(const ProcessGroup& g, const GroupDependency& d) {
    const std::string key = "depends_on: " + d.group->name;
    if (prestart(*d.group)) {
      json::object t = task_copy(*d.group);
      t["Lifecycle"] = json::object{{"Hook", "prestart"}, {"Sidecar", false}};
      // Its own policy: a one-shot is never restarted, whatever the group's main task gets.
      t["RestartPolicy"] = json::object{{"Attempts", 0},
                                        {"Interval", ns(k_min_restart_interval_ms)},
                                        {"Delay", 0},
                                        {"Mode", "fail"}};
      const bool succeeded = d.condition == DependencyCondition::succeeded;
      const std::string runs =
          g.instances > 1 ? " (once per allocation: " + std::to_string(g.instances) + ")" : "";
      if (succeeded) {
        report_.carried(g.name, key,
                        "a prestart task (`Lifecycle` hook prestart) in this group: the main task "
                        "starts once it exited 0" +
                            runs);
      } else {
        report_.dropped(g.name, key,
                        "a prestart task in this group: a failed one also stops the main task "
                        "(bgo starts it whatever the exit)" +
                            runs);
      }
      return t;
    }
    report_.dropped(g.name, key,
                    "Nomad starts every group at once: the process must retry until " +
                        d.group->name + " answers");
    return nullptr;
  }

  // The task of a prestart process, built once and reported once.
  json::object task_copy(const ProcessGroup& g) {
    const auto found = prestart_tasks_.find(g.name);
    if (found != prestart_tasks_.end()) return found->second;
    return prestart_tasks_.emplace(g.name, task(g)).first->second;
  }

  void report_prestart(const ProcessGroup& g) {
    std::string groups;
    for (const auto& d : ctx_.dependents(g)) {
      groups += (groups.empty() ? "" : ", ") + label(*d.group);
    }
    if (!prestart_tasks_.contains(g.name)) (void)task_copy(g);  // reports its task's rows
    report_.carried(g.name, "restart",
                    "a prestart task of the group(s) " + groups +
                        ", not a group of its own: "
                        "runs before their main task, never restarted");
    for (const auto& d : ctx_.dependencies(g)) {
      report_.dropped(g.name, "depends_on: " + d.group->name,
                      "a prestart task starts with its group, whatever other groups do");
    }
    for (const char* key : {"ready", "live"}) {
      const auto& check =
          std::string_view(key) == "ready" ? g.first->policy.ready : g.first->policy.live;
      if (check) report_.dropped(g.name, key, "a prestart task has no service checks");
    }
    if (g.first->autostart) {
      report_.carried(g.name, "autostart", "runs whenever an allocation of its group starts");
    }
  }

  void autostart(const ProcessGroup& g) {
    if (*g.first->autostart == AutostartPolicy::never) {
      report_.dropped(g.name, "autostart",
                      "Nomad runs every group of a job it is given: stop it by hand, or scale "
                      "its group to 0");
    } else {
      report_.carried(g.name, "autostart", "Nomad keeps the job running, across client restarts");
    }
  }

  ExportFile periodic_job(const ProcessGroup& g) {
    const std::string name = label(g);
    json::object grp = {{"Name", name}, {"Count", g.instances}};
    restart(g, grp);
    grp["Tasks"] = json::array{task(g)};
    checks(g, grp);
    for (const auto& d : ctx_.dependencies(g)) {
      report_.dropped(g.name, "depends_on: " + d.group->name,
                      "a periodic job starts whatever other jobs do");
    }
    if (g.instances > 1) {
      report_.carried(
          g.name, "instances",
          "`Count: " + std::to_string(g.instances) + "`, `BGO_INSTANCE=${NOMAD_ALLOC_INDEX}`");
    }
    if (g.port_offset) {
      report_.dropped(g.name, "port_offset",
                      "every allocation gets PORT=" + g.first->env.at("PORT"));
    }
    const std::string id = job_ + "-" + name;
    report_.carried(g.name, "cron",
                    "the periodic batch job " + id + " (`Periodic.Spec` " + *g.first->policy.cron +
                        ", UTC, `ProhibitOverlap`: a run still going skips the next, where bgo "
                        "restarts it)");
    if (g.first->autostart) {
      if (*g.first->autostart == AutostartPolicy::never) {
        report_.carried(g.name, "autostart", "runs on its schedule only");
      } else {
        report_.dropped(g.name, "autostart",
                        "a periodic job runs on its schedule only, not when submitted");
      }
    }
    json::object job = {{"ID", id},
                        {"Name", id},
                        {"Type", "batch"},
                        {"Datacenters", json::array{"*"}},
                        {"Periodic", json::object{{"Enabled", true},
                                                  {"Spec", *g.first->policy.cron},
                                                  {"SpecType", "cron"},
                                                  {"TimeZone", "UTC"},
                                                  {"ProhibitOverlap", true}}},
                        {"TaskGroups", json::array{std::move(grp)}}};
    return {id + ".nomad.json", text(std::move(job))};
  }

  void notes() {
    report_.note(
        "The tasks use the raw_exec driver: processes as bgo runs them, as the Nomad "
        "client's user, without isolation. Enable it on the clients (`plugin "
        "\"raw_exec\" { config { enabled = true } }`). `work_dir` needs Nomad 1.9.");
    report_.note("Submit: `nomad job run -json " + job_ + ".nomad.json` (or `curl --data @" + job_ +
                 ".nomad.json $NOMAD_ADDR/v1/jobs`); `nomad job plan -json` shows what it "
                 "would do.");
    report_.note(
        "Nomad interpolates `${...}` in `args` and `Env` when the task starts (unknown "
        "names are left as they are): a value that holds `${` may change.");
    report_.note(
        "A task without `max_memory` gets Nomad's default reservation, 300 MB "
        "(`Resources.MemoryMB`), which is also its limit under cgroups.");
  }

  ExportContext& ctx_;
  ExportReport& report_;
  std::string job_;
  std::map<std::string, json::object> prestart_tasks_;
};

}  // namespace

std::vector<ExportFile> export_nomad(ExportContext& ctx) { return NomadExporter(ctx).run(); }

}  // namespace bgo::app
