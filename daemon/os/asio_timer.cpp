// SPDX-License-Identifier: MIT
// AsioTimer: arm() replaces the previous arming; a cancelled or replaced arming never fires.
#include "daemon/os/asio_timer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace bgo::daemon {

namespace {

class AsioTimer final : public Timer {
 public:
  explicit AsioTimer(boost::asio::io_context& io) : timer_(io) {}
  ~AsioTimer() override {
    *alive_ = false;
    timer_.cancel();
  }

  void arm(Clock::time_point deadline, std::function<void()> fn) override {
    // The generation makes a handler that was already queued when we re-armed a no-op:
    // steady_timer::cancel() cannot recall a completion that is already posted.
    const uint64_t generation = ++generation_;
    timer_.expires_at(deadline);
    timer_.async_wait([this, generation, fn = std::move(fn),
                       alive = alive_](const boost::system::error_code& ec) {
      if (ec || !*alive || generation != generation_) return;
      fn();
    });
  }

  void cancel() override {
    ++generation_;
    timer_.cancel();
  }

 private:
  boost::asio::steady_timer timer_;
  uint64_t generation_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

 public:
  AsioTimer(const AsioTimer&) = delete;
  AsioTimer& operator=(const AsioTimer&) = delete;
};

}  // namespace

std::unique_ptr<Timer> AsioTimerFactory::make_timer() { return std::make_unique<AsioTimer>(io_); }

}  // namespace bgo::daemon
