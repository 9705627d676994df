// SPDX-License-Identifier: MIT
// One client connection: bounded line reads, a bounded write queue, subscriptions.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include "proto/framing.hpp"

namespace bgo::daemon {

class Dispatcher;

class Session : public std::enable_shared_from_this<Session> {
 public:
  static constexpr size_t k_max_queued_bytes = 8 * 1024 * 1024;
  static constexpr std::chrono::seconds k_idle_timeout{600};

  Session(boost::asio::local::stream_protocol::socket socket, Dispatcher& dispatcher,
          std::function<void(Session*)> on_closed);
  void start();
  // Queues one line. A subscriber whose queue is full is disconnected, never waited for.
  void send(std::string line);
  void close();
  bool closed() const { return closed_; }

  bool events = false;            // subscribed to process events
  std::set<std::string> follows;  // names whose output this client follows
  std::chrono::steady_clock::time_point last_active;

 private:
  void read();
  void write();
  void arm_idle();

  boost::asio::local::stream_protocol::socket socket_;
  boost::asio::steady_timer idle_;
  Dispatcher& dispatcher_;
  std::function<void(Session*)> on_closed_;
  proto::LineDecoder decoder_;
  std::array<char, 64 * 1024> buffer_{};
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  bool released_ = false;  // on_closed_ has run
  size_t in_flight_ = 0;   // requests not yet answered (a busy session is not idle)
  friend class Dispatcher;
};

}  // namespace bgo::daemon
