// SPDX-License-Identifier: MIT
// Kubernetes objects as YAML text (one file per process) and the report rows.
#include "client/app/export_kubernetes.hpp"

#include <csignal>
#include <map>

#include "client/app/import_yaml_writer.hpp"
#include "common/signal_name.hpp"

namespace bgo::app {

namespace {

std::string scalar(std::string_view text) { return yaml_scalar(text); }

// The process's name in Kubernetes.
std::string label(const ProcessGroup& g) { return dns_label(g.name, g.name, "name"); }

std::string flow_list(const std::vector<std::string>& words, bool escape) {
  std::string out = "[";
  for (size_t i = 0; i < words.size(); ++i) {
    out += (i ? ", " : "") + scalar(escape ? k8s_expansion_escape(words[i]) : words[i]);
  }
  return out + "]";
}

enum class Workload { deployment, job, cron_job };

class KubernetesExporter {
 public:
  explicit KubernetesExporter(ExportContext& ctx)
      : ctx_(ctx),
        report_(ctx.report()),
        project_(dns_label(ctx.project(), "", "--name")),
        config_map_(project_ + "-env") {}

  std::vector<ExportFile> run() {
    std::map<std::string, std::string> taken;  // object name -> process
    for (const auto& g : ctx_.groups()) {
      const std::string name = label(g);
      const auto [at, inserted] = taken.emplace(name, g.name);
      if (!inserted) {
        fail_export(g.name, "name",
                    "becomes the Kubernetes name '" + name + "', as process '" + at->second +
                        "' does: rename one");
      }
      (void)ctx_.image(g);  // fails here, before any text, when a process has no image
    }
    std::vector<ExportFile> out;
    if (!ctx_.shared().empty()) out.push_back({config_map_ + ".yaml", config_map()});
    for (const auto& g : ctx_.groups()) out.push_back({label(g) + ".yaml", file(g)});
    notes();
    return out;
  }

 private:
  static Workload workload(const ProcessGroup& g) {
    if (g.first->policy.restart != RestartPolicy::never) return Workload::deployment;
    return g.first->policy.cron ? Workload::cron_job : Workload::job;
  }

  std::string header(const ProcessGroup& g) const {
    return "# " + ctx_.project() + ": " + g.name +
           ", written by `bgo export kubernetes` (see EXPORT-REPORT.md).\n";
  }

  // metadata: name and labels, at `indent`.
  std::string metadata(const std::string& name, const std::string& indent) const {
    return indent + "metadata:\n" + indent + "  name: " + name + "\n" + labels(name, indent + "  ");
  }
  std::string labels(const std::string& name, const std::string& indent) const {
    return indent + "labels:\n" + selector(name, indent + "  ") + indent +
           "  app.kubernetes.io/managed-by: bgo-export\n";
  }
  std::string selector(const std::string& name, const std::string& indent) const {
    return indent + "app.kubernetes.io/name: " + name + "\n" + indent +
           "app.kubernetes.io/part-of: " + project_ + "\n";
  }

  std::string config_map() const {
    std::string out = "# The variables every process of " + ctx_.project() +
                      " shares (env files included), written by `bgo export kubernetes`.\n"
                      "apiVersion: v1\nkind: ConfigMap\n" +
                      metadata(config_map_, "") + "data:\n";
    for (const auto& [key, value] : ctx_.shared()) {
      out += "  " + scalar(key) + ": " + scalar(value) + "\n";  // envFrom expands nothing
    }
    return out;
  }

