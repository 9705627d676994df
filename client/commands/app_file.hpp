// SPDX-License-Identifier: MIT
// The application file `bgo up`, `down`, `ps` and `config` act on (docs/bgo-file.md): a
// bgo.yaml, found or named with -f, or another tool's file read through its importer.
#pragma once

#include <optional>
#include <string>

#include "client/app/app_spec.hpp"
#include "client/app/bgo_file.hpp"
#include "client/command.hpp"

namespace bgo::client {

struct AppFileOptions {
  std::string file;       // -f: empty searches for bgo.yaml; "-" is stdin (a bgo.yaml)
  std::string format;     // --format: "bgo", an import format, or empty (by name and content)
  std::string env_mode;   // --env MODE (pm2)
  std::string formation;  // --formation (Procfile)
};

// The environment `${VAR}` sees (the client's), the current folder, and now.
app::ParseOptions app_parse_options();

// Declares -f/--file, and with `imports` also --format, --env and --formation.
void add_app_file_options(CommandLine& spec, bool imports);
AppFileOptions app_file_options(const Args& args);

// Reads the file: a bgo.yaml (bgo.yml, *.bgo.yaml, or a YAML file whose `version:` is 1), else
// what detect_import_format() recognises, through import_file(). On a mistake prints it on
// stderr (`file:line:column: message`) and returns nullopt: nothing else has happened.
std::optional<app::AppSpec> load_app(Context& ctx, const AppFileOptions& options);

// The keys of an imported file that have no bgo equivalent, on stderr (nothing when none).
void print_not_imported(Context& ctx, const app::AppSpec& spec);

// The project named by `--project`, else the `name` of the file load_app() finds (printing
// its error when there is none); nullopt after an error.
std::optional<std::string> project_of(Context& ctx, const AppFileOptions& options,
                                      const std::string& project_flag);

}  // namespace bgo::client
