// SPDX-License-Identifier: MIT
// supervisord's [supervisord] and [program:x] sections as bgo processes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "client/app/app_spec.hpp"
#include "client/app/import_ini.hpp"
#include "common/errors.hpp"

namespace bgo::app {

struct SupervisordContext {
  std::string here;  // the main file's folder
  std::string host;  // %(host_node_name)s
  // %(here)s, %(host_node_name)s and ENV_X for the environment and [supervisord] environment=.
  std::map<std::string, FormatValue> expansions;
  std::map<std::string, std::string> environment;  // [supervisord] environment=
  std::string directory;                           // [supervisord] directory=
};

struct SupervisordProcess {
  ProcessSpec spec;
  int priority = 999;
};

// [supervisord]: environment= (every program's, and ENV_X for expansions) and directory= (the
// folder programs start in); its other keys are reported.
Result<void> read_supervisord_section(AppSpec& app, const IniFile& ini,
                                      SupervisordContext& context);

// One [program:x] section: numprocs processes named by process_name. Errors: a missing
// command, a value supervisord would refuse, a %(name) that cannot be expanded.
Result<std::vector<SupervisordProcess>> read_program(AppSpec& app, const IniSection& section,
                                                     const SupervisordContext& context);

// python_format() for supervisord's values, but an unset %(ENV_X)s (supervisord refuses to
// start) expands to an empty string and is reported for `process`: a file taken from its
// deployment names variables only that machine sets.
Result<std::string> supervisord_format(AppSpec& app, const std::string& process,
                                       std::string_view text,
                                       std::map<std::string, FormatValue> values,
                                       const std::string& what);

// supervisord's environment= syntax: KEY=value pairs separated by commas, values quoted with
// '' or "" when they hold a comma or a blank (Python's shlex, as supervisor's datatypes.py).
Result<std::map<std::string, std::string>> parse_supervisord_environment(std::string_view text);

}  // namespace bgo::app
