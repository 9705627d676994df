// SPDX-License-Identifier: MIT
// The listening Unix socket: accept, peer-uid check, connection cap, sessions.
#pragma once

#include <memory>

#include <boost/asio/local/stream_protocol.hpp>

#include "common/paths.hpp"
#include "daemon/os/daemon_lock.hpp"

namespace bgo::daemon {

class Dispatcher;
class EventHub;

class ControlServer {
 public:
  static constexpr size_t k_max_connections = 1024;
  // Binds `paths.socket()` (0600) — or uses `inherited_fd` from socket activation. Taking the
  // DaemonLock proves no other bgod owns this home, so a stale socket may be replaced. Throws
  // on failure (before the loop runs).
  ControlServer(boost::asio::io_context& io, const DaemonLock& lock, const Paths& paths,
                Dispatcher& dispatcher, EventHub& hub, int inherited_fd = -1);
  void start();
  void stop();

 private:
  void accept();
  boost::asio::local::stream_protocol::acceptor acceptor_;
  Dispatcher& dispatcher_;
  EventHub& hub_;
};

}  // namespace bgo::daemon
