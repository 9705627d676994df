// SPDX-License-Identifier: MIT
// Session.
#include "daemon/rpc/session.hpp"

#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "daemon/rpc/dispatcher.hpp"
#include "proto/error_codes.hpp"
#include "proto/jsonrpc.hpp"

namespace bgo::daemon {

Session::Session(boost::asio::local::stream_protocol::socket socket, Dispatcher& dispatcher,
                 std::function<void(Session*)> on_closed)
    : socket_(std::move(socket)),
      idle_(socket_.get_executor()),
      dispatcher_(dispatcher),
      on_closed_(std::move(on_closed)) {
  last_active = std::chrono::steady_clock::now();
}

void Session::start() {
  arm_idle();
  read();
}

void Session::arm_idle() {
  idle_.expires_after(k_idle_timeout);
  idle_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->closed_) return;
    const bool busy = self->events || !self->follows.empty() || self->in_flight_ > 0;
    if (!busy && std::chrono::steady_clock::now() - self->last_active >= k_idle_timeout) {
      return self->close();
    }
    self->arm_idle();
  });
}

void Session::read() {
  socket_.async_read_some(
      boost::asio::buffer(buffer_),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
        if (self->closed_) return;
        if (ec) return self->close();
        self->last_active = std::chrono::steady_clock::now();
        self->decoder_.feed(std::string_view(self->buffer_.data(), n));
        while (auto line = self->decoder_.next_line()) {
          if (line->find_first_not_of(" \t\r") == std::string::npos) continue;
          self->dispatcher_.handle_line(*line, self);
          if (self->closed_) return;
        }
        if (self->decoder_.overflowed()) {
          // The stream cannot be re-synchronised: answer, then hang up once it is written.
          self->send(proto::error_line(
              nullptr,
              proto::RpcError{proto::k_invalid_request, "request line exceeds 1 MiB", nullptr}));
          self->close();
          return;
        }
        self->read();
      });
}

void Session::send(std::string line) {
  if (closed_) return;
  if (queued_bytes_ + line.size() > k_max_queued_bytes) {
    spdlog::warn("client too slow to read ({} bytes queued): disconnected", queued_bytes_);
    // Cut it off now: closing the socket aborts the pending write, whose handler then
    // clears the queue. Waiting for that write to finish is what a slow reader never does.
    closed_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (!writing_) close();
    return;
  }
  queued_bytes_ += line.size();
  queue_.push_back(std::move(line));
  if (!writing_) write();
}

void Session::write() {
  if (queue_.empty()) {
    writing_ = false;
    if (closed_) close();
    return;
  }
  writing_ = true;
  boost::asio::async_write(
      socket_, boost::asio::buffer(queue_.front()),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
        self->queued_bytes_ -= self->queue_.front().size();
        self->queue_.pop_front();
        if (ec) {
          self->queue_.clear();
          self->queued_bytes_ = 0;
          self->writing_ = false;
          return self->close();
        }
        self->write();
      });
}

void Session::close() {
  closed_ = true;
  // Graceful: the queued lines (e.g. an error reply) go out first; write() calls close() again.
  if (writing_ && socket_.is_open()) return;
  boost::system::error_code ignored;
  if (socket_.is_open()) {
    socket_.shutdown(boost::asio::socket_base::shutdown_both, ignored);
    socket_.close(ignored);
  }
  idle_.cancel();
  if (!released_) {
    released_ = true;
    if (on_closed_) on_closed_(this);
  }
}

}  // namespace bgo::daemon
