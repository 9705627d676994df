// SPDX-License-Identifier: MIT
// How a process ended: exit code, signal, or unknown (an adopted process is not our child).
#pragma once

#include <optional>
#include <string>

namespace bgo {

struct ExitStatus {
  std::optional<int> code;    // set when it called exit()
  std::optional<int> signal;  // set when a signal killed it
  bool core_dumped = false;

  static ExitStatus exited(int code) { return ExitStatus{code, std::nullopt, false}; }
  static ExitStatus signaled(int sig, bool core = false) {
    return ExitStatus{std::nullopt, sig, core};
  }
  static ExitStatus unknown() { return ExitStatus{}; }
  static ExitStatus from_wait_status(int wait_status);

  // "exit code 3", "signal 9 (Killed)", "unknown status"
  std::string describe() const;
};

}  // namespace bgo