  std::string file(const ProcessGroup& g) {
    const std::string name = label(g);
    const ProcessSpec& p = *g.first;
    std::string out = header(g);
    switch (workload(g)) {
      case Workload::deployment:
        out += "apiVersion: apps/v1\nkind: Deployment\n" + metadata(name, "") + "spec:\n";
        out += "  replicas: " + std::to_string(g.instances) + "\n";
        out += "  selector:\n    matchLabels:\n" + selector(name, "      ");
        out += "  template:\n    metadata:\n" + labels(name, "      ") + "    spec:\n" +
               pod(g, "      ");
        if (const auto port = known_port(p)) out += service(name, *port);
        if (p.policy.restart == RestartPolicy::always) {
          report_.carried(g.name, "restart", "a Deployment: its pods restart after every exit");
        } else {
          report_.dropped(g.name, "restart",
                          "a Deployment restarts its pods after every exit, a success too (it "
                          "takes no other policy)");
        }
        break;
      case Workload::job:
        out += "apiVersion: batch/v1\nkind: Job\n" + metadata(name, "") + "spec:\n" +
               job_spec(g, name, "  ");
        report_.carried(g.name, "restart", "a Job with `backoffLimit: 0`: runs once");
        break;
      case Workload::cron_job:
        out += "apiVersion: batch/v1\nkind: CronJob\n" + metadata(name, "") + "spec:\n";
        out += "  schedule: " + scalar(*p.policy.cron) + "\n  timeZone: Etc/UTC\n";
        out += "  concurrencyPolicy: Replace\n  jobTemplate:\n    spec:\n" +
               job_spec(g, name, "      ");
        report_.carried(g.name, "restart", "a CronJob's Jobs, `backoffLimit: 0`: each runs once");
        report_.carried(g.name, "cron",
                        "a CronJob, `schedule: " + *p.policy.cron +
                            "`, `timeZone: Etc/UTC`, `concurrencyPolicy: Replace` (a run still "
                            "going is replaced, as bgo restarts it)");
        break;
    }
    if (p.policy.cron && workload(g) != Workload::cron_job) {
      report_.dropped(g.name, "cron",
                      "a CronJob runs Jobs, not restarts: for a periodic restart, a CronJob "
                      "running `kubectl rollout restart deployment/" +
                          name + "`");
    }
    report_rest(g);
    return out;
  }

  std::string job_spec(const ProcessGroup& g, const std::string& name, const std::string& indent) {
    std::string out = indent + "backoffLimit: 0\n";
    if (g.instances > 1) {
      out += indent + "completions: " + std::to_string(g.instances) + "\n" + indent +
             "parallelism: " + std::to_string(g.instances) + "\n";
    }
    out += indent + "template:\n" + indent + "  metadata:\n" + labels(name, indent + "    ") +
           indent + "  spec:\n" + indent + "    restartPolicy: Never\n" + pod(g, indent + "    ");
    return out;
  }

  // The pod spec's fields at `in`: grace period and the one container.
  std::string pod(const ProcessGroup& g, const std::string& in) {
    const ProcessSpec& p = *g.first;
    const std::string name = label(g);
    std::string out;
    if (p.policy.stop_timeout_ms) {
      const int64_t seconds = ceil_seconds(*p.policy.stop_timeout_ms);
      out += in + "terminationGracePeriodSeconds: " + std::to_string(seconds) + "\n";
      report_.carried(g.name, "stop.timeout",
                      "`terminationGracePeriodSeconds: " + std::to_string(seconds) + "`");
    }
    const std::string c = in + "    ";  // the container's fields
    out += in + "containers:\n" + in + "  - name: " + name + "\n";
    out += c + "image: " + scalar(ctx_.image(g)) + "\n";
    out += c + "args: " + flow_list(p.command, true) + "\n";
    out += c + "workingDir: " + scalar(p.cwd) + "\n";
    out += environment(g, c);
    if (const auto port = known_port(p); port && workload(g) == Workload::deployment) {
      out += c + "ports:\n" + c + "  - containerPort: " + std::to_string(*port) + "\n";
    }
    out += probes(g, c);
    if (p.policy.max_memory) {
      const std::string q = k8s_quantity(*p.policy.max_memory);
      out += c + "resources:\n" + c + "  limits:\n" + c + "    memory: " + scalar(q) + "\n";
      report_.carried(g.name, "max_memory", "`resources.limits.memory: " + q + "`");
    }
    return out;
  }

  std::string environment(const ProcessGroup& g, const std::string& c) {
    auto own = ctx_.own_env(g);
    // Replicas do not offset ports: each pod has its own IP, so each gets the first PORT.
    if (g.port_offset) own["PORT"] = g.first->env.at("PORT");
    std::string out;
    std::string became;
    if (!ctx_.shared().empty()) {
      out += c + "envFrom:\n" + c + "  - configMapRef:\n" + c + "      name: " + config_map_ + "\n";
      became = "`envFrom` the ConfigMap " + config_map_ + " (the variables every process shares)";
    }
    if (!own.empty()) {
      out += c + "env:\n";
      for (const auto& [key, value] : own) {
        out += c + "  - name: " + scalar(key) + "\n";
        out += c + "    value: " + scalar(k8s_expansion_escape(value)) + "\n";
      }
      became += (became.empty() ? "" : " and ") + std::string("`env`");
    }
    if (!became.empty()) report_.carried(g.name, "env", became);
    return out;
  }

