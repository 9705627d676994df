// SPDX-License-Identifier: MIT
// What `bgo save` writes: registered processes, as bgod's `get` describes them, turned back into
// the AppSpec of a bgo.yaml (docs/bgo-file.md, "Saving what runs"), the inverse of `bgo up`.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "client/app/app_spec.hpp"
#include "common/errors.hpp"

namespace bgo::app {

// The entries of `recorded` ("K=V", a process's recorded environment) that `current` (the
// environment of `bgo save`) lacks or has with another value: what the file must say for `bgo
// up`, which adds the file's variables to its own environment, to give the process the same.
// A variable `current` has and `recorded` lacks cannot be said in a bgo.yaml; it is ignored.
// PWD, OLDPWD, SHLVL and `_`, which a shell sets anew for each command, are never included.
std::map<std::string, std::string> env_difference(const std::vector<std::string>& recorded,
                                                  const std::vector<std::string>& current);

// Whether `bgo save` without names saves the process of this `list` row: every one but those
// the user stopped (`stop_reason` "user", or none on a stopped row, as the state file reads).
// Those that exited or crashed on their own, one-shot jobs among them, are part of the app.
bool saved_by_default(const boost::json::object& row);

// The process a `get` reply describes (docs/protocol.md): command, cwd ("/" when none is
// recorded), env_difference() of its environment, the watch block as `restart` (a watched
// process's policy, `always` when it has none; an unwatched one `never`) with its min_uptime
// and on_fast_crash, the health and order `settings`, `log_options`, and autostart. An error
// names the process and what bgod sent that cannot be read.
Result<ProcessSpec> process_from_detail(const boost::json::object& detail,
                                        const std::vector<std::string>& current_env);

// The project of the saved file: the `project` every one of `details` has, when they share one;
// else the name of `folder` (where the file goes), or "app" when that is no valid name ("/").
std::string saved_project(const std::vector<boost::json::object>& details,
                          const std::filesystem::path& folder);

// The names of `selected` and, transitively, of every process they depend on (`after` in the
// settings of their `get` replies), each once, in the order met. `detail_of` gives a name's
// reply, nullptr when it is not registered; such a dependency is left out.
std::vector<std::string> with_dependencies(
    const std::vector<std::string>& selected,
    const std::function<const boost::json::object*(const std::string&)>& detail_of);

struct SavedApp {
  AppSpec app;
  std::vector<std::string> notes;  // what was left out, for stderr
};

// The AppSpec of `details` (one `get` reply per process to save): process_from_detail() each,
// ordered by name with instances (`api:2` before `api:10`) by number, dependencies on processes
// not among them dropped (a note each), project by saved_project().
Result<SavedApp> saved_app(const std::vector<boost::json::object>& details,
                           const std::vector<std::string>& current_env,
                           const std::filesystem::path& folder);

}  // namespace bgo::app
