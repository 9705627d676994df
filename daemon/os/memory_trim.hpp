// SPDX-License-Identifier: MIT
// Gives the heap's free pages back to the kernel once a burst of work is over.
#pragma once

#include <chrono>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

// malloc keeps what a burst of work freed (a bulk start's request and its parsed items, a
// large `list` reply, the records of a delete of thousands) between the long-lived
// allocations, resident for nothing: about a third of bgod's memory per process after a bulk
// start (issue #18, docs/performance.md "Memory per process"). MemoryTrim calls malloc_trim(0)
// once, `k_quiet` after the last of a burst of activity: its one timer is armed when activity
// begins and moved on only when it fires too early, so a daemon with nothing to do does
// nothing. The one place bgod calls malloc_trim: every kind of burst (requests answered,
// sessions closed) reports here. Loop thread only.
class MemoryTrim {
 public:
  static constexpr std::chrono::seconds k_quiet{2};

  // `quiet` other than k_quiet is for tests.
  explicit MemoryTrim(boost::asio::io_context& io,
                      std::chrono::steady_clock::duration quiet = k_quiet);
  ~MemoryTrim();
  MemoryTrim(const MemoryTrim&) = delete;
  MemoryTrim& operator=(const MemoryTrim&) = delete;

  // Some work just ended (a request was answered, a session closed).
  void note_activity();
  // Trims done so far (for tests and the log).
  unsigned long trims() const { return trims_; }

 private:
  struct Impl;
  void arm(std::chrono::steady_clock::time_point at);
  void on_timer();

  std::unique_ptr<Impl> impl_;
  std::chrono::steady_clock::duration quiet_;
  std::chrono::steady_clock::time_point last_activity_{};
  bool armed_ = false;
  unsigned long trims_ = 0;
};

}  // namespace bgo::daemon
