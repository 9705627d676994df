// SPDX-License-Identifier: MIT
// compose.yaml, written as text (yaml-cpp reads, it does not write here), and the report rows.
#include "client/app/export_compose.hpp"

#include <csignal>

#include "client/app/import_yaml_writer.hpp"
#include "common/signal_name.hpp"

namespace bgo::app {

namespace {

constexpr std::string_view k_anchor = "shared-env";

// A duration as Go (compose v2) and compose v1 both read it: no days.
std::string go_duration(int64_t ms) {
  std::string out;
  const auto part = [&out, &ms](int64_t unit, const char* suffix) {
    if (ms >= unit) {
      out += std::to_string(ms / unit) + suffix;
      ms %= unit;
    }
  };
  part(3'600'000, "h");
  part(60'000, "m");
  part(1000, "s");
  part(1, "ms");
  return out.empty() ? "0s" : out;
}

std::string flow_list(const std::vector<std::string>& words) {
  std::string out = "[";
  for (size_t i = 0; i < words.size(); ++i) out += (i ? ", " : "") + compose_scalar(words[i]);
  return out + "]";
}

bool is_service_name(std::string_view name) {
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return !name.empty();
}

// The `test` of a health check that runs `check`, or nullopt when compose cannot run it.
std::optional<std::vector<std::string>> health_test(const HealthCheck& check) {
  if (check.kind == CheckKind::exec) {
    std::vector<std::string> out = {"CMD"};
    out.insert(out.end(), check.command.begin(), check.command.end());
    return out;
  }
  if (check.kind == CheckKind::http) {
    return std::vector<std::string>{"CMD", "curl", "-fsS", "-o", "/dev/null", check.target};
  }
  return std::nullopt;
}

class ComposeExporter {
 public:
  explicit ComposeExporter(ExportContext& ctx) : ctx_(ctx), report_(ctx.report()) {}

  std::vector<ExportFile> run() {
    for (const auto& g : ctx_.groups()) {
      if (!is_service_name(g.name)) {
        fail_export(g.name, "name",
                    "compose service names are letters, digits, '.', '_' and '-': rename the "
                    "process");
      }
      (void)ctx_.image(g);  // fails here, before any text, when a process has no image
    }
    std::string out = "# " + ctx_.project() +
                      ", written by `bgo export compose` (see EXPORT-REPORT.md).\n"
                      "# Run it as project " +
                      ctx_.project() + ": docker compose -p " + ctx_.project() + " up -d\n";
    if (!ctx_.shared().empty()) {
      out += "x-shared-env: &" + std::string(k_anchor) + "\n";
      for (const auto& [key, value] : ctx_.shared()) {
        out += "  " + compose_scalar(key) + ": " + compose_scalar(value) + "\n";
      }
    }
    out += "services:\n";
    for (const auto& g : ctx_.groups()) out += service(g);
    notes();
    return {{"compose.yaml", out}};
  }

 private:
  // The check compose's healthcheck runs: the live check if compose can run it, else the
  // readiness check; nullptr when neither.
  static const HealthCheck* health_source(const ProcessGroup& g) {
    const ProcessPolicy& policy = g.first->policy;
    if (policy.live && health_test(*policy.live)) return &*policy.live;
    if (policy.ready && health_test(*policy.ready)) return &*policy.ready;
    return nullptr;
  }

  std::string service(const ProcessGroup& g) {
    const ProcessSpec& p = *g.first;
    std::string out = "  " + compose_scalar(g.name) + ":\n";
    const std::string image = ctx_.image(g);
    out += "    image: " + compose_scalar(image) + "\n";
    out += "    command: " + flow_list(p.command) + "\n";
    report_.carried(g.name, "command",
                    "`command:` (the arguments of the image's ENTRYPOINT, when it has one)");
    out += "    working_dir: " + compose_scalar(p.cwd) + "\n";
    report_.carried(g.name, "cwd",
                    "`working_dir: " + p.cwd + "`, a folder of the image " + image +
                        " (copy or mount the project there)");
    out += environment(g);
    if (g.instances > 1) {
      out += "    deploy:\n      replicas: " + std::to_string(g.instances) + "\n";
      report_.carried(g.name, "instances",
                      "`deploy.replicas: " + std::to_string(g.instances) +
                          "`; replicas are identical: BGO_INSTANCE is not set");
    }
    if (g.port_offset) {
      report_.carried(g.name, "port_offset",
                      "not needed: each replica has its own address, every one on PORT=" +
                          g.first->env.at("PORT"));
    }
    out += depends_on(g);
    out += healthcheck(g);
    out += restart(g);
    out += stop(g);
    if (p.policy.max_memory) {
      out += "    mem_limit: " + std::to_string(*p.policy.max_memory) + "\n";
      report_.carried(g.name, "max_memory",
                      "`mem_limit: " + std::to_string(*p.policy.max_memory) + "` (bytes)");
    }
    out += logging(g);
    if (p.policy.cron) {
      report_.dropped(g.name, "cron",
                      "compose has no schedules: run `docker compose run --rm " + g.name +
                          "` from cron or a systemd timer");
    }
    if (p.policy.watchdog_ms) {
      report_.dropped(g.name, "watchdog", "Docker has no watchdog (sd_notify's WATCHDOG=1)");
    }
    return out;
  }

  std::string environment(const ProcessGroup& g) {
    auto own = ctx_.own_env(g);
    // Replicas do not offset ports: each has its own address, so each gets the first PORT.
    if (g.port_offset) own["PORT"] = g.first->env.at("PORT");
    if (own.empty() && ctx_.shared().empty()) return {};
    std::string out = "    environment:\n";
    std::string became = "`environment:`";
    if (!ctx_.shared().empty()) {
      out += "      <<: *" + std::string(k_anchor) + "\n";
      became += " (the variables every process shares through `x-shared-env`, and its own)";
    }
    for (const auto& [key, value] : own) {
      out += "      " + compose_scalar(key) + ": " + compose_scalar(value) + "\n";
    }
    report_.carried(g.name, "env", became);
    return out;
  }

  std::string depends_on(const ProcessGroup& g) {
    const auto deps = ctx_.dependencies(g);
    if (deps.empty()) return {};
    std::string out = "    depends_on:\n";
    for (const auto& d : deps) {
      const std::string key = "depends_on: " + d.group->name;
      const auto& ready = d.group->first->policy.ready;
      std::string condition = "service_started";
      switch (d.condition) {
        case DependencyCondition::started:
          report_.carried(g.name, key, "`condition: service_started`");
          break;
        case DependencyCondition::ready:
          if (health_source(*d.group) != nullptr) {
            condition = "service_healthy";
            report_.carried(g.name, key,
                            "`condition: service_healthy` (its healthcheck's first pass)");
          } else if (!ready) {
            report_.carried(g.name, key,
                            "`condition: service_started` (it has no readiness check)");
          } else {
            report_.dropped(g.name, key,
                            "compose cannot run its " + std::string(to_string(ready->kind)) +
                                " check: `condition: service_started` waits for its start only");
          }
          break;
        case DependencyCondition::completed:
          condition = "service_completed_successfully";
          report_.dropped(g.name, key,
                          "compose has no \"exited, whatever the code\": "
                          "`condition: service_completed_successfully` also needs exit code 0");
          break;
        case DependencyCondition::succeeded:
          condition = "service_completed_successfully";
          report_.carried(g.name, key, "`condition: service_completed_successfully` (exit 0)");
          break;
      }
      out += "      " + compose_scalar(d.group->name) + ":\n        condition: " + condition + "\n";
    }
    return out;
  }

  std::string healthcheck(const ProcessGroup& g) {
    const ProcessPolicy& policy = g.first->policy;
    const HealthCheck* source = health_source(g);
    std::string out;
    if (source != nullptr) {
      const bool live = source == &*policy.live;
      out += "    healthcheck:\n      test: " + flow_list(*health_test(*source)) + "\n";
      out += "      interval: " + go_duration(source->interval_ms) + "\n";
      if (live) {
        out += "      timeout: " + go_duration(source->timeout_ms) + "\n";
        out += "      retries: " + std::to_string(source->failures) + "\n";
      } else {
        // Readiness: failures count only after its deadline, then one is enough.
        out += "      start_period: " + go_duration(source->timeout_ms) + "\n";
        out += "      retries: 1\n";
      }
      const std::string how = "`healthcheck` running " + display_command(*health_test(*source)) +
                              (source->kind == CheckKind::http ? " (the image needs curl)" : "");
      report_.carried(g.name, live ? "live" : "ready",
                      how + (live ? "; Docker marks it unhealthy, it does not restart it" : ""));
    }
    for (const auto* check : {&policy.ready, &policy.live}) {
      if (!*check || &**check == source) continue;
      const bool live = check == &policy.live;
      if (health_test(**check)) {
        report_.dropped(g.name, live ? "live" : "ready",
                        "compose has one healthcheck per service, and it is the live check");
      } else {
        report_.dropped(g.name, live ? "live" : "ready",
                        "a compose healthcheck runs a command in the container: a " +
                            std::string(to_string((*check)->kind)) + " check has none" +
                            ((*check)->kind == CheckKind::tcp
                                 ? " without a tool in the image (e.g. test: [CMD, nc, -z, "
                                   "HOST, PORT])"
                                 : ""));
      }
    }
    return out;
  }

  std::string restart(const ProcessGroup& g) {
    const ProcessSpec& p = *g.first;
    const RestartPolicy policy = p.policy.restart.value_or(RestartPolicy::on_failure);
    const AutostartPolicy autostart = p.autostart.value_or(AutostartPolicy::unless_stopped);
    std::string value = "on-failure";
    if (policy == RestartPolicy::never) {
      value = "\"no\"";
    } else if (policy == RestartPolicy::always) {
      value = autostart == AutostartPolicy::unless_stopped ? "unless-stopped" : "always";
    }
    report_.carried(g.name, "restart", "`restart: " + value + "`");
    if (p.autostart) {
      if (policy == RestartPolicy::always && autostart != AutostartPolicy::never) {
        report_.carried(g.name, "autostart",
                        "`restart: " + value + "`: started again with the Docker daemon" +
                            (value == "unless-stopped" ? ", unless stopped by hand" : ""));
      } else if (policy == RestartPolicy::never && autostart == AutostartPolicy::never) {
        report_.carried(g.name, "autostart", "`restart: \"no\"`: not started with the daemon");
      } else {
        report_.dropped(
            g.name, "autostart",
            "compose's `restart: " + value + "` decides what Docker starts with its daemon");
      }
    }
    if (p.policy.success_codes) {
      const auto& codes = *p.policy.success_codes;
      if (codes.size() == 1 && codes.front() == 0) {
        report_.carried(g.name, "success_codes", "exit code 0 (Docker's own rule)");
      } else {
        report_.dropped(g.name, "success_codes",
                        "Docker counts exit code 0 as the only success (`on-failure`, "
                        "`service_completed_successfully`)");
      }
    }
    const std::string docker_delay =
        "Docker restarts with its own delay (100 ms, doubling up to 1 min; reset after 10 s up) "
        "and never gives up";
    if (p.watch && p.min_uptime) report_.dropped(g.name, "watch.min_uptime", docker_delay);
    if (p.watch && p.on_fast_crash) report_.dropped(g.name, "watch.on_fast_crash", docker_delay);
    return "    restart: " + value + "\n";
  }

  std::string stop(const ProcessGroup& g) {
    const ProcessPolicy& policy = g.first->policy;
    std::string out;
    if (policy.stop_signal) {
      const std::string name = signal_name(*policy.stop_signal);
      if (*policy.stop_signal != SIGTERM) out += "    stop_signal: " + name + "\n";
      report_.carried(g.name, "stop.signal",
                      "`stop_signal: " + name + "`" +
                          (*policy.stop_signal == SIGTERM ? " (Docker's default)" : ""));
    }
    if (policy.stop_timeout_ms) {
      out += "    stop_grace_period: " + go_duration(*policy.stop_timeout_ms) + "\n";
      report_.carried(g.name, "stop.timeout",
                      "`stop_grace_period: " + go_duration(*policy.stop_timeout_ms) + "`");
    }
    if (policy.kill_mode) {
      report_.carried(g.name, "kill_mode", "every process of the container stops with it");
    }
    return out;
  }

  std::string logging(const ProcessGroup& g) {
    const auto& logs = g.first->logs;
    if (!logs) return {};
    std::string out = "    logging:\n      driver: json-file\n";
    std::string became = "`logging: json-file`";
    if (logs->max_size > 0) {
      // Bytes: the driver's k/m/g are powers of 1000, bgo's of 1024.
      out += "      options:\n        max-size: \"" + std::to_string(logs->max_size) +
             "\"\n        max-file: \"" + std::to_string(logs->files + 1) + "\"\n";
      became += " with `max-size` " + std::to_string(logs->max_size) + " bytes and `max-file` " +
                std::to_string(logs->files + 1) + " (the current file counts)";
    }
    if (logs->timestamps) became += "; every line is timestamped (`docker compose logs -t`)";
    report_.carried(g.name, "logs", became);
    return out;
  }

  void notes() {
    report_.note(
        "Each process runs in its own container: `working_dir` and the programs must be "
        "in its image, and an address such as 127.0.0.1:6379 in a command, a variable "
        "or a check means the container itself. Another service is reached by its name "
        "(`cache:6379`). No port is published: add `ports:` for what the host must "
        "reach.");
    report_.note(
        "The project's name is not in the file (docker-compose 1.29, Debian 12's, "
        "refuses a top-level `name:`): `docker compose -p " +
        ctx_.project() + "`, or COMPOSE_PROJECT_NAME.");
    if (!ctx_.shared().empty()) {
      report_.note(
          "The values of env files are copied into compose.yaml (`$` written `$$`): "
          "keep it out of version control if they hold secrets.");
    }
    report_.note(
        "Check it: `docker compose config -q` (or `docker-compose -f compose.yaml config "
        "-q`).");
  }

  ExportContext& ctx_;
  ExportReport& report_;
};

}  // namespace

std::string compose_scalar(std::string_view text) {
  std::string doubled;
  for (const char c : text) {
    doubled += c;
    if (c == '$') doubled += '$';
  }
  return yaml_scalar(doubled);
}

std::vector<ExportFile> export_compose(ExportContext& ctx) { return ComposeExporter(ctx).run(); }

}  // namespace bgo::app
