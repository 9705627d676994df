// SPDX-License-Identifier: MIT
// Procfile (foreman, honcho, overmind): `name: command` lines, the .env beside it, PORT per
// process type, the formation.
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "client/app/import.hpp"
#include "client/app/import_util.hpp"

namespace bgo::app {

namespace {

struct Entry {
  std::string name;
  std::string command;
  int line = 0;
};

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// foreman's rule: /^([A-Za-z0-9_-]+):\s*(.+)$/; every other line is ignored.
std::optional<Entry> parse_line(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && is_name_char(line[i])) ++i;
  if (i == 0 || i >= line.size() || line[i] != ':') return std::nullopt;
  size_t start = i + 1;
  while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
  if (start >= line.size()) return std::nullopt;
  return Entry{line.substr(0, i), line.substr(start), 0};
}

// foreman's -m: "web=2,worker=1", "all=3"; a type not named runs `all` times (1 by default,
// 0 once any type is named without `all`).
Result<std::map<std::string, int>> parse_formation(const std::string& text, int& all) {
  std::map<std::string, int> counts;
  all = 1;
  if (text.empty()) return counts;
  all = 0;
  std::string compact;
  for (const char c : text) {
    if (c != ' ' && c != '\t') compact += c;
  }
  std::istringstream pairs(compact);
  std::string pair;
  while (std::getline(pairs, pair, ',')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    int count = -1;
    try {
      if (eq != std::string::npos) count = std::stoi(pair.substr(eq + 1));
    } catch (const std::exception&) {
      count = -1;
    }
    if (eq == std::string::npos || eq == 0 || count < 0 || count > 1000) {
      return make_error(Errc::invalid_params, "invalid formation '" + text +
                                                  "': expected NAME=COUNT[,NAME=COUNT...] "
                                                  "(COUNT 0 to 1000; NAME `all` for every type)");
    }
    const std::string name = pair.substr(0, eq);
    if (name == "all") {
      all = count;
    } else {
      counts[name] = count;
    }
  }
  return counts;
}

}  // namespace

Result<AppSpec> import_procfile(const std::string& path, const ImportOptions& options) {
  auto text = read_text_file(path);
  if (!text) return text.error();
  const std::string folder = folder_of(path);
  AppSpec app;
  app.file = path;
  app.project = std::filesystem::path(folder).filename().string();

  std::vector<Entry> entries;
  std::set<std::string> seen;
  std::istringstream lines(*text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    auto entry = parse_line(line);
    if (!entry) {
      const auto first = line.find_first_not_of(" \t");
      if (first != std::string::npos && line[first] != '#') {
        report(app, "", "line " + std::to_string(number),
               "not a `name: command` entry; foreman ignores it too");
      }
      continue;
    }
    if (!seen.insert(entry->name).second) {
      return located_error(path, number, 1, "process type '" + entry->name + "' is defined twice");
    }
    entry->line = number;
    entries.push_back(std::move(*entry));
  }
  if (entries.empty()) {
    return located_error(path, 0, 0,
                         "no `name: command` entry (foreman refuses an empty Procfile)");
  }

  int all = 1;
  auto formation = parse_formation(options.formation, all);
  if (!formation) return formation.error();
  for (const auto& [name, count] : *formation) {
    if (!seen.contains(name)) {
      std::string why = "--formation names '";
      why.append(name).append("', which is not in ").append(path);
      return make_error(Errc::invalid_params, why);
    }
  }

  // foreman reads .env from the directory it runs in, next to the Procfile in practice.
  std::map<std::string, std::string> dotenv;
  const std::string env_path = folder + "/.env";
  if (std::filesystem::is_regular_file(env_path)) {
    auto env_text = read_text_file(env_path);
    if (!env_text) return env_text.error();
    dotenv = parse_foreman_env(*env_text);
  }
  // foreman's base port: --port, else PORT from .env, else the environment's, else 5000.
  int64_t base_port = 5000;
  const auto environment = import_environment(options);
  const auto port_from = [&](const std::map<std::string, std::string>& env) -> bool {
    const auto found = env.find("PORT");
    if (found == env.end()) return false;
    try {
      base_port = std::stoll(found->second);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  };
  if (!port_from(dotenv)) (void)port_from(environment);  // the default stays 5000

  for (size_t index = 0; index < entries.size(); ++index) {
    const Entry& entry = entries[index];
    const auto named = formation->find(entry.name);
    const int count = named != formation->end() ? named->second : all;
    if (count == 0) {
      report(app, entry.name, "formation",
             "0 instances in the formation: foreman would not run it, so it is left out");
      continue;
    }
    ProcessSpec spec;
    spec.name = entry.name;
    spec.command = shell_command(entry.command, "/bin/sh");
    spec.cwd = folder;
    spec.env = dotenv;
    spec.env["PORT"] = std::to_string(base_port + static_cast<int64_t>(index) * 100);
    if (count == 1) {
      spec.env["PS"] = entry.name + ".1";
    } else {
      report(app, entry.name, "PS",
             "foreman sets PS=" + entry.name + ".1, " + entry.name + ".2, ...; bgo sets " +
                 "BGO_INSTANCE=0.." + std::to_string(count - 1) + " in each instance instead");
    }
    spec.where = {path, entry.line, 1};
    add_instances(app, spec, count, count > 1);
  }
  return app;
}

}  // namespace bgo::app
