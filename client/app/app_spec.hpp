// SPDX-License-Identifier: MIT
// An application: the processes of a `bgo.yaml` (docs/bgo-file.md) or of an imported Procfile,
// pm2 ecosystem, supervisord or process-compose file, normalised: every default filled in,
// paths absolute, environment merged, instances expanded. What `bgo up` starts, `bgo config`
// prints and `bgo save` writes back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/process_policy.hpp"
#include "common/process_record.hpp"

namespace bgo::app {

// Where a value came from, for `file:line:column: message` errors.
struct SourceLocation {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown
  int column = 0;
};

// A key of an imported file that bgo has no equivalent for: reported, never dropped silently.
struct NotImported {
  std::string process;  // empty for a file-level key
  std::string key;
  std::string why;
};

struct ProcessSpec {
  std::string name;                        // after instance expansion: "api:0", "api:1"
  std::vector<std::string> command;        // argv; a string in the file is split (common/words.hpp)
  std::string cwd;                         // absolute
  std::map<std::string, std::string> env;  // env files, then env, project level then process
  // Watching (the watch block of `bgo start -w`); `policy.restart` may imply it.
  bool watch = false;
  std::optional<int64_t> interval;    // seconds
  std::optional<int64_t> min_uptime;  // seconds
  std::optional<std::string> on_fast_crash;
  ProcessPolicy policy;  // ready, live, after, restart, stop, cron, memory...
  std::optional<LogOptions> logs;
  std::optional<AutostartPolicy> autostart;
  SourceLocation where;  // the process's key in the file
};

struct AppSpec {
  int version = 1;
  std::string project;                 // `name:`, default: the file's folder name
  std::string file;                    // absolute path of the file read ("-" for stdin)
  std::vector<ProcessSpec> processes;  // in file order
  std::vector<NotImported> not_imported;
};

}  // namespace bgo::app
