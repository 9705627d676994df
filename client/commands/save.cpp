// SPDX-License-Identifier: MIT
// `bgo save [-o FILE] [--force] [NAME...]`: the registered processes as a bgo.yaml, which `bgo
// up` starts again (issue #15, docs/bgo-file.md "Saving what runs").
#include <algorithm>
#include <map>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/app/import_yaml_writer.hpp"
#include "client/app/saved_app.hpp"
#include "client/commands/common.hpp"
#include "client/commands/output_file.hpp"
#include "client/commands/registered.hpp"
#include "client/commands/targets.hpp"

namespace bgo::client {

namespace json = boost::json;
namespace po = boost::program_options;

namespace {

// The names the command line asks for (every registered one for `all`), or those saved by
// default; nullopt after printing why (an unknown name: nothing is written).
std::optional<std::vector<std::string>> chosen_names(Context& ctx,
                                                     const std::vector<std::string>& names,
                                                     const std::vector<json::object>& rows) {
  std::vector<std::string> out;
  const bool every = std::find(names.begin(), names.end(), k_all) != names.end();
  if (names.empty() || every) {
    for (const auto& row : rows) {
      if (every || app::saved_by_default(row)) out.push_back(row_name(row));
    }
    return out;
  }
  bool known = true;
  for (const auto& name : names) {
    if (!check_name(ctx, name)) return std::nullopt;
    const bool found = std::any_of(rows.begin(), rows.end(),
                                   [&](const json::object& row) { return row_name(row) == name; });
    if (!found) {
      ctx.fail(ctx.red_x() + " No process named '" + name + "' found");
      suggest_names(ctx, name);
      known = false;
    }
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  if (!known) return std::nullopt;
  return out;
}

}  // namespace

int cmd_save(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line(
      "save",
      "Write the registered processes as a bgo.yaml that bgo up starts again: commands, "
      "folders, environment (what differs from this shell's), watch, health, order, stop, "
      "log and autostart settings (see docs/bgo-file.md)");
  spec.options.add_options()(
      "output,o", po::value<std::string>()->value_name("FILE"),
      "Where to write (default: bgo.yaml in the current folder; - for stdout)")(
      "force", "Replace an existing output file");
  spec.positionals = {{"names", Positional::Arity::many,
                       "The processes to save (default: all but those stopped by the user; all: "
                       "every one); what they depend on comes along"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;

  RegisteredProcesses registry(ctx);
  const auto rows = registry.rows();
  if (!rows) return 1;
  if (rows->empty()) {
    ctx.fail(ctx.red_x() + " No processes registered: nothing to save");
    return 1;
  }
  const auto names = chosen_names(ctx, args->positionals, *rows);
  if (!names) return 1;
  if (names->empty()) {
    ctx.fail(ctx.red_x() + " Nothing to save: every process was stopped by the user (bgo save " +
             "NAME... or bgo save all saves stopped ones too)");
    return 1;
  }
  const auto output = choose_output(
      ctx, args->has("output") ? args->vm["output"].as<std::string>() : "", args->has("force"));
  if (!output) return 1;

  const auto saved_names = app::with_dependencies(
      *names, [&](const std::string& name) { return registry.detail(name); });
  if (registry.failed()) return 1;
  std::vector<json::object> details;
  for (const auto& name : saved_names) {
    details.push_back(*registry.detail(name));
    if (std::find(names->begin(), names->end(), name) == names->end()) {
      ctx.fail("Also saved: '" + name + "', which a saved process depends on");
    }
  }
  auto saved = app::saved_app(details, client_env(), output->folder);
  if (!saved) {
    ctx.fail(ctx.red_x() + " " + saved.error().message);
    return 1;
  }
  for (const auto& note : saved->notes) ctx.fail("Note: " + note);
  const std::string origin = "Saved by `bgo save` from " + ctx.paths().home().string() +
                             "; env holds only what differs from the environment bgo save ran in.";
  if (!write_output(ctx, *output,
                    app::write_bgo_yaml(saved->app, output->folder.string(), origin))) {
    return 1;
  }
  if (!output->to_stdout()) {
    ctx.say("Wrote " + output->given + ": " + std::to_string(saved->app.processes.size()) +
            " process(es)");
  }
  return 0;
}

}  // namespace bgo::client
