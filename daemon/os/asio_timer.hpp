// SPDX-License-Identifier: MIT
// core::Timer on an Asio steady_timer.
#pragma once

#include <memory>

#include "daemon/core/ports.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

class AsioTimerFactory final : public TimerFactory {
 public:
  explicit AsioTimerFactory(boost::asio::io_context& io) : io_(io) {}
  std::unique_ptr<Timer> make_timer() override;

 private:
  boost::asio::io_context& io_;
};

}  // namespace bgo::daemon
