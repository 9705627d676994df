// SPDX-License-Identifier: MIT
// What the exporters of client/app/export_*.cpp share: the groups being exported, the report,
// errors, and the small conversions every target needs (durations, ports, names).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "client/app/export.hpp"
#include "client/app/export_report.hpp"
#include "client/app/process_groups.hpp"

namespace bgo::app {

// How an exporter refuses input deep inside: thrown, and caught once by export_app(), which
// returns the ExportError. Copying never throws (the error is shared).
class ExportException : public std::runtime_error {
 public:
  explicit ExportException(ExportError error);
  const ExportError& error() const { return *error_; }

 private:
  std::shared_ptr<const ExportError> error_;
};

[[noreturn]] void fail_export(const std::string& process, std::string_view setting,
                              const std::string& message);

// One dependency of a group, instances folded into their group.
struct GroupDependency {
  const ProcessGroup* group = nullptr;
  DependencyCondition condition = DependencyCondition::ready;
};

// The application being exported. Keeps a reference to `app` (its groups point into it), which
// must outlive the context; copies `options`.
class ExportContext {
 public:
  ExportContext(const AppSpec& app, ExportOptions options);

  const AppSpec& app() const { return app_; }
  const ExportOptions& options() const { return options_; }
  const std::string& project() const { return project_; }
  const std::vector<ProcessGroup>& groups() const { return groups_; }
  // The variables every group has with the same value (shared_env()).
  const std::map<std::string, std::string>& shared() const { return shared_; }
  ExportReport& report() { return report_; }

  // The group named `name` (a group's or an instance's name); nullptr when none.
  const ProcessGroup* group_of(const std::string& name) const;
  // The dependencies of `group`, each group once, in the file's order.
  std::vector<GroupDependency> dependencies(const ProcessGroup& group) const;
  // The groups that depend on `group`, with the condition.
  std::vector<GroupDependency> dependents(const ProcessGroup& group) const;
  // The variables of `group` that are not in shared(), without the instance ones
  // (BGO_INSTANCE, and PORT with port_offset).
  std::map<std::string, std::string> own_env(const ProcessGroup& group) const;
  // --image NAME=IMAGE for the group, else --image IMAGE; fails naming the process without.
  std::string image(const ProcessGroup& group) const;

 private:
  const AppSpec& app_;
  ExportOptions options_;
  std::string project_;
  std::vector<ProcessGroup> groups_;
  std::map<std::string, std::string> instance_group_;  // api:0 -> api
  std::map<std::string, std::string> shared_;
  ExportReport report_;
};

// argv[0] as the target runs it: a path with a '/' made absolute against `cwd` (no target
// resolves it against the working directory); a bare name is left to the target's own PATH.
std::string program_of(const ProcessSpec& process);

// Durations: whole seconds rounded up (at least `min`); "10s" / "500ms" / "1m30s".
int64_t ceil_seconds(int64_t ms, int64_t min = 0);
std::string duration_text(int64_t ms);

// Where an http or tcp check connects.
struct ProbeAddress {
  std::string host;
  uint16_t port = 0;
  std::string path;  // http: the path and query; empty for tcp
};
std::optional<ProbeAddress> probe_address(const HealthCheck& check);
bool is_loopback(std::string_view host);

// The port a process listens on, as far as the file says: PORT in its environment (instance
// 0's), else the port of its readiness or liveness check. nullopt when none is known.
std::optional<uint16_t> known_port(const ProcessSpec& process);

// A DNS-1123 label for `name` (Kubernetes object names, Nomad groups): lower case, characters
// other than [a-z0-9-] as '-', at most 63 bytes. Fails naming `process` (empty for the project)
// and `setting` when nothing is left or the result does not start with a letter.
std::string dns_label(const std::string& name, const std::string& process,
                      std::string_view setting);

// Whether `key` is a variable name every target accepts: [A-Za-z_][A-Za-z0-9_]*.
bool is_portable_env_name(std::string_view key);

}  // namespace bgo::app
