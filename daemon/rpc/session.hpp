// SPDX-License-Identifier: MIT
// One client connection: bounded line reads, a bounded write queue, subscriptions.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/rpc/follow_set.hpp"
#include "proto/framing.hpp"

namespace bgo::daemon {

class Dispatcher;

struct SessionLimits {
  // Bytes a connection may have waiting to be written. A notification that would exceed it
  // cuts the connection off; responses never do, but reading further requests pauses until
  // the queue is back under half of it.
  size_t max_queued_bytes = size_t{8} * 1024 * 1024;
  // A connection that has not moved a byte either way for this long is closed, unless it
  // waits for a response or is subscribed/following with nothing left to write.
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};
  size_t max_line_bytes = proto::k_max_frame_bytes;
};

// All members run on the daemon's single thread. The session keeps itself alive while any
// I/O, timer or request of its own is pending; `on_closed` is posted (never called from
// inside send()/close()), so a caller iterating over sessions may close them freely.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::local::stream_protocol::socket socket, Dispatcher& dispatcher,
          SessionLimits limits, std::function<void(Session*)> on_closed);
  void start();
  // Queues a notification, written after the current handler. A client too slow to take it
  // (the queue would exceed max_queued_bytes) is disconnected at once and its queue dropped:
  // bgod never waits.
  void send(std::string line);
  // Queues a response line: never dropped while the connection is open.
  void respond(std::string line);
  // Closes now: pending output is dropped.
  void close();
  // A live upgrade: while held, no further request is read or started (what was started still
  // gets its answer). `on_progress` runs after each answered request and each completed write.
  void hold(bool held);
  void set_progress_listener(std::function<void()> on_progress) {
    on_progress_ = std::move(on_progress);
  }
  bool closed() const { return state_ == State::closed; }

  bool events = false;  // subscribed to process events
  FollowSet follows;    // the processes whose output this client follows
  bool subscribed() const { return events || !follows.empty(); }
  size_t in_flight() const { return in_flight_; }
  size_t queued_bytes() const { return queued_bytes_; }
  // The last time a byte moved in either direction (or the connection was opened).
  std::chrono::steady_clock::time_point last_active() const { return last_active_; }

 private:
  enum class State {
    open,      // reading requests
    draining,  // no more reads (peer EOF or an oversized line); close when nothing is owed
    closed,
  };
  void read();
  void on_read(size_t n);
  void handle_lines();
  void write();
  void arm_idle(std::chrono::steady_clock::time_point deadline);
  void on_idle_timer();
  void finish_if_done();
  bool over_bound() const { return queued_bytes_ > limits_.max_queued_bytes; }

  boost::asio::local::stream_protocol::socket socket_;
  boost::asio::steady_timer idle_;
  Dispatcher& dispatcher_;
  SessionLimits limits_;
  std::function<void(Session*)> on_closed_;
  proto::LineDecoder decoder_;
  std::array<char, std::size_t{64} * 1024> buffer_{};
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  size_t writing_count_ = 0;   // lines of queue_ handed to the current async_write
  bool flush_posted_ = false;  // a write of the notifications queued this turn is posted
  bool reading_ = false;
  bool paused_ = false;  // over the bound: lines wait in decoder_
  bool held_ = false;    // a live upgrade is under way: lines wait in decoder_
  std::function<void()> on_progress_;
  bool close_on_flush_ = false;  // an oversized line: close once the error is written
  State state_ = State::open;
  size_t in_flight_ = 0;  // request lines not yet answered
  std::chrono::steady_clock::time_point last_active_;
};

}  // namespace bgo::daemon
