// SPDX-License-Identifier: MIT
// Imports of other supervisors' files (issue #15): a Procfile, a pm2 ecosystem, a supervisord
// INI file or a process-compose.yaml becomes an AppSpec, what that tool would have run.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "client/app/app_spec.hpp"
#include "common/errors.hpp"

namespace bgo::app {

enum class ImportFormat { procfile, pm2, supervisord, process_compose };
std::string_view to_string(ImportFormat format);
// "procfile", "pm2", "supervisord", "process-compose" (also "process_compose", "foreman").
std::optional<ImportFormat> parse_import_format(std::string_view text);

struct ImportOptions {
  std::string env_mode;   // pm2: `--env production` merges env_production over env
  std::string formation;  // Procfile: "web=2,worker=1" or "all=2" (foreman's -m)
  // The environment `%(ENV_X)s` (supervisord), `${VAR}` (process-compose) and a JavaScript
  // ecosystem's `process.env` see; nullopt: this process's own.
  std::optional<std::map<std::string, std::string>> environment;
  std::string node = "node";  // the program that evaluates a .js/.cjs/.mjs ecosystem
  std::string hostname;       // supervisord's %(host_node_name)s; empty: gethostname()
};

// The format of `path` from its name, then its content: Procfile*, ecosystem*.{js,cjs,mjs,
// json,yaml,yml} / pm2*, *.conf/*.ini with a [program:] section, process-compose*.y(a)ml or a
// YAML file with `processes:`. Errors: invalid_params saying what was looked at.
Result<ImportFormat> detect_import_format(const std::string& path);

// Reads `path` (a relative path is taken from the current directory) as `format`. Every key
// without a bgo equivalent is in the result's `not_imported`. Errors: the file cannot be read,
// or is malformed: the message starts with `file:line:column: ` when a place is known.
Result<AppSpec> import_file(const std::string& path, ImportFormat format,
                            const ImportOptions& options);

// One importer each (client/app/import_<format>.cpp); `path` is absolute.
Result<AppSpec> import_procfile(const std::string& path, const ImportOptions& options);
Result<AppSpec> import_pm2(const std::string& path, const ImportOptions& options);
Result<AppSpec> import_supervisord(const std::string& path, const ImportOptions& options);
Result<AppSpec> import_process_compose(const std::string& path, const ImportOptions& options);

}  // namespace bgo::app
