// SPDX-License-Identifier: MIT
#include "client/commands/app_file.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include <boost/program_options.hpp>

#include "client/app/import.hpp"
#include "client/commands/common.hpp"

namespace bgo::client {

namespace po = boost::program_options;

namespace {

bool ends_with(const std::string& text, std::string_view tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

// A bgo file by its name, or a YAML file that says `version: 1` at its top level (a
// process-compose file's version is a string such as "0.5").
bool looks_like_bgo_file(const std::string& path) {
  const std::string base = std::filesystem::path(path).filename().string();
  if (base == "bgo.yaml" || base == "bgo.yml" || ends_with(base, ".bgo.yaml") ||
      ends_with(base, ".bgo.yml")) {
    return true;
  }
  if (!ends_with(base, ".yaml") && !ends_with(base, ".yml")) return false;
  std::ifstream in(path);
  std::string line;
  static const std::regex k_version(R"(^version:\s*1\s*(#.*)?$)");
  for (int n = 0; n < 200 && std::getline(in, line); ++n) {
    if (std::regex_match(line, k_version)) return true;
  }
  return false;
}

}  // namespace

void print_not_imported(Context& ctx, const app::AppSpec& spec) {
  if (spec.not_imported.empty()) return;
  ctx.fail("Not imported (" + std::to_string(spec.not_imported.size()) + "; no bgo equivalent):");
  for (const auto& n : spec.not_imported) {
    ctx.fail("  " + (n.process.empty() ? std::string("(file)") : n.process) + "  " + n.key + ": " +
             n.why);
  }
}

app::ParseOptions app_parse_options() {
  app::ParseOptions options;
  for (const auto& kv : client_env()) {
    const std::size_t eq = kv.find('=');
    if (eq != std::string::npos) options.environment.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  options.cwd = client_cwd();
  options.now = std::chrono::system_clock::now();
  return options;
}

void add_app_file_options(CommandLine& spec, bool imports) {
  spec.options.add_options()("file,f", po::value<std::string>()->value_name("FILE"),
                             "The application file (default: bgo.yaml here or above; - for "
                             "stdin)");
  if (!imports) return;
  spec.options.add_options()(
      "format", po::value<std::string>()->value_name("FORMAT"),
      "bgo, procfile, pm2, supervisord or process-compose (default: by name and content)")(
      "env", po::value<std::string>()->value_name("MODE"),
      "pm2: merge env_MODE over env (pm2 start --env MODE)")(
      "formation", po::value<std::string>()->value_name("NAME=N,..."),
      "Procfile: instances per process type (foreman -m; all=N for every type)");
}

AppFileOptions app_file_options(const Args& args) {
  AppFileOptions o;
  auto text = [&args](const char* key) {
    return args.has(key) ? args.vm[key].as<std::string>() : std::string();
  };
  o.file = text("file");
  if (args.has("file") && o.file.empty()) args.fail("argument -f/--file: expected a file name");
  o.format = text("format");
  o.env_mode = text("env");
  o.formation = text("formation");
  if (!o.format.empty() && o.format != "bgo" && !app::parse_import_format(o.format)) {
    args.fail("argument --format: invalid choice: '" + o.format +
              "' (choose from 'bgo', 'procfile', 'pm2', 'supervisord', 'process-compose')");
  }
  return o;
}

std::optional<app::AppSpec> load_app(Context& ctx, const AppFileOptions& options) {
  std::optional<app::ImportFormat> format;
  if (!options.format.empty() && options.format != "bgo") {
    format = app::parse_import_format(options.format);
  } else if (options.format.empty() && !options.file.empty() && options.file != "-" &&
             !looks_like_bgo_file(options.file)) {
    if (auto detected = app::detect_import_format(options.file)) format = *detected;
  }
  if (format) {
    app::ImportOptions io;
    io.env_mode = options.env_mode;
    io.formation = options.formation;
    auto imported = app::import_file(options.file, *format, io);
    if (!imported) {
      ctx.fail(imported.error().message);
      return std::nullopt;
    }
    print_not_imported(ctx, *imported);
    return std::move(*imported);
  }
  if (!options.env_mode.empty() || !options.formation.empty()) {
    ctx.fail(ctx.red_x() + " --env and --formation apply to an imported pm2 ecosystem or Procfile");
    return std::nullopt;
  }
  auto app = app::load_bgo_file(options.file, std::cin, app_parse_options());
  if (!app) {
    std::cout.flush();
    ctx.fail(app.error().to_string());
    return std::nullopt;
  }
  return std::move(*app);
}

std::optional<std::string> project_of(Context& ctx, const AppFileOptions& options,
                                      const std::string& project_flag) {
  if (!project_flag.empty()) return project_flag;
  auto app = load_app(ctx, options);
  if (!app) return std::nullopt;
  return app->project;
}

}  // namespace bgo::client
