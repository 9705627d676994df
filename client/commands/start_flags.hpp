// SPDX-License-Identifier: MIT
// The health and order flags of `bgo start` (issue #14, docs/health.md): declared, checked and
// turned into `start` params before anything is sent.
#pragma once

#include <chrono>

#include <boost/json/object.hpp>

#include "client/arg_parser.hpp"

namespace bgo::client {

// Declares on `spec` every flag of docs/health.md's table, with its help text, and adds the
// syntax of their values to the description.
void add_health_options(CommandLine& spec);

// The `start` params of docs/health.md for the flags given in `args` (parsed with a spec that
// add_health_options() prepared): only the keys of flags given, so a start without them sends
// what it always sent. A check (`ready`, `live`) is sent whole, with the defaults of the flags
// not given (ready: interval 1 s, timeout 60 s; live: interval 10 s, 3 failures, one attempt
// at most min(interval, 5 s)). `has_command` is false for `bgo start NAME` without a command,
// which restarts a registered process as recorded and so takes none of these flags. `now` is
// the time a --cron schedule must match after (within five years).
// Throws UsageError naming the flag and the value: a malformed duration, signal, URL,
// HOST:PORT, command, regex (std::regex, ECMAScript), cron expression, size, name or exit
// code; a value out of range; a readiness or liveness flag given twice; a flag that needs
// another one (--watchdog without --ready-notify, --ready-interval without an http, tcp or
// exec check, ...); `--restart never` with -w/--watch.
boost::json::object health_params(const Args& args, bool has_command,
                                  std::chrono::system_clock::time_point now);

}  // namespace bgo::client
