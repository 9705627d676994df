// SPDX-License-Identifier: MIT
// Proof of being the one bgod of a home: flock on bgod.lock held for life, pid in bgod.pid.
#pragma once

#include <optional>

#include "common/paths.hpp"
#include "common/unique_fd.hpp"

namespace bgo::daemon {

class DaemonLock {
 public:
  // Takes the lock without waiting. nullopt (with `holder` set when known) if another bgod
  // holds it; throws on I/O errors.
  static std::optional<DaemonLock> try_acquire(const Paths& paths);
  // Live upgrade: the lock the previous image held, as the descriptor it handed over.
  static DaemonLock adopt(const Paths& paths, UniqueFd fd) { return {paths, std::move(fd)}; }
  int fd() const { return fd_.get(); }
  DaemonLock(DaemonLock&&) = default;
  DaemonLock& operator=(DaemonLock&&) = default;
  ~DaemonLock();
  void write_pid_file() const;

 private:
  DaemonLock(Paths paths, UniqueFd fd) : paths_(std::move(paths)), fd_(std::move(fd)) {}
  Paths paths_;
  UniqueFd fd_;
};

}  // namespace bgo::daemon
