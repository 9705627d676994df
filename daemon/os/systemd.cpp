// SPDX-License-Identifier: MIT
// Notifier and take_listen_fd().
#include "daemon/os/systemd.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/unique_fd.hpp"

namespace bgo::daemon {

namespace {

constexpr int k_listen_fds_start = 3;  // SD_LISTEN_FDS_START

// Parses a whole decimal number; -1 for anything else (so "12x" never matches a pid).
long parse_number(const char* text) {
  if (text == nullptr || *text == '\0') return -1;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text, &end, 10);
  return (errno != 0 || *end != '\0' || v < 0) ? -1 : v;
}

int socket_option(int fd, int option) {
  int value = 0;
  socklen_t len = sizeof value;
  return ::getsockopt(fd, SOL_SOCKET, option, &value, &len) == 0 ? value : -1;
}

}  // namespace

Notifier Notifier::from_environment() {
  const char* path = std::getenv("NOTIFY_SOCKET");
  std::string taken = path != nullptr ? path : "";
  ::unsetenv("NOTIFY_SOCKET");
  if (taken.empty() || (taken[0] != '/' && taken[0] != '@')) taken.clear();
  return Notifier(std::move(taken));
}

void Notifier::send(std::string_view state) const {
  if (path_.empty()) return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof addr.sun_path) return;
  std::memcpy(addr.sun_path, path_.data(), path_.size());
  if (path_[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) return;
  const auto addr_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_.size());
  // One datagram; a failure is not actionable (see the header).
  (void)::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL,
                 reinterpret_cast<const sockaddr*>(&addr), addr_len);
}

int take_listen_fd() {
  const long pid = parse_number(std::getenv("LISTEN_PID"));
  const long count = parse_number(std::getenv("LISTEN_FDS"));
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_FDNAMES");
  if (pid != ::getpid() || count < 1) return -1;
  // The passed fds arrive without FD_CLOEXEC; make every one close-on-exec at once so none
  // leaks into a child even if we throw below.
  for (long i = 0; i < count; ++i) {
    ::fcntl(k_listen_fds_start + static_cast<int>(i), F_SETFD, FD_CLOEXEC);
  }
  // bgod listens on one socket; more means a unit with several Listen*= lines. Use the first.
  for (long i = 1; i < count; ++i) ::close(k_listen_fds_start + static_cast<int>(i));
  const int fd = k_listen_fds_start;
  if (socket_option(fd, SO_DOMAIN) != AF_UNIX || socket_option(fd, SO_TYPE) != SOCK_STREAM ||
      socket_option(fd, SO_ACCEPTCONN) != 1) {
    ::close(fd);
    throw std::runtime_error(
        "the socket passed by systemd (LISTEN_FDS) is not a listening Unix stream socket; "
        "bgod.socket needs ListenStream=<path>");
  }
  return fd;
}

}  // namespace bgo::daemon
