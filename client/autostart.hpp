// SPDX-License-Identifier: MIT
// Connect to bgod, starting it when none answers (unless auto-start is off).
#pragma once

#include "client/rpc_client.hpp"
#include "common/paths.hpp"

namespace bgo::client {

enum class Autostart { yes, no };

// 1. connect; 2. on any error but "no daemon" (ENOENT/ECONNREFUSED) report and stop, likewise
// when `autostart` is no; 3. flock(autostart.lock) and connect again (another client may have
// won the race); 4. spawn `bgod --foreground` detached in its own session with stdio on
// bgod.log; 5. retry the connection at 10 ms doubling up to a 5 s deadline.
// A no-daemon failure satisfies daemon_absent().
Result<Connection> connect_or_start(const Paths& paths, Autostart autostart);

// Whether auto-start is allowed by the environment (BGO_NO_AUTOSTART unset, empty or "0").
bool autostart_allowed();

}  // namespace bgo::client
