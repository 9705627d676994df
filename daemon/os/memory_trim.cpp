// SPDX-License-Identifier: MIT
// MemoryTrim: malloc_trim(0) on one timer, after a burst of work.
#include "daemon/os/memory_trim.hpp"

#include <malloc.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

namespace bgo::daemon {

struct MemoryTrim::Impl {
  explicit Impl(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
};

MemoryTrim::MemoryTrim(boost::asio::io_context& io, std::chrono::steady_clock::duration quiet)
    : impl_(std::make_unique<Impl>(io)), quiet_(quiet) {}

MemoryTrim::~MemoryTrim() = default;

void MemoryTrim::note_activity() {
  last_activity_ = std::chrono::steady_clock::now();
  // Already armed: it fires early and moves itself on; no timer operation per request.
  if (!armed_) arm(last_activity_ + quiet_);
}

void MemoryTrim::arm(std::chrono::steady_clock::time_point at) {
  armed_ = true;
  impl_->timer.expires_at(at);
  impl_->timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the daemon is going away
    on_timer();
  });
}

void MemoryTrim::on_timer() {
  const auto due = last_activity_ + quiet_;
  if (std::chrono::steady_clock::now() < due) return arm(due);
  armed_ = false;
  const auto began = std::chrono::steady_clock::now();
  const int released = ::malloc_trim(0);
  ++trims_;
  spdlog::debug("malloc_trim: {} in {} us",
                released != 0 ? "memory released" : "nothing to release",
                std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - began)
                    .count());
}

}  // namespace bgo::daemon
