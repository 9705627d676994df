// SPDX-License-Identifier: MIT
// The imperative shell of `bgo monit`: one poll(2) loop over the terminal, bgod's socket and
// the signals, feeding the Model and drawing its frames.
#pragma once

#include "client/command.hpp"

namespace bgo::client::monit {

// Runs the screen until q, Ctrl-C, SIGTERM or SIGHUP (exit 0), or until the user quits after
// bgod went away (exit 1, said on stderr once the terminal is given back). Connects (starting
// bgod as any command would) before taking over the terminal, so that a failure to connect is
// an ordinary message. Precondition: stdin and stdout are a terminal that can move its cursor.
int run_session(Context& ctx);

}  // namespace bgo::client::monit
