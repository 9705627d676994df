// SPDX-License-Identifier: MIT
// One process of a process-compose.yaml as the bgo processes process-compose would run.
#pragma once

#include <map>
#include <string>
#include <yaml-cpp/node/node.h>

#include "client/app/app_spec.hpp"
#include "client/app/import_yaml.hpp"
#include "common/errors.hpp"

namespace bgo::app {

struct PcProject {
  std::string folder;                              // the file's: working_dir is from there
  std::string shell = "bash";                      // shell.shell_command
  std::map<std::string, std::string> environment;  // top-level environment:
  std::map<std::string, std::string> dotenv;       // .env beside the file
  std::map<std::string, std::string> vars;         // top-level vars: (templates)
};

// `environment:` as process-compose reads it: a list of KEY=VALUE (a mapping is taken too).
Result<std::map<std::string, std::string>> pc_environment(const PcYamlReader& reader,
                                                          const YAML::Node& node,
                                                          const std::string& what);

// Adds process `name` (replicas: NAME:i when they differ only by instance, else NAME-i as
// process-compose names them) to `app`, reporting what has no equivalent.
Result<void> add_pc_process(AppSpec& app, const PcProject& project, const PcYamlReader& reader,
                            const std::string& name, const YAML::Node& node);

}  // namespace bgo::app
