// SPDX-License-Identifier: MIT
// What `bgo up` does, decided before it does anything (docs/bgo-file.md, "bgo up"): which
// processes of the file to start, restart or keep, which registered ones are orphans, and
// which names another project holds. Pure: the registered set comes in as rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "client/app/app_spec.hpp"

namespace bgo::app {

// What bgod says about a registered process (a `list` row).
struct Registered {
  std::string name;
  std::optional<std::string> project;
  std::optional<std::string> definition;
  std::string status;  // "online", "stopped", "waiting"
  std::optional<std::string> stop_reason;
  std::optional<int64_t> exit_code;
};
Registered registered_from_row(const boost::json::object& row);

enum class UpAction {
  start,    // not registered, or registered and not running (stopped by the user, crashed)
  restart,  // its definition in the file changed: stopped (if it runs) and started anew
  keep,     // running (or a one-shot that completed) with the file's definition
};
std::string_view to_string(UpAction action);

struct UpStep {
  std::string name;
  UpAction action = UpAction::start;
  std::string why;             // "new", "stopped", "definition changed", "running", ...
  const ProcessSpec* process;  // into the AppSpec given to plan_up()
  std::string definition;      // definition_hash(*process)
};

struct UpPlan {
  std::vector<UpStep> steps;         // dependencies before their dependents
  std::vector<std::string> orphans;  // registered in the project, not in the file
  std::vector<std::string> clashes;  // "Process 'api' belongs to project 'blog'" ...
};

struct UpSelection {
  std::vector<std::string> names;  // empty: every process; `api` also means api:0, api:1 ...
  bool with_dependencies = true;   // the names' dependencies too (no --no-deps)
};

// The hash of a process's normalised definition (its `bgo config` entry): 16 hex digits,
// FNV-1a 64 of the entry's JSON. The environment bgo itself runs with is not part of it.
std::string definition_hash(const ProcessSpec& process);

// The plan for `app` against `registered`. Errors (thrown as std::invalid_argument, with the
// message to print): a selected name that is no process of the file.
UpPlan plan_up(const AppSpec& app, const std::vector<Registered>& registered,
               const UpSelection& selection);

// The `start` params of docs/protocol.md for `process` of `project`: its command, cwd, the
// environment `base` (KEY=VALUE, bgo's own) with the file's entries over it, watch block, log
// options, autostart, health and order settings, and `project` and `definition`.
boost::json::object start_params(const ProcessSpec& process, const std::string& project,
                                 const std::string& definition,
                                 const std::vector<std::string>& base);

// `names` in stop order, in waves: a process comes in a later wave than everything of `names`
// that depends on it, so each wave can be stopped at once, dependents first. `after[i]` is the
// dependencies of `names[i]` (the `after` of `get`'s settings); names outside `names` are
// ignored, and so is an edge that would close a cycle. Each wave keeps the order of `names`.
std::vector<std::vector<std::string>> stop_waves(
    const std::vector<std::string>& names, const std::vector<std::vector<std::string>>& after);

}  // namespace bgo::app