  // A probe's handler at `in`, or empty when Kubernetes has no such check.
  static std::string handler(const HealthCheck& check, const std::string& in) {
    if (check.kind == CheckKind::exec)
      return in + "exec:\n" + in + "  command: " + flow_list(check.command, false) + "\n";
    const auto address = probe_address(check);
    if (!address) return {};
    std::string out = in + (check.kind == CheckKind::http ? "httpGet:\n" : "tcpSocket:\n");
    if (!is_loopback(address->host)) out += in + "  host: " + scalar(address->host) + "\n";
    if (check.kind == CheckKind::http) out += in + "  path: " + scalar(address->path) + "\n";
    out += in + "  port: " + std::to_string(address->port) + "\n";
    return out;
  }

  std::string probes(const ProcessGroup& g, const std::string& c) {
    const ProcessPolicy& policy = g.first->policy;
    std::string out;
    for (const bool live : {false, true}) {
      const auto& check = live ? policy.live : policy.ready;
      if (!check) continue;
      const char* key = live ? "live" : "ready";
      const std::string body = handler(*check, c + "  ");
      if (body.empty()) {
        report_.dropped(g.name, key,
                        "Kubernetes probes are http, tcp and exec: it has no " +
                            std::string(to_string(check->kind)) + " check");
        continue;
      }
      const std::string field = live ? "livenessProbe" : "readinessProbe";
      out += c + field + ":\n";
      out += body;
      out += c + "  periodSeconds: " + std::to_string(ceil_seconds(check->interval_ms, 1)) + "\n";
      const auto address = probe_address(*check);
      const std::string where = address && is_loopback(address->host)
                                    ? "; it connects to the pod's IP, not " + address->host +
                                          ": the process must listen on it"
                                    : "";
      if (live) {
        out += c + "  timeoutSeconds: " + std::to_string(ceil_seconds(check->timeout_ms, 1)) + "\n";
        out += c + "  failureThreshold: " + std::to_string(check->failures) + "\n";
        report_.carried(g.name, key, "`livenessProbe` (restarts the container)" + where);
      } else {
        report_.carried(g.name, key,
                        "`readinessProbe` (gates the Service's traffic; a pod not ready by the "
                        "deadline is not restarted)" +
                            where);
      }
    }
    return out;
  }

  std::string service(const std::string& name, uint16_t port) const {
    return "---\napiVersion: v1\nkind: Service\n" + metadata(name, "") + "spec:\n  selector:\n" +
           selector(name, "    ") + "  ports:\n    - port: " + std::to_string(port) +
           "\n      targetPort: " + std::to_string(port) + "\n";
  }

