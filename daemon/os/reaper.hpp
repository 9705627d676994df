// SPDX-License-Identifier: MIT
// The only caller of wait*(): reaps every exited child and reports its status.
#pragma once

#include <functional>
#include <sys/types.h>

#include "common/exit_status.hpp"

namespace bgo::daemon {

class Reaper {
 public:
  using OnExit = std::function<void(pid_t pid, const ExitStatus& status)>;
  explicit Reaper(OnExit on_exit) : on_exit_(std::move(on_exit)) {}

  // Reaps until waitpid() says nothing more has exited, calling `on_exit` for each pid
  // (children bgod spawned and orphans it inherited as their subreaper alike). Never blocks.
  void on_sigchld();

 private:
  OnExit on_exit_;
};

}  // namespace bgo::daemon
