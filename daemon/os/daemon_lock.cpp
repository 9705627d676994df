// SPDX-License-Identifier: MIT
// DaemonLock.
#include "daemon/os/daemon_lock.hpp"

#include <fcntl.h>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

#include "common/atomic_file.hpp"

namespace bgo::daemon {

std::optional<DaemonLock> DaemonLock::try_acquire(const Paths& paths) {
  auto fd = open_fd(paths.lock(), O_RDWR | O_CREAT, 0600);
  if (!fd) throw std::runtime_error(fd.error().message);
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) return std::nullopt;
  return DaemonLock(paths, std::move(*fd));
}

DaemonLock::~DaemonLock() {
  if (fd_) ::unlink(paths_.pid_file().c_str());
}

void DaemonLock::write_pid_file() const {
  (void)write_file_atomically(paths_.pid_file(),
                              std::to_string(::getpid()) + "\n");  // advisory only
}

}  // namespace bgo::daemon
