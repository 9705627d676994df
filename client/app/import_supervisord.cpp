// SPDX-License-Identifier: MIT
// supervisord INI files: [include] globs, then each [program:x] as supervisord would run it
// (supervisor/options.py processes_from_section, supervisor/process.py _spawn_as_child).
#include <algorithm>
#include <filesystem>
#include <glob.h>
#include <set>
#include <sstream>
#include <unistd.h>

#include "client/app/import.hpp"
#include "client/app/import_ini.hpp"
#include "client/app/import_supervisord_program.hpp"
#include "client/app/import_util.hpp"

namespace bgo::app {

namespace {

// supervisord reads [include] files= of the main file only: whitespace-separated globs,
// relative to its folder, expanded with %(here)s, %(host_node_name)s and %(ENV_X)s; matches in
// sorted order; a pattern matching nothing is a warning there, reported here.
Result<void> read_includes(AppSpec& app, IniFile& ini, const std::string& path,
                           const std::map<std::string, FormatValue>& expansions) {
  const IniSection* include = ini.find("include");
  if (include == nullptr) return {};
  const IniValue* files = include->find("files");
  if (files == nullptr) {
    return located_error(path, include->line, 0, "[include] section, but no files setting");
  }
  auto expanded = supervisord_format(app, "", files->text, expansions, "[include] files");
  if (!expanded) return located_error(path, files->line, 0, expanded.error().message);
  std::istringstream patterns(*expanded);
  std::string pattern;
  const std::string base = folder_of(path);
  while (patterns >> pattern) {
    const std::string full = absolute_from(base, pattern);
    glob_t found{};
    const int rc = ::glob(full.c_str(), 0, nullptr, &found);
    std::vector<std::string> names;
    if (rc == 0) {
      for (size_t i = 0; i < found.gl_pathc; ++i) names.emplace_back(found.gl_pathv[i]);
    }
    ::globfree(&found);
    if (names.empty()) {
      report(app, "", "[include] " + pattern, "no file matches " + full);
      continue;
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      auto text = read_text_file(name);
      if (!text) return text.error();
      // %(here)s of an included file is its own folder (supervisord's expand_here).
      std::string here_text = *text;
      const std::string here = folder_of(name);
      for (size_t at = here_text.find("%(here)s"); at != std::string::npos;
           at = here_text.find("%(here)s", at + here.size())) {
        here_text.replace(at, 8, here);
      }
      if (auto parsed = parse_ini(here_text, name, ini); !parsed) return parsed.error();
    }
  }
  return {};
}

std::string host_name(const ImportOptions& options) {
  if (!options.hostname.empty()) return options.hostname;
  std::array<char, 256> buffer{};
  if (::gethostname(buffer.data(), buffer.size() - 1) != 0) return "localhost";
  return buffer.data();
}

}  // namespace

Result<AppSpec> import_supervisord(const std::string& path, const ImportOptions& options) {
  auto text = read_text_file(path);
  if (!text) return text.error();
  IniFile ini;
  if (auto parsed = parse_ini(*text, path, ini); !parsed) return parsed.error();
  AppSpec app;
  app.file = path;
  app.project = std::filesystem::path(folder_of(path)).filename().string();

  SupervisordContext context;
  context.here = folder_of(path);
  context.host = host_name(options);
  for (const auto& [key, value] : import_environment(options)) {
    context.expansions["ENV_" + key] = value;
  }
  context.expansions["here"] = context.here;
  context.expansions["host_node_name"] = context.host;
  if (auto included = read_includes(app, ini, path, context.expansions); !included) {
    return included.error();
  }
  if (auto global = read_supervisord_section(app, ini, context); !global) return global.error();

  std::vector<SupervisordProcess> processes;
  std::set<std::string> grouped;  // programs a [group:x] names
  for (const auto& section : ini.sections) {
    if (section.name.starts_with("group:")) {
      if (const auto* programs = section.find("programs")) {
        report(app, "", "[" + section.name + "]",
               "bgo has no process groups; its programs (" + programs->text +
                   ") are imported under their own names");
      }
    }
  }
  for (const auto& section : ini.sections) {
    if (section.name.starts_with("program:")) {
      auto programs = read_program(app, section, context);
      if (!programs) return programs.error();
      for (auto& p : *programs) processes.push_back(std::move(p));
    } else if (section.name.starts_with("eventlistener:") ||
               section.name.starts_with("fcgi-program:")) {
      report(app, "", "[" + section.name + "]",
             "supervisord event listeners and FastCGI programs have no bgo equivalent");
    } else if (section.name == "unix_http_server" || section.name == "inet_http_server" ||
               section.name == "supervisorctl" || section.name.starts_with("rpcinterface:")) {
      report(app, "", "[" + section.name + "]",
             "supervisorctl's control channel; bgo talks to bgod over ~/.bgo/bgo.sock");
    } else if (section.name != "supervisord" && section.name != "include" &&
               !section.name.starts_with("group:")) {
      report(app, "", "[" + section.name + "]", "not a section supervisord reads");
    }
  }
  if (processes.empty()) {
    return located_error(path, 0, 0, "no [program:x] section (after [include])");
  }
  // supervisord starts (and lists) processes by priority, then name; stops in reverse.
  std::stable_sort(processes.begin(), processes.end(), [](const auto& a, const auto& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.spec.name < b.spec.name;
  });
  std::set<std::string> names;
  for (auto& p : processes) {
    if (!names.insert(p.spec.name).second) {
      return located_error(p.spec.where.file, p.spec.where.line, 0,
                           "two processes are named '" + p.spec.name + "'");
    }
    app.processes.push_back(std::move(p.spec));
  }
  return app;
}

}  // namespace bgo::app
