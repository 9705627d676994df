// SPDX-License-Identifier: MIT
// One app of a pm2 ecosystem as the process pm2 would start.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "client/app/app_spec.hpp"
#include "client/app/import.hpp"
#include "common/errors.hpp"

namespace bgo::app {

struct Pm2App {
  ProcessSpec spec;  // named as pm2 names it; `where` left to the caller
  int instances = 1;
  bool port_offset = false;  // increment_var: PORT with several instances
};

// pm2's spellings reduced to one (lib/API/schema.json, lib/tools/Config.js): camelCase keys
// (maxMemoryRestart) as snake_case, and the aliases (interpreter, interpreter_args, out, error,
// log, pid, cron, exec, cmd, command, combine_logs, user) as their canonical key. A canonical
// key given too wins, as in pm2.
boost::json::object normalise_pm2_keys(const boost::json::object& conf);
// A key of pm2's app schema (canonical spelling, or one of its aliases).
bool is_pm2_schema_key(std::string_view key);

// Maps `conf` (normalised); keys without an equivalent are reported into `app`. `folder` is the
// ecosystem file's: relative cwd and scripts resolve from it. Errors: no script, a value of the
// wrong type.
Result<Pm2App> pm2_app(AppSpec& app, const boost::json::object& conf, const std::string& folder,
                       const ImportOptions& options);

}  // namespace bgo::app
