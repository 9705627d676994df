// SPDX-License-Identifier: MIT
// Runs a test's io_context until a condition holds: handlers run as events arrive, no sleeps.
#pragma once

#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>

namespace bgo::test {

// Runs `io` one handler at a time until `pred` holds or `timeout` passes; true if it held.
// Blocks in the io_context between handlers, so `io` must have work pending (a timer, a
// signal_set) or the wait ends at once when `pred` is false.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& pred,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (io.stopped()) io.restart();
    if (io.run_one_for(deadline - now) == 0 && io.stopped() && !pred()) return false;
  }
  return true;
}

}  // namespace bgo::test
