// SPDX-License-Identifier: MIT
// MemoryTrim: one trim after a burst, none while it lasts, nothing armed once it is over.
#include "daemon/os/memory_trim.hpp"

#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

#include "tests/unit/daemon/os/io_wait.hpp"

namespace bgo::daemon {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds k_quiet{200};

TEST(MemoryTrim, TrimsAQuietPeriodAfterTheLastActivity) {
  boost::asio::io_context io;
  MemoryTrim trim(io, k_quiet);
  // A burst: activity every 10 ms for about 100 ms, from a timer of the test's own.
  boost::asio::steady_timer tick(io);
  int left = 10;
  steady_clock::time_point last{};
  unsigned long before_last = 0;  // trims done when the last activity came
  std::function<void()> next = [&] {
    trim.note_activity();
    last = steady_clock::now();
    before_last = trim.trims();
    if (--left == 0) return;
    tick.expires_after(milliseconds(10));
    tick.async_wait([&](const boost::system::error_code&) { next(); });
  };
  next();
  // The last trim comes a quiet period after the last activity (one during the burst is only
  // possible if a tick comes more than k_quiet late, on a stalled machine).
  unsigned long seen = 0;
  ASSERT_TRUE(test::run_until(io, [&] {
    if (trim.trims() > seen) {
      seen = trim.trims();
      EXPECT_GE(steady_clock::now() - last, k_quiet);
    }
    return left == 0 && seen > before_last;
  }));
  // Nothing is left armed: an idle daemon does nothing (run() returns at once).
  io.restart();
  const auto start = steady_clock::now();
  io.run();
  EXPECT_LT(steady_clock::now() - start, k_quiet);
  EXPECT_EQ(trim.trims(), seen);
}

TEST(MemoryTrim, EachBurstGetsItsTrim) {
  boost::asio::io_context io;
  MemoryTrim trim(io, k_quiet);
  trim.note_activity();
  trim.note_activity();
  ASSERT_TRUE(test::run_until(io, [&] { return trim.trims() == 1; }));
  trim.note_activity();
  ASSERT_TRUE(test::run_until(io, [&] { return trim.trims() == 2; }));
}

}  // namespace
}  // namespace bgo::daemon
