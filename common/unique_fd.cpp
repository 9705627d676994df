// SPDX-License-Identifier: MIT
// UniqueFd and the descriptor factories.
#include "common/unique_fd.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace bgo {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);  // close errors are not actionable here
  fd_ = fd;
}

std::string errno_message(std::string_view what, int err) {
  return std::string(what) + ": " + std::strerror(err);
}

bool SpareFd::refill() {
  if (!fd_) fd_ = UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  return static_cast<bool>(fd_);
}

Result<UniqueFd> open_fd(const std::filesystem::path& path, int flags, int mode) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) {
    const int err = errno;
    return errno_error(Errc::io_error, errno_message(path.string(), err), err);
  }
  return UniqueFd(fd);
}

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    const int err = errno;
    return errno_error(Errc::io_error, errno_message("pipe2", err), err);
  }
  Pipe pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
  // A new pipe's status flags are its access mode alone, which F_SETFL leaves as it is: no
  // F_GETFL needed (a restart waits for every syscall here).
  ::fcntl(pipe.read.get(), F_SETFL, O_NONBLOCK);
  return pipe;
}

}  // namespace bgo
