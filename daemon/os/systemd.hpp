// SPDX-License-Identifier: MIT
// The two systemd protocols bgod speaks without libsystemd: sd_notify and socket activation.
#pragma once

#include <string_view>

namespace bgo::daemon {

// Sends `state` (e.g. "READY=1\nSTATUS=…") to $NOTIFY_SOCKET; a no-op when it is unset.
void sd_notify(std::string_view state);

// The listening socket passed by systemd (LISTEN_PID == getpid(), LISTEN_FDS >= 1): fd 3, made
// close-on-exec; -1 when there is none. Unsets the LISTEN_* variables either way.
int take_listen_fd();

}  // namespace bgo::daemon
