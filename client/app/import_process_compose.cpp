// SPDX-License-Identifier: MIT
// process-compose.yaml: ${VAR} expanded in the text first (with .env beside the file), then each
// process as process-compose runs it (src/loader/mutators.go, src/app/environment.go): its shell
// (bash -c), env layers, replicas, probes, availability and shutdown.
#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <yaml-cpp/yaml.h>

#include "client/app/import.hpp"
#include "client/app/import_pc_process.hpp"
#include "client/app/import_util.hpp"
#include "client/app/import_yaml.hpp"

namespace bgo::app {

namespace {

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// envsubst as process-compose applies it to the whole file: $$ is a $, $VAR and ${VAR} from
// .env then the environment (unset: empty), ${VAR:-default} / ${VAR-default}.
std::string envsubst(const std::string& text, const std::map<std::string, std::string>& dotenv,
                     const std::map<std::string, std::string>& environment,
                     std::set<std::string>& unset) {
  const auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    if (auto it = dotenv.find(name); it != dotenv.end()) return it->second;
    if (auto it = environment.find(name); it != environment.end()) return it->second;
    return std::nullopt;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] == '{') {
      const size_t close = text.find('}', i + 2);
      if (close == std::string::npos) {
        out += text[i];
        continue;
      }
      const std::string inner = text.substr(i + 2, close - i - 2);
      size_t n = 0;
      while (n < inner.size() && is_name_char(inner[n])) ++n;
      const std::string name = inner.substr(0, n);
      const std::string rest = inner.substr(n);
      auto value = lookup(name);
      if (rest.starts_with(":-") || rest.starts_with(":=")) {
        out += value && !value->empty() ? *value : rest.substr(2);
      } else if (rest.starts_with("-") || rest.starts_with("=")) {
        out += value ? *value : rest.substr(1);
      } else {
        if (!value) unset.insert(name);
        out += value.value_or("");
      }
      i = close;
      continue;
    }
    size_t n = i + 1;
    while (n < text.size() && is_name_char(text[n])) ++n;
    if (n == i + 1) {
      out += '$';
      continue;
    }
    const std::string name = text.substr(i + 1, n - i - 1);
    const auto value = lookup(name);
    if (!value) unset.insert(name);
    out += value.value_or("");
    i = n - 1;
  }
  return out;
}

}  // namespace

Result<AppSpec> import_process_compose(const std::string& path, const ImportOptions& options) {
  auto raw = read_text_file(path);
  if (!raw) return raw.error();
  const std::string folder = folder_of(path);
  std::map<std::string, std::string> dotenv;
  if (const std::string env_path = folder + "/.env"; std::filesystem::is_regular_file(env_path)) {
    auto env_text = read_text_file(env_path);
    if (!env_text) return env_text.error();
    dotenv = parse_dotenv(*env_text);
  }
  auto unexpanded = load_yaml(*raw, path);
  if (!unexpanded) return unexpanded.error();
  YAML::Node root = *unexpanded;
  const PcYamlReader reader(path);
  bool expand = true;
  if (root.IsMap() && root["disable_env_expansion"]) {
    auto off = reader.boolean(root["disable_env_expansion"], "disable_env_expansion");
    if (!off) return off.error();
    expand = !*off;
  }
  std::set<std::string> unset;
  if (expand) {
    auto expanded = load_yaml(envsubst(*raw, dotenv, import_environment(options), unset), path);
    if (!expanded) return expanded.error();
    root = *expanded;
  }
  if (!root.IsMap()) return reader.error(root, "expected a mapping with `processes:`");
  const YAML::Node processes = root["processes"];
  if (!processes || !processes.IsMap()) {
    return reader.error(root, "no `processes:` mapping (is this a process-compose file?)");
  }

  AppSpec app;
  app.file = path;
  app.project = std::filesystem::path(folder).filename().string();
  for (const auto& name : unset) {
    report(app, "", "${" + name + "}",
           "not set in .env nor where bgo import ran; expanded empty, as process-compose does");
  }
  PcProject project;
  project.folder = folder;
  project.dotenv = dotenv;
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    const YAML::Node& value = entry.second;
    if (key == "processes" || key == "version" || key == "disable_env_expansion" ||
        key.starts_with("x-")) {
      continue;
    }
    if (key == "name") {
      auto name = reader.string(value, "name");
      if (!name) return name.error();
      if (!name->empty()) app.project = *name;
    } else if (key == "environment") {
      auto env = pc_environment(reader, value, "environment");
      if (!env) return env.error();
      project.environment = std::move(*env);
    } else if (key == "shell") {
      if (value["shell_command"]) project.shell = value["shell_command"].as<std::string>("bash");
      if (value["shell_argument"] && value["shell_argument"].as<std::string>("-c") != "-c") {
        report(app, "", "shell.shell_argument", "bgo runs the shell with -c");
      }
    } else if (key == "vars") {
      if (value.IsMap()) {
        for (const auto& v : value)
          project.vars[v.first.Scalar()] = scalar_text(v.second).value_or("");
      }
    } else if (key == "ordered_shutdown") {
      continue;  // bgod always stops dependents first
    } else if (key == "log_location" || key == "log_level" || key == "log_length" ||
               key == "log_configuration" || key == "log_format" || key == "is_tui_disabled" ||
               key == "is_strict") {
      report(app, "", key, "process-compose's own logging and UI; bgod has its own");
    } else if (key == "extends") {
      report(app, "", key, "the extended file is not read; import it and merge by hand");
    } else if (key == "env_cmds") {
      report(app, "", key, "bgo runs no command to build the environment");
    } else {
      report(app, "", key, "not a process-compose setting bgo knows");
    }
  }

  std::set<std::string> names;
  for (const auto& entry : processes) {
    const std::string name = entry.first.Scalar();
    auto added = add_pc_process(app, project, reader, name, entry.second);
    if (!added) return added.error();
  }
  for (const auto& p : app.processes) {
    if (!names.insert(p.name).second) {
      return located_error(path, p.where.line, p.where.column,
                           "two processes are named '" + p.name + "'");
    }
  }
  if (auto deps = resolve_dependencies(app); !deps) return deps.error();
  // Replicas report what they share once.
  std::vector<NotImported> unique;
  for (auto& n : app.not_imported) {
    const bool seen = std::any_of(unique.begin(), unique.end(), [&](const NotImported& u) {
      return u.process == n.process && u.key == n.key && u.why == n.why;
    });
    if (!seen) unique.push_back(std::move(n));
  }
  app.not_imported = std::move(unique);
  return app;
}

}  // namespace bgo::app
