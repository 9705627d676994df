// SPDX-License-Identifier: MIT
// The "waiting for api to exit (SIGKILL in 5s)…" line of stop, restart and delete (issue #13.9).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "client/command.hpp"

namespace bgo::client {

// How long bgod waits between the stop signal and SIGKILL when it stops `name`: zero with
// `force`, `timeout` when given, else the process's own `--stop-timeout` (`get` says it in
// `settings.stop_timeout_ms`), else bgod's (its `--stop-timeout`, which daemon.status reports).
// nullopt when bgod does not say (an older bgod) or asking it failed. Asks bgod only when
// stderr is a terminal: nobody else sees the countdown.
std::optional<std::chrono::milliseconds> stop_grace(
    Context& ctx, Connection& conn, bool force, std::optional<std::chrono::milliseconds> timeout,
    const std::string& name);

// The waiting line: "waiting for NAME to exit (SIGKILL in Ns)…" while `left` (rounded up to
// whole seconds) is positive, "(SIGKILL sent)" after, and without the parenthesis when there is
// no countdown (`left` nullopt).
std::string exit_wait_text(std::string_view name, std::optional<std::chrono::milliseconds> left);

// Sends `method` with `params` (a stop, restart or delete of `name`) on `conn` and returns the
// reply, as Connection::call does. When stderr is a terminal and no reply has come after
// 0.5 s, one line there says what bgod is waiting for, counted down each second from `grace`
// (nullopt: no countdown), and is erased when the reply comes, so that nothing of it stays.
// Waiting is poll(2) on the socket with a timeout: a timer for a known deadline.
Result<boost::json::value> call_awaiting_exit(Context& ctx, Connection& conn,
                                              std::string_view method,
                                              const boost::json::value& params,
                                              std::string_view name,
                                              std::optional<std::chrono::milliseconds> grace);

}  // namespace bgo::client
