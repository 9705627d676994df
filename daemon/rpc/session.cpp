// SPDX-License-Identifier: MIT
// Session.
#include "daemon/rpc/session.hpp"

#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/object.hpp>
#include <spdlog/spdlog.h>

#include "daemon/rpc/dispatcher.hpp"
#include "proto/error_codes.hpp"
#include "proto/jsonrpc.hpp"

namespace bgo::daemon {

namespace {
// One async_write takes at most this much of the queue, so many small responses cost one
// syscall instead of one each.
constexpr size_t k_gather_lines = 64;
constexpr size_t k_gather_bytes = size_t{256} * 1024;
}  // namespace

Session::Session(boost::asio::local::stream_protocol::socket socket, Dispatcher& dispatcher,
                 SessionLimits limits, std::function<void(Session*)> on_closed)
    : socket_(std::move(socket)),
      idle_(socket_.get_executor()),
      dispatcher_(dispatcher),
      limits_(limits),
      on_closed_(std::move(on_closed)),
      decoder_(limits.max_line_bytes),
      last_active_(std::chrono::steady_clock::now()) {}

void Session::start() {
  arm_idle(last_active_ + limits_.idle_timeout);
  read();
}

// ---- reading ---------------------------------------------------------------------------------

void Session::read() {
  if (state_ != State::open || reading_ || paused_ || held_) return;
  reading_ = true;
  socket_.async_read_some(
      boost::asio::buffer(buffer_),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
        self->reading_ = false;
        if (self->state_ == State::closed) return;
        if (ec == boost::asio::error::eof) {
          // The peer may have only shut down its sending side: answer what it asked, then
          // close (a subscriber keeps receiving until a write fails).
          self->state_ = State::draining;
          return self->finish_if_done();
        }
        if (ec) return self->close();
        self->on_read(n);
      });
}

void Session::on_read(size_t n) {
  last_active_ = std::chrono::steady_clock::now();
  decoder_.feed(std::string_view(buffer_.data(), n));
  handle_lines();
  read();
}

void Session::handle_lines() {  // NOLINT(misc-no-recursion): async, see write()
  while (state_ == State::open && !held_) {
    if (over_bound()) {
      // The client sends requests faster than it reads responses: stop reading (the kernel
      // buffer then pushes back on it) until half the queue has been written.
      paused_ = true;
      return;
    }
    auto line = decoder_.next_line();
    if (!line) break;
    if (line->find_first_not_of(" \t\r") == std::string::npos) continue;
    ++in_flight_;
    dispatcher_.handle_line(*line, shared_from_this(),
                            [self = shared_from_this()](std::string text) {
                              --self->in_flight_;
                              if (!text.empty()) {
                                self->respond(std::move(text));
                              } else {
                                self->finish_if_done();
                              }
                              if (self->on_progress_) self->on_progress_();
                            });
  }
  if (state_ == State::open && decoder_.overflowed()) {
    // The stream cannot be re-synchronised: answer, then hang up once that is written.
    state_ = State::draining;
    close_on_flush_ = true;
    respond(proto::error_line(
        nullptr, proto::protocol_error(proto::k_invalid_request,
                                       "invalid request: line exceeds " +
                                           std::to_string(limits_.max_line_bytes) +
                                           " bytes; closing the connection",
                                       boost::json::object{{"limit", limits_.max_line_bytes}})));
  }
}

// ---- writing ---------------------------------------------------------------------------------

void Session::send(std::string line) {
  if (state_ == State::closed || close_on_flush_) return;
  if (queued_bytes_ + line.size() > limits_.max_queued_bytes) {
    spdlog::warn("client too slow to read ({} bytes queued): disconnected", queued_bytes_);
    return close();
  }
  queued_bytes_ += line.size();
  queue_.push_back(std::move(line));
  // Written once the current handler returns: a notification is raised in the middle of
  // other work (a reap, a restart), and that work goes first. The lines of one turn leave in
  // one write, in the order they were queued (a response queued behind them goes after).
  if (flush_posted_ || writing_count_ > 0) return;
  flush_posted_ = true;
  boost::asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->write();
  });
}

