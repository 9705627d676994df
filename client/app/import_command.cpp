// SPDX-License-Identifier: MIT
// `bgo import FORMAT FILE [-o bgo.yaml]`: another tool's file as a bgo.yaml (issue #15).
#include <filesystem>
#include <iostream>
#include <sys/stat.h>

#include <boost/program_options/value_semantic.hpp>

#include "client/app/import.hpp"
#include "client/app/import_yaml_writer.hpp"
#include "client/commands/app_file.hpp"
#include "client/commands/common.hpp"
#include "common/atomic_file.hpp"

namespace bgo::client {

namespace po = boost::program_options;

int cmd_import(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line(
      "import", "Write a bgo.yaml for another tool's file (what has no equivalent: stderr)");
  spec.options.add_options()(
      "output,o", po::value<std::string>()->value_name("FILE"),
      "Where to write (default: bgo.yaml in the current folder; - for stdout)")(
      "env", po::value<std::string>()->value_name("MODE"),
      "pm2: merge env_MODE over env (pm2 start --env MODE)")(
      "formation", po::value<std::string>()->value_name("NAME=N,..."),
      "Procfile: instances per process type (foreman -m; all=N for every type)")(
      "force,f", "Replace an existing output file");
  spec.positionals = {
      {"format", Positional::Arity::one,
       "procfile, pm2, supervisord, process-compose, or auto (by name and content)"},
      {"file", Positional::Arity::one, "The file to import"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const std::string& format_text = args->positionals.at(0);
  const std::string& file = args->positionals.at(1);

  std::optional<app::ImportFormat> format;
  if (format_text == "auto") {
    auto detected = app::detect_import_format(file);
    if (!detected) {
      ctx.fail(ctx.red_x() + " " + detected.error().message);
      return 1;
    }
    format = *detected;
  } else {
    format = app::parse_import_format(format_text);
    if (!format) {
      args->fail("argument format: invalid choice: '" + format_text +
                 "' (choose from 'procfile', 'pm2', 'supervisord', 'process-compose', 'auto')");
    }
  }
  app::ImportOptions options;
  if (args->has("env")) options.env_mode = args->vm["env"].as<std::string>();
  if (args->has("formation")) options.formation = args->vm["formation"].as<std::string>();
  if (!options.env_mode.empty() && *format != app::ImportFormat::pm2) {
    args->fail("argument --env: only a pm2 ecosystem has environments (env_MODE)");
  }
  if (!options.formation.empty() && *format != app::ImportFormat::procfile) {
    args->fail("argument --formation: only a Procfile has a formation");
  }

  auto imported = app::import_file(file, *format, options);
  if (!imported) {
    ctx.fail(ctx.red_x() + " " + imported.error().message);
    return 1;
  }
  const std::string output =
      args->has("output") ? args->vm["output"].as<std::string>() : std::string("bgo.yaml");
  const std::string origin = "Imported by `bgo import " + std::string(to_string(*format)) +
                             "` from " + imported->file + ".";
  if (output == "-") {
    std::cout << app::write_bgo_yaml(*imported, std::filesystem::current_path().string(), origin)
              << std::flush;
    print_not_imported(ctx, *imported);
    return 0;
  }
  const std::filesystem::path target = std::filesystem::absolute(output).lexically_normal();
  std::error_code ec;
  if (std::filesystem::exists(target, ec) && !args->has("force")) {
    ctx.fail(ctx.red_x() + " " + output + " exists; --force replaces it");
    return 1;
  }
  const std::string text = app::write_bgo_yaml(*imported, target.parent_path().string(), origin);
  if (auto written = write_file_atomically(target, text); !written) {
    ctx.fail(ctx.red_x() + " cannot write " + output + ": " + written.error().message);
    return 1;
  }
  // The temp file was 0600; a bgo.yaml is no secret of bgo's: the umask decides, as for any file.
  const mode_t mask = ::umask(0);
  (void)::umask(mask);  // restores the mask read above; cannot fail
  std::filesystem::permissions(target, static_cast<std::filesystem::perms>(0666 & ~mask), ec);
  ctx.say("Wrote " + output + ": " + std::to_string(imported->processes.size()) +
          " process(es) from " + file + " (" + std::string(to_string(*format)) + ")");
  print_not_imported(ctx, *imported);
  return 0;
}

}  // namespace bgo::client
