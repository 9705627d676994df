// SPDX-License-Identifier: MIT
// ExitStatus from a waitpid() status.
#include "common/exit_status.hpp"

#include <cstring>
#include <sys/wait.h>

namespace bgo {

ExitStatus ExitStatus::from_wait_status(int wait_status) {
  if (WIFEXITED(wait_status)) return exited(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return signaled(WTERMSIG(wait_status), WCOREDUMP(wait_status));
  return unknown();
}

std::string ExitStatus::describe() const {
  if (code) return "exit code " + std::to_string(*code);
  if (signal) return "signal " + std::to_string(*signal) + " (" + strsignal(*signal) + ")";
  return "unknown status";
}

}  // namespace bgo
