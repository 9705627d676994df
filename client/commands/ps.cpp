// SPDX-License-Identifier: MIT
// `bgo ps [-f FILE] [--project NAME]`: the status of one project's processes (issue #15).
#include <boost/program_options.hpp>

#include "client/commands/app_file.hpp"
#include "client/commands/common.hpp"
#include "client/commands/status_listing.hpp"

namespace bgo::client {

namespace po = boost::program_options;

int cmd_ps(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line(
      "ps",
      "Show the status of a project's processes: those of the bgo.yaml here (or above), of "
      "-f FILE, or of --project NAME (see docs/bgo-file.md)");
  add_app_file_options(spec, false);
  spec.options.add_options()("project", po::value<std::string>()->value_name("NAME"),
                             "The project, instead of the file's name (no file is read)");
  add_listing_options(spec);
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const std::string flag = args->has("project") ? args->vm["project"].as<std::string>() : "";
  if (args->has("project") && flag.empty()) {
    args->fail("argument --project: expected a project name");
  }
  if (args->has("project") && args->has("file")) {
    args->fail("argument --project: not allowed with argument -f/--file");
  }
  const auto project = project_of(ctx, app_file_options(*args), flag);
  if (!project) return 1;
  return run_listing(ctx, *args, std::nullopt, *project);
}

}  // namespace bgo::client