  void report_rest(const ProcessGroup& g) {
    const ProcessSpec& p = *g.first;
    const std::string name = label(g);
    report_.carried(g.name, "command",
                    "`args` (run by the image's ENTRYPOINT when it has one, as `docker run` "
                    "does; `$` written `$$`)");
    report_.carried(g.name, "cwd", "`workingDir: " + p.cwd + "`, a folder of the image");
    if (g.instances > 1) {
      report_.carried(g.name, "instances",
                      std::string(workload(g) == Workload::deployment ? "`replicas: "
                                                                      : "`completions`, "
                                                                        "`parallelism: ") +
                          std::to_string(g.instances) +
                          "`; BGO_INSTANCE is not set: replicas are identical (a StatefulSet "
                          "numbers its pods)");
    }
    if (g.port_offset) {
      report_.carried(g.name, "port_offset",
                      "not needed: each pod has its own IP, every one on PORT=" + p.env.at("PORT"));
    }
    for (const auto& d : ctx_.dependencies(g)) {
      const bool once = d.condition == DependencyCondition::completed ||
                        d.condition == DependencyCondition::succeeded;
      report_.dropped(
          g.name, "depends_on: " + d.group->name,
          std::string("Kubernetes starts pods in no order: ") +
              (once ? "run " + label(*d.group) +
                          " first (`kubectl wait --for=condition=complete job/" + label(*d.group) +
                          "`), or as an init container of " + name
                    : "the process must retry until " + d.group->name +
                          " answers (a readiness probe gates its Service, not other pods)"));
    }
    if (p.policy.watchdog_ms) {
      report_.dropped(g.name, "watchdog", "Kubernetes has no watchdog (sd_notify's WATCHDOG=1)");
    }
    if (p.policy.success_codes) {
      const auto& codes = *p.policy.success_codes;
      if (codes.size() == 1 && codes.front() == 0) {
        report_.carried(g.name, "success_codes", "exit code 0 (Kubernetes' own rule)");
      } else {
        report_.dropped(g.name, "success_codes", "Kubernetes counts exit code 0 only");
      }
    }
    const std::string backoff =
        "the kubelet restarts a crashed container after 10 s, doubling up to 5 min "
        "(CrashLoopBackOff), and never gives up";
    if (p.watch && p.min_uptime) report_.dropped(g.name, "watch.min_uptime", backoff);
    if (p.watch && p.on_fast_crash) report_.dropped(g.name, "watch.on_fast_crash", backoff);
    if (p.policy.stop_signal) {
      if (*p.policy.stop_signal == SIGTERM) {
        report_.carried(g.name, "stop.signal", "SIGTERM, what Kubernetes sends");
      } else {
        report_.dropped(g.name, "stop.signal",
                        "Kubernetes stops a container with SIGTERM (or the image's STOPSIGNAL: "
                        "set `STOPSIGNAL " +
                            signal_name(*p.policy.stop_signal) + "` in it)");
      }
    }
    if (p.policy.kill_mode) {
      report_.carried(g.name, "kill_mode", "every process of the container stops with it");
    }
    if (p.logs) {
      report_.dropped(g.name, "logs",
                      "the kubelet rotates container logs (its containerLogMaxSize and "
                      "containerLogMaxFiles); `kubectl logs --timestamps`");
    }
    if (p.autostart) {
      if (workload(g) == Workload::cron_job && *p.autostart == AutostartPolicy::never) {
        report_.carried(g.name, "autostart", "the CronJob runs it on its schedule only");
      } else if (*p.autostart == AutostartPolicy::never) {
        report_.dropped(g.name, "autostart",
                        "the cluster runs every workload it is given: scale it to 0 to keep it "
                        "stopped");
      } else {
        report_.carried(g.name, "autostart", "the cluster keeps it running, across node reboots");
      }
    }
  }

  void notes() {
    report_.note(
        "Each process runs in its own pod: `workingDir` and the programs must be in its "
        "image, and 127.0.0.1 is the pod itself: another process is reached through its "
        "Service (`cache:6379`), where a port is known (PORT, or a check's port).");
    report_.note(
        "Dependencies are not carried over (a decision: init containers that wait "
        "would need a tool in a second image and the API's permissions for Jobs). Each "
        "process must retry until what it needs answers; a migration runs first: "
        "`kubectl apply -f migrate.yaml && kubectl wait --for=condition=complete "
        "job/migrate`.");
    if (!ctx_.shared().empty()) {
      report_.note("The ConfigMap " + config_map_ +
                   " holds the shared variables, env files' values included: move secrets to a "
                   "Secret (`secretRef`), and keep the file out of version control.");
    }
    report_.note(
        "The objects name no namespace: `kubectl apply -n NAMESPACE -f DIR`. kubectl "
        "checks them only against a cluster: `kubectl apply --dry-run=server -f DIR`.");
  }

  ExportContext& ctx_;
  ExportReport& report_;
  std::string project_;
  std::string config_map_;
};

}  // namespace

std::string k8s_quantity(uint64_t bytes) {
  constexpr uint64_t k_ki = 1024;
  for (const auto& [unit, suffix] :
       {std::pair{k_ki * k_ki * k_ki, "Gi"}, std::pair{k_ki * k_ki, "Mi"}, std::pair{k_ki, "Ki"}}) {
    if (bytes % unit == 0) return std::to_string(bytes / unit) + suffix;
  }
  return std::to_string(bytes);
}

std::string k8s_expansion_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    out += c;
    if (c == '$') out += '$';
  }
  return out;
}

std::vector<ExportFile> export_kubernetes(ExportContext& ctx) {
  return KubernetesExporter(ctx).run();
}

}  // namespace bgo::app
