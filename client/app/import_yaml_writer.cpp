// SPDX-License-Identifier: MIT
// An imported AppSpec as bgo.yaml text.
#include "client/app/import_yaml_writer.hpp"

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "client/app/process_groups.hpp"
#include "common/duration.hpp"
#include "common/signal_name.hpp"
#include "common/size.hpp"

namespace bgo::app {

namespace {

std::string double_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          std::array<char, 8> hex{};
          // Cannot fail: a fixed-width format into a large enough buffer.
          (void)std::snprintf(hex.data(), hex.size(), "\\x%02x",
                              static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += hex.data();
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

bool plain_is_safe(std::string_view text) {
  if (text.empty()) return false;
  // YAML 1.1's booleans and nulls (go-yaml v2, which kubectl uses, still reads them so).
  static constexpr std::array<std::string_view, 26> k_special = {
      "true", "false", "yes",  "no",   "on",    "off",  "null",  "y",   "n",
      "Y",    "N",     "~",    "True", "False", "TRUE", "FALSE", "Yes", "No",
      "YES",  "NO",    "Null", "NULL", "On",    "Off",  "ON",    "OFF"};
  for (const auto word : k_special) {
    if (text == word) return false;
  }
  const char first = text.front();
  // An option (-m, --queue) reads back as a string when a letter follows the dashes.
  const size_t letter = text.find_first_not_of('-');
  const bool option = first == '-' && letter != std::string_view::npos &&
                      std::isalpha(static_cast<unsigned char>(text[letter])) != 0;
  const bool first_ok = (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z') ||
                        first == '_' || first == '/' || first == '.' || option;
  if (!first_ok) return false;
  for (const char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.' || c == '/' || c == '+' || c == '@' ||
                    c == '=' || c == ',';
    if (!ok) return false;
  }
  return text.find(',') == std::string_view::npos;  // flow sequences split at commas
}

std::string dollars(std::string_view text) {
  std::string out;
  for (const char c : text) {
    out += c;
    if (c == '$') out += '$';
  }
  return out;
}

std::string scalar_of(std::string_view text) { return yaml_scalar(dollars(text)); }

std::string flow_list(const std::vector<std::string>& words) {
  std::string out = "[";
  for (size_t i = 0; i < words.size(); ++i) out += (i ? ", " : "") + scalar_of(words[i]);
  return out + "]";
}

std::string path_text(const std::string& path, const std::string& out_dir) {
  const auto rel = std::filesystem::path(path).lexically_relative(out_dir);
  const std::string r = rel.string();
  if (!out_dir.empty() && !r.empty() && !r.starts_with("..")) {
    return r == "." ? "." : "./" + r;
  }
  return path;
}

std::string ms_text(int64_t ms) { return format_duration(std::chrono::milliseconds(ms)); }

std::string check_text(const HealthCheck& check, bool live) {
  std::string out = "{";
  switch (check.kind) {
    case CheckKind::notify:
      out += "notify: true";
      break;
    case CheckKind::exec:
      out += "exec: " + flow_list(check.command);
      break;
    default:
      out += std::string(to_string(check.kind)) + ": " + scalar_of(check.target);
  }
  if (check.kind != CheckKind::notify && check.kind != CheckKind::log) {
    out += ", interval: " + ms_text(check.interval_ms);
  }
  if (live) {
    out +=
        ", timeout: " + ms_text(check.timeout_ms) + ", failures: " + std::to_string(check.failures);
  } else {
    out += ", timeout: " + ms_text(check.timeout_ms);
  }
  return out + "}";
}

// Values are always double-quoted strings, as the sketch writes PORT: "3000".
void write_env(std::string& out, const std::map<std::string, std::string>& env,
               const std::string& indent) {
  for (const auto& [key, value] : env) {
    out += indent + scalar_of(key) + ": " + double_quoted(dollars(value)) + "\n";
  }
}

void write_process(std::string& out, const ProcessGroup& g, const std::set<std::string>& shared,
                   const std::map<std::string, std::string>& group_of, const std::string& out_dir) {
  const ProcessSpec& p = *g.first;
  out += "  " + scalar_of(g.name) + ":\n";
  out += "    command: " + flow_list(p.command) + "\n";
  out += "    cwd: " + scalar_of(path_text(p.cwd, out_dir)) + "\n";
  std::map<std::string, std::string> env;
  for (const auto& [key, value] : p.env) {
    if (shared.contains(key)) continue;
    if (g.instances > 1 && key == "BGO_INSTANCE") continue;
    env[key] = value;
  }
  if (!env.empty()) {
    out += "    env:\n";
    write_env(out, env, "      ");
  }
  if (g.instances > 1) out += "    instances: " + std::to_string(g.instances) + "\n";
  if (g.port_offset) out += "    port_offset: true\n";
  if (!p.policy.after.empty()) {
    // Dependencies on every instance of a group are written as one on the group.
    std::map<std::string, std::string> deps;
    for (const auto& d : p.policy.after) {
      const auto grp = group_of.find(d.name);
      deps[grp != group_of.end() ? grp->second : d.name] = std::string(to_string(d.condition));
    }
    out += "    depends_on: {";
    bool first = true;
    for (const auto& [name, condition] : deps) {
      out += (first ? "" : ", ") + scalar_of(name) + ": " + condition;
      first = false;
    }
    out += "}\n";
  }
  if (p.policy.ready) out += "    ready: " + check_text(*p.policy.ready, false) + "\n";
  if (p.policy.watchdog_ms) out += "    watchdog: " + ms_text(*p.policy.watchdog_ms) + "\n";
  if (p.policy.live) out += "    live: " + check_text(*p.policy.live, true) + "\n";
  if (p.policy.restart) out += "    restart: " + std::string(to_string(*p.policy.restart)) + "\n";
  if (p.policy.success_codes) {
    out += "    success_codes: [";
    for (size_t i = 0; i < p.policy.success_codes->size(); ++i) {
      out += (i ? ", " : "") + std::to_string((*p.policy.success_codes)[i]);
    }
    out += "]\n";
  }
  if (p.watch && (p.min_uptime || p.on_fast_crash)) {
    out += "    watch: {";
    std::string sep;
    if (p.min_uptime) {
      out += "min_uptime: " + ms_text(*p.min_uptime * 1000);
      sep = ", ";
    }
    if (p.on_fast_crash) out += sep + "on_fast_crash: " + *p.on_fast_crash;
    out += "}\n";
  }
  if (p.policy.stop_signal || p.policy.stop_timeout_ms) {
    out += "    stop: {";
    std::string sep;
    if (p.policy.stop_signal) {
      out += "signal: " + signal_name(*p.policy.stop_signal);
      sep = ", ";
    }
    if (p.policy.stop_timeout_ms) out += sep + "timeout: " + ms_text(*p.policy.stop_timeout_ms);
    out += "}\n";
  }
  if (p.policy.kill_mode) {
    out += "    kill_mode: " + std::string(to_string(*p.policy.kill_mode)) + "\n";
  }
  if (p.logs) {
    out += "    logs: {max_size: " + format_size(p.logs->max_size) +
           ", files: " + std::to_string(p.logs->files) +
           ", time: " + (p.logs->timestamps ? "true" : "false") + "}\n";
  }
  if (p.policy.cron) out += "    cron: " + scalar_of(*p.policy.cron) + "\n";
  if (p.policy.max_memory) out += "    max_memory: " + format_size(*p.policy.max_memory) + "\n";
  if (p.autostart) out += "    autostart: " + std::string(to_string(*p.autostart)) + "\n";
}

}  // namespace

std::string yaml_scalar(std::string_view text) {
  if (plain_is_safe(text)) return std::string(text);
  return double_quoted(text);
}

std::string write_bgo_yaml(const AppSpec& app, const std::string& out_dir,
                           std::string_view origin) {
  const std::vector<ProcessGroup> groups = group_instances(app);
  const std::map<std::string, std::string> group_of = group_of_instances(groups);
  // Entries every process has with the same value (never PORT when an instance group offsets
  // it, nor the instance number) go to the top level.
  const std::map<std::string, std::string> shared = shared_env(groups);
  std::set<std::string> shared_keys;
  for (const auto& entry : shared) shared_keys.insert(entry.first);

  std::string out;
  if (!origin.empty()) out += "# " + std::string(origin) + "\n";
  if (!app.not_imported.empty()) {
    out += "# Not imported (no bgo equivalent):\n";
    for (const auto& n : app.not_imported) {
      std::string line = (n.process.empty() ? "" : n.process + ": ") + n.key + ": " + n.why;
      for (char& c : line) {
        if (c == '\n' || c == '\r') c = ' ';
      }
      out += "#   " + line + "\n";
    }
  }
  out += "version: " + std::to_string(app.version) + "\n";
  if (!app.project.empty()) out += "name: " + scalar_of(app.project) + "\n";
  if (!shared.empty()) {
    out += "env:\n";
    write_env(out, shared, "  ");
  }
  out += "processes:\n";
  for (const auto& g : groups) write_process(out, g, shared_keys, group_of, out_dir);
  return out;
}

}  // namespace bgo::app
