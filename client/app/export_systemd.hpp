// SPDX-License-Identifier: MIT
// `bgo export systemd`: a service unit per process (a template `name@.service` for instances),
// a target grouping the project, a timer per cron schedule, the shared environment as an
// EnvironmentFile= (docs/export.md, "systemd").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "client/app/export_support.hpp"

namespace bgo::app {

// The files, in order: PROJECT.target, PROJECT.env (when variables are shared), then per
// process its .service, its drop-ins, its .timer and the timer's helper service. Fills the
// report. Throws ExportException.
std::vector<ExportFile> export_systemd(ExportContext& ctx);

// A unit-name component: bytes outside [A-Za-z0-9:_.-] (and a leading '.') as \xNN, as
// systemd-escape writes them.
std::string unit_name_escape(std::string_view name);

// One word of ExecStart=: plain when it needs nothing, else double-quoted with `\`, `"` and
// control characters escaped; `%` doubled (specifiers) and `$` doubled (variable expansion).
// The `program` (the first word) is quoted also when it starts with a prefix (`-`, `@`...).
std::string exec_word(std::string_view word, bool program);

// A value of an EnvironmentFile= line: double-quoted, with `\`, `"`, `$` and `` ` `` escaped.
std::string env_file_value(std::string_view value);

}  // namespace bgo::app