void Session::respond(std::string line) {  // NOLINT(misc-no-recursion): async, see write()
  if (state_ == State::closed) return;
  queued_bytes_ += line.size();
  queue_.push_back(std::move(line));
  write();
}

// handle_lines -> respond -> write -> async_write's handler -> handle_lines is a cycle in the
// call graph only: the handler runs later from the io_context, never inside write().
void Session::write() {  // NOLINT(misc-no-recursion): see above
  if (writing_count_ > 0 || state_ == State::closed) return;
  if (queue_.empty()) return finish_if_done();
  std::vector<boost::asio::const_buffer> buffers;
  size_t bytes = 0;
  for (const auto& line : queue_) {
    if (buffers.size() == k_gather_lines || (bytes > 0 && bytes + line.size() > k_gather_bytes))
      break;
    buffers.push_back(boost::asio::buffer(line));
    bytes += line.size();
  }
  writing_count_ = buffers.size();
  // deque::push_back never moves existing elements, so the buffers stay valid while more
  // lines are queued behind them.
  boost::asio::async_write(
      socket_, buffers,
      // NOLINTNEXTLINE(misc-no-recursion): runs from the io_context, see above
      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
        for (size_t i = 0; i < self->writing_count_; ++i) {
          self->queued_bytes_ -= self->queue_.front().size();
          self->queue_.pop_front();
        }
        self->writing_count_ = 0;
        if (self->state_ == State::closed) {
          self->queue_.clear();
          self->queued_bytes_ = 0;
          return;
        }
        if (ec) return self->close();
        self->last_active_ = std::chrono::steady_clock::now();
        if (self->on_progress_) self->on_progress_();
        if (self->paused_ && self->queued_bytes_ <= self->limits_.max_queued_bytes / 2) {
          self->paused_ = false;
          self->handle_lines();
          self->read();
        }
        self->write();
      });
}

void Session::hold(bool held) {
  held_ = held;
  if (held_ || state_ != State::open) return;
  handle_lines();
  read();
}

// ---- ending ----------------------------------------------------------------------------------

void Session::finish_if_done() {
  if (state_ != State::draining || writing_count_ > 0 || !queue_.empty()) return;
  if (close_on_flush_ || (in_flight_ == 0 && !subscribed())) close();
}

void Session::close() {
  if (state_ == State::closed) return;
  state_ = State::closed;
  boost::system::error_code ignored;
  socket_.shutdown(boost::asio::socket_base::shutdown_both, ignored);
  socket_.close(ignored);  // pending reads and writes complete with operation_aborted
  idle_.cancel();
  if (writing_count_ == 0) {
    queue_.clear();
    queued_bytes_ = 0;
  }
  if (on_closed_) {
    boost::asio::post(socket_.get_executor(),
                      [self = shared_from_this(), cb = std::move(on_closed_)] { cb(self.get()); });
    on_closed_ = nullptr;
  }
}

// ---- idleness --------------------------------------------------------------------------------

void Session::arm_idle(std::chrono::steady_clock::time_point deadline) {
  idle_.expires_at(deadline);
  idle_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->on_idle_timer();
  });
}

void Session::on_idle_timer() {
  if (state_ == State::closed) return;
  const auto now = std::chrono::steady_clock::now();
  // Waiting for our own answer, or a quiet subscriber: not the client's idleness.
  if (in_flight_ > 0 || (subscribed() && queue_.empty())) {
    return arm_idle(now + limits_.idle_timeout);
  }
  if (now - last_active_ >= limits_.idle_timeout) {
    spdlog::info("closing a connection idle for {} ms",
                 std::chrono::duration_cast<std::chrono::milliseconds>(now - last_active_).count());
    return close();
  }
  arm_idle(last_active_ + limits_.idle_timeout);
}

}  // namespace bgo::daemon
