// SPDX-License-Identifier: MIT
// bgo config [-f FILE] [--json] (issue #15): checks a bgo.yaml and prints it normalised, like
// `docker compose config`. Needs no bgod and touches nothing.
#include <chrono>
#include <iostream>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/app/app_document.hpp"
#include "client/app/bgo_file.hpp"
#include "client/command.hpp"
#include "client/commands/app_file.hpp"
#include "client/commands/common.hpp"
#include "proto/python_json.hpp"

namespace bgo::client {

namespace po = boost::program_options;

int cmd_config(Context& /*ctx*/, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line(
      "config",
      "Check a bgo.yaml and print it normalised: every default filled in, paths\n"
      "absolute, environment merged and ${VAR} expanded, instances expanded. Without\n"
      "-f, bgo.yaml or bgo.yml is looked for in the current folder, then its parents.\n"
      "A mistake is reported as FILE:LINE:COLUMN: MESSAGE (exit 1). Starts nothing\n"
      "and needs no bgod. Reference: docs/bgo-file.md.");
  spec.options.add_options()("file,f", po::value<std::string>()->value_name("FILE"),
                             "The file to read ('-' for stdin)")("json",
                                                                 "Print JSON instead of YAML");
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const std::string file = args->has("file") ? args->vm["file"].as<std::string>() : "";
  if (args->has("file") && file.empty()) args->fail("argument -f/--file: expected a file name");
  auto app = app::load_bgo_file(file, std::cin, app_parse_options());
  if (!app) {
    std::cout.flush();
    std::cerr << app.error().to_string() << "\n";
    return 1;
  }
  const boost::json::object document = app::to_document(*app);
  if (args->has("json")) {
    std::cout << proto::python_json_dumps(document, 2) << "\n";
  } else {
    std::cout << app::to_yaml(document);
  }
  return 0;
}

}  // namespace bgo::client
