// SPDX-License-Identifier: MIT
// The export context and the conversions the targets share.
#include "client/app/export_support.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <set>

#include "common/duration.hpp"
#include "common/endpoint.hpp"

namespace bgo::app {

ExportException::ExportException(ExportError error)
    : std::runtime_error(error.message),
      error_(std::make_shared<const ExportError>(std::move(error))) {}

void fail_export(const std::string& process, std::string_view setting, const std::string& message) {
  throw ExportException(ExportError{process, std::string(setting), message});
}

ExportContext::ExportContext(const AppSpec& app, ExportOptions options)
    : app_(app),
      options_(std::move(options)),
      project_(options_.project.empty() ? app.project : options_.project),
      groups_(group_instances(app)),
      instance_group_(group_of_instances(groups_)),
      shared_(shared_env(groups_)),
      report_(groups_, instance_group_) {}

const ProcessGroup* ExportContext::group_of(const std::string& name) const {
  const auto instance = instance_group_.find(name);
  const std::string& group = instance != instance_group_.end() ? instance->second : name;
  for (const auto& g : groups_) {
    if (g.name == group) return &g;
  }
  return nullptr;
}

std::vector<GroupDependency> ExportContext::dependencies(const ProcessGroup& group) const {
  std::vector<GroupDependency> out;
  std::set<const ProcessGroup*> seen;
  for (const auto& d : group.first->policy.after) {
    const ProcessGroup* g = group_of(d.name);
    if (g == nullptr || !seen.insert(g).second) continue;
    out.push_back({g, d.condition});
  }
  return out;
}

std::vector<GroupDependency> ExportContext::dependents(const ProcessGroup& group) const {
  std::vector<GroupDependency> out;
  for (const auto& g : groups_) {
    for (const auto& d : dependencies(g)) {
      if (d.group == &group) out.push_back({&g, d.condition});
    }
  }
  return out;
}

std::map<std::string, std::string> ExportContext::own_env(const ProcessGroup& group) const {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : group.first->env) {
    if (shared_.contains(key)) continue;
    if (group.instances > 1 && key == "BGO_INSTANCE") continue;
    if (group.port_offset && key == "PORT") continue;
    out.emplace(key, value);
  }
  return out;
}

std::string ExportContext::image(const ProcessGroup& group) const {
  const auto named = options_.images.find(group.name);
  if (named != options_.images.end()) return named->second;
  if (!options_.default_image.empty()) return options_.default_image;
  fail_export(group.name, "image",
              "a " + std::string(to_string(options_.target)) +
                  " container needs an image holding the program and its files, and bgo.yaml "
                  "names none: give --image IMAGE (every process) or --image " +
                  group.name + "=IMAGE");
}

std::string program_of(const ProcessSpec& process) {
  const std::string& program = process.command.front();
  if (program.find('/') == std::string::npos || program.front() == '/') return program;
  return (std::filesystem::path(process.cwd) / program).lexically_normal().string();
}

int64_t ceil_seconds(int64_t ms, int64_t min) { return std::max(min, (ms + 999) / 1000); }

std::string duration_text(int64_t ms) { return format_duration(std::chrono::milliseconds(ms)); }

std::optional<ProbeAddress> probe_address(const HealthCheck& check) {
  if (check.kind == CheckKind::tcp) {
    auto hp = parse_host_port(check.target);
    if (!hp) return std::nullopt;
    return ProbeAddress{hp->host, hp->port, ""};
  }
  if (check.kind == CheckKind::http) {
    auto url = parse_http_url(check.target);
    if (!url) return std::nullopt;
    return ProbeAddress{url->host, url->port, url->target};
  }
  return std::nullopt;
}

bool is_loopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::optional<uint16_t> known_port(const ProcessSpec& process) {
  const auto port = process.env.find("PORT");
  if (port != process.env.end() && !port->second.empty() && port->second.size() <= 5 &&
      port->second.find_first_not_of("0123456789") == std::string::npos) {
    const int value = std::stoi(port->second);
    if (value > 0 && value <= 65535) return static_cast<uint16_t>(value);
  }
  for (const auto* check : {&process.policy.ready, &process.policy.live}) {
    if (!*check) continue;
    if (auto address = probe_address(**check)) return address->port;
  }
  return std::nullopt;
}

std::string dns_label(const std::string& name, const std::string& process,
                      std::string_view setting) {
  std::string out;
  for (const char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
    } else if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty() || out.front() < 'a' || out.front() > 'z') {
    fail_export(process, setting,
                "'" + name +
                    "' cannot be made a DNS label (lower-case letters, digits and '-', starting "
                    "with a letter): rename it");
  }
  return out;
}

bool is_portable_env_name(std::string_view key) {
  if (key.empty() || (key.front() >= '0' && key.front() <= '9')) return false;
  for (const char c : key) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace bgo::app
