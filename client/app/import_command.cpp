// SPDX-License-Identifier: MIT
// `bgo import FORMAT FILE [-o bgo.yaml]`: another tool's file as a bgo.yaml (issue #15).
#include <boost/program_options/value_semantic.hpp>

#include "client/app/import.hpp"
#include "client/app/import_yaml_writer.hpp"
#include "client/commands/app_file.hpp"
#include "client/commands/common.hpp"
#include "client/commands/output_file.hpp"

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
  const std::string origin = "Imported by `bgo import " + std::string(to_string(*format)) +
                             "` from " + imported->file + ".";
  const auto output = choose_output(
      ctx, args->has("output") ? args->vm["output"].as<std::string>() : "", args->has("force"));
  if (!output) return 1;
  const std::string text = app::write_bgo_yaml(*imported, output->folder.string(), origin);
  if (!write_output(ctx, *output, text)) return 1;
  if (output->to_stdout()) {
    print_not_imported(ctx, *imported);
    return 0;
  }
  ctx.say("Wrote " + output->given + ": " + std::to_string(imported->processes.size()) +
          " process(es) from " + file + " (" + std::string(to_string(*format)) + ")");
  print_not_imported(ctx, *imported);
  return 0;
}

}  // namespace bgo::client
