// SPDX-License-Identifier: MIT
// Synchronise tests on conditions, never on fixed sleeps.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace bgo::test {

// Re-checks `pred` (every 5 ms) until it holds or `timeout` passes. Returns the last result.
inline bool wait_until(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace bgo::test
