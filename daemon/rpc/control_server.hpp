// SPDX-License-Identifier: MIT
// The listening Unix socket: accept, peer-uid check, connection cap, sessions.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/paths.hpp"
#include "common/unique_fd.hpp"
#include "daemon/os/daemon_lock.hpp"
#include "daemon/rpc/session.hpp"

namespace bgo::daemon {

class Dispatcher;
class EventHub;

struct ServerLimits {
  // Open connections at most. A connection over the cap is still accepted: the session
  // EventHub::pick_victim() names (the longest-idle one that owes and wants nothing, if any)
  // is closed to make room, so a CLI is never locked out by idle or stuck clients.
  size_t max_connections = 1024;
  SessionLimits session;

  // The defaults, with BGO_MAX_CONNECTIONS (count) and BGO_IDLE_TIMEOUT (seconds, may be
  // fractional) applied when set to a positive number; tests use them to shrink the limits.
  static ServerLimits from_environment();
};

class ControlServer {
 public:
  // Binds `paths.socket()` (0600) — or uses `inherited_fd` from socket activation. Taking the
  // DaemonLock proves no other bgod owns this home, so a stale socket may be replaced. Throws
  // on failure (before the loop runs).
  ControlServer(boost::asio::io_context& io, const DaemonLock& lock, const Paths& paths,
                Dispatcher& dispatcher, EventHub& hub, int inherited_fd = -1,
                ServerLimits limits = ServerLimits::from_environment());
  void start();
  void stop();
  // Live upgrade: stops accepting without closing the socket (clients wait in the backlog), or
  // accepts again; and the listening descriptor to hand over.
  void hold();
  void release();
  int native_handle() { return acceptor_.native_handle(); }

 private:
  void accept();
  void on_accepted(boost::asio::local::stream_protocol::socket socket);
  bool evict_one(const char* why);
  bool accept_with_spare();

  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  Dispatcher& dispatcher_;
  EventHub& hub_;
  ServerLimits limits_;
  // Set by hold(): no accept is armed again until release(). Cancelling the pending accept is
  // not enough, as one may have completed already (its handler queued, or done at once when a
  // client was waiting) and would arm the next.
  bool held_ = false;
  std::chrono::steady_clock::time_point next_refusal_log_{};
  uint64_t refusals_unlogged_ = 0;
  std::chrono::steady_clock::time_point next_spare_log_{};
  // Given up to accept a client when bgod has no other descriptor left, taken again as soon as
  // one is free (the next accept, a closed session).
  SpareFd spare_;
};

}  // namespace bgo::daemon
