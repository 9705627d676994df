// SPDX-License-Identifier: MIT
// PipeKeeper (bgod side) and run_pipe_keeper() (the helper process).
#include "daemon/os/pipe_keeper.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/spawn_attr.hpp"

namespace bgo::daemon {

namespace {

constexpr int k_keeper_socket = 3;  // where the keeper finds its end of the socket pair
constexpr size_t k_max_fds_per_message = 8;

}  // namespace

bool PipeKeeper::start() {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    spdlog::warn("pipe keeper: socketpair: {}", std::strerror(errno));
    return false;
  }
  UniqueFd ours(pair[0]), theirs(pair[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  // stderr stays bgod's (its log). dup2 clears O_CLOEXEC on fd 3, even when it is already 3.
  posix_spawn_file_actions_adddup2(&actions, theirs.get(), k_keeper_socket);
  posix_spawn_file_actions_addclosefrom_np(&actions, k_keeper_socket + 1);
  posix_spawn_file_actions_addchdir_np(&actions, "/");
  // Its own session: a terminal's hang-up or Ctrl-C aimed at bgod's never reaches it.
  const CleanSpawnAttr attr;
  // /proc/self/exe is this very binary, even after an upgrade replaced the file on disk.
  char* argv[] = {const_cast<char*>("bgod"), const_cast<char*>("--keep-pipes"), nullptr};
  std::string home_var = "BGO_HOME=" + home_;
  char* envp[] = {home_.empty() ? nullptr : home_var.data(), nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, "/proc/self/exe", &actions, attr.get(), argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    spdlog::warn("pipe keeper: cannot start: {}", std::strerror(rc));
    return false;
  }
  const int flags = ::fcntl(ours.get(), F_GETFL);
  ::fcntl(ours.get(), F_SETFL, flags | O_NONBLOCK);
  socket_ = std::move(ours);
  pid_ = pid;
  spdlog::info("pipe keeper started (pid {})", pid);
  return true;
}

bool PipeKeeper::send(std::initializer_list<int> fds) {
  std::vector<int> list;
  for (int fd : fds) {
    if (fd >= 0 && list.size() < k_max_fds_per_message) list.push_back(fd);
  }
  if (list.empty()) return true;
  char byte = 'k';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * k_max_fds_per_message)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = CMSG_SPACE(sizeof(int) * list.size());
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int) * list.size());
  std::memcpy(CMSG_DATA(cmsg), list.data(), sizeof(int) * list.size());
  // The references travel with the message: closing ours later does not close the keeper's.
  for (;;) {
    if (::sendmsg(socket_.get(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) return true;
    if (errno != EINTR) return false;
  }
}

void PipeKeeper::recheck() { tell('r'); }

void PipeKeeper::let_go() { tell('q'); }

void PipeKeeper::tell(char byte) {
  if (!socket_) return;
  // Best effort: a full socket means the keeper has messages to read, and rechecks after them.
  while (::send(socket_.get(), &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

void PipeKeeper::keep(std::initializer_list<int> fds) {
  if (!socket_ && !start()) return;
  if (send(fds)) return;
  const int err = errno;
  // The keeper died (someone killed it): start another for this and later children.
  if (err == EPIPE || err == ECONNRESET || err == ENOTCONN) {
    spdlog::warn("pipe keeper (pid {}) is gone; starting another", pid_);
    socket_.reset();
    if (start() && send(fds)) return;
  }
  if (!warned_) {
    spdlog::warn(
        "pipe keeper: cannot hand over pipes: {}; a child that writes while no bgod "
        "runs may get SIGPIPE",
        std::strerror(err));
    warned_ = true;
  }
}

namespace {

void on_recheck_signal(int /*sig*/) {}  // only interrupts ppoll()

volatile sig_atomic_t g_release = 0;
void on_release_signal(int /*sig*/) { g_release = 1; }

// Closes the hung-up pipes in `held` that are empty now: the next bgod (or this keeper's own
// bgod, through its log) has taken what they held.
void close_drained(std::vector<int>& held) {
  std::erase_if(held, [](int fd) {
    int left = 0;
    if (::ioctl(fd, FIONREAD, &left) == 0 && left > 0) return false;
    ::close(fd);
    return true;
  });
}

}  // namespace

int run_pipe_keeper() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
  // k_recheck_signal is blocked except inside ppoll(), so one sent at any moment is seen.
  sigset_t recheck;
  sigemptyset(&recheck);
  sigaddset(&recheck, k_recheck_signal);
  sigaddset(&recheck, k_release_signal);
  ::sigprocmask(SIG_BLOCK, &recheck, nullptr);
  struct sigaction action {};
  action.sa_handler = on_recheck_signal;
  ::sigaction(k_recheck_signal, &action, nullptr);
  action.sa_handler = on_release_signal;
  ::sigaction(k_release_signal, &action, nullptr);
  sigset_t during_poll;
  ::sigprocmask(SIG_SETMASK, nullptr, &during_poll);
  sigdelset(&during_poll, k_recheck_signal);
  sigdelset(&during_poll, k_release_signal);
  // [0] is bgod's socket (fd -1 once bgod has gone: poll skips it); the rest are held pipes,
  // watched for nothing but hang-up/error (events = 0), so pending output never wakes us.
  std::vector<pollfd> fds{{k_keeper_socket, POLLIN, 0}};
  // Pipes whose writers are gone but that still hold output nobody read: out of the poll set
  // (a hung-up pipe reports POLLHUP forever), kept until they are found empty.
  std::vector<int> held;
  bool released = false;  // bgod stopped cleanly: nothing is held for a later bgod any more
  for (;;) {
    if (fds[0].fd < 0 && fds.size() == 1 && held.empty()) return 0;
    if (::ppoll(fds.data(), fds.size(), nullptr, &during_poll) < 0) {
      if (errno != EINTR) return 1;
      if (g_release != 0) {  // a later bgod of our home has taken all it could
        for (const int fd : held) ::close(fd);
        held.clear();
        g_release = 0;
      }
      close_drained(held);  // a later bgod drained some of them and says so
      continue;
    }
    for (size_t i = fds.size(); i-- > 1;) {
      if (fds[i].revents == 0) continue;
      // Every writer is gone. What is still in the pipe waits for a reader: a bgod that dies
      // before it read it leaves it to the next one (docs/reliability.md).
      int left = 0;
      if (!released && ::ioctl(fds[i].fd, FIONREAD, &left) == 0 && left > 0) {
        held.push_back(fds[i].fd);
      } else {
        ::close(fds[i].fd);
      }
      fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(i));
    }
    if (fds[0].fd < 0 || fds[0].revents == 0) continue;
    // Take every queued message before looking at a hang-up: bgod may send and then exit.
    for (;;) {
      char byte = 0;
      iovec iov{&byte, 1};
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * k_max_fds_per_message)] = {};
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      const ssize_t n = ::recvmsg(fds[0].fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n <= 0) {  // bgod has gone: hold what we have until its writers are gone too
        ::close(fds[0].fd);
        fds[0].fd = -1;
        break;
      }
      if (byte == 'q') {  // bgod stops cleanly: nobody will read what is left
        for (const int fd : held) ::close(fd);
        held.clear();
        released = true;
      }
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t k = 0; k < count; ++k) {
          int fd = -1;
          std::memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof fd);
          fds.push_back(pollfd{fd, 0, 0});
        }
      }
    }
    // bgod read some pipes to their end (a 'r' message), or has gone: let go of what is empty.
    close_drained(held);
  }
}

}  // namespace bgo::daemon
