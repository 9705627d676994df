// SPDX-License-Identifier: MIT
// The two systemd protocols bgod speaks without libsystemd: sd_notify and socket activation.
#pragma once

#include <string>
#include <string_view>

namespace bgo::daemon {

// sd_notify(3): datagrams to the socket named by $NOTIFY_SOCKET (a path, or `@name` for the
// abstract namespace). Without the variable every send is a no-op, so bgod behaves the same
// when started by bgo, by hand or by systemd.
class Notifier {
 public:
  // Takes $NOTIFY_SOCKET and removes it from the environment, so no supervised child inherits
  // it (bgod's environment is the default environment of its children). Call once, early.
  static Notifier from_environment();
  explicit Notifier(std::string socket_path) : path_(std::move(socket_path)) {}

  bool enabled() const { return !path_.empty(); }
  const std::string& path() const { return path_; }  // handed over by a live upgrade
  // Sends `state` (e.g. "READY=1\nSTATUS=…") as one datagram. Failures are ignored: there is
  // nothing useful to do about them (systemd would time the start out).
  void send(std::string_view state) const;

 private:
  std::string path_;
};

// sd_listen_fds(3) for bgod's single socket: when LISTEN_PID is our pid and LISTEN_FDS >= 1,
// returns fd 3 made close-on-exec, after checking that it is a listening AF_UNIX stream socket
// (throws std::runtime_error otherwise: the unit is misconfigured). Extra fds are closed.
// Returns -1 when nothing was passed. Unsets LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES either
// way, so children never see them.
int take_listen_fd();

}  // namespace bgo::daemon
