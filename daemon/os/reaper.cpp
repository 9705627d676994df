// SPDX-License-Identifier: MIT
// Reaper.
#include "daemon/os/reaper.hpp"

#include <cerrno>
#include <cstring>
#include <sys/wait.h>

#include <spdlog/spdlog.h>

namespace bgo::daemon {

// SIGCHLD is coalesced: several exits may arrive as one signal, so reap until waitpid()
// says nothing more has exited. This is the only wait*() in bgod.
void Reaper::on_sigchld() {
  for (;;) {
    int wait_status = 0;
    const pid_t pid = ::waitpid(-1, &wait_status, WNOHANG);
    if (pid == 0) break;  // children remain, none exited
    if (pid < 0) {
      if (errno == EINTR) continue;
      if (errno != ECHILD) spdlog::error("waitpid: {}", std::strerror(errno));
      break;
    }
    on_exit_(pid, ExitStatus::from_wait_status(wait_status));
  }
}

}  // namespace bgo::daemon
