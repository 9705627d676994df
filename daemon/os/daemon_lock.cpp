// SPDX-License-Identifier: MIT
// DaemonLock.
#include "daemon/os/daemon_lock.hpp"

#include <fcntl.h>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

#include "common/atomic_file.hpp"
#include "common/home_dir.hpp"

namespace bgo::daemon {

std::optional<DaemonLock> DaemonLock::try_acquire(const Paths& paths) {
  // Never through a symlink, and only a regular file of ours: a planted bgod.lock would
  // otherwise make bgod create or lock a file elsewhere.
  auto fd = open_home_file(paths.lock(), O_RDWR | O_CREAT, 0600, OtherWrite::refuse);
  if (!fd) throw std::runtime_error(fd.error().message);
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) return std::nullopt;
  return DaemonLock(paths, std::move(*fd));
}

DaemonLock::~DaemonLock() {
  if (fd_) ::unlink(paths_.pid_file().c_str());
}

void DaemonLock::write_pid_file() const {
  // Advisory only: a failure is not worth stopping for. Written inside the checked home so a
  // symlink planted as bgod.pid is replaced, not followed.
  auto home = open_trusted_dir(paths_.home());
  if (!home) return;
  (void)write_file_atomically_at(home->get(), paths_.pid_file().filename().string(),
                                 std::to_string(::getpid()) + "\n");
}

}  // namespace bgo::daemon
