// SPDX-License-Identifier: MIT
// Timers that fire only when a test calls fire_next(), which first advances the FakeClock to
// the timer's deadline, so that "wait 4 s" takes no real time and is exactly 4 s.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "daemon/core/ports.hpp"
#include "tests/support/fake_clock.hpp"

namespace bgo::test {

class FakeTimers final : public daemon::TimerFactory {
 public:
  explicit FakeTimers(FakeClock& clock) : clock_(clock) {}
  FakeTimers(const FakeTimers&) = delete;
  FakeTimers& operator=(const FakeTimers&) = delete;

  std::unique_ptr<daemon::Timer> make_timer() override {
    return std::make_unique<FakeTimer>(*this);
  }

  // Fires the armed timer with the earliest deadline (the earliest armed on a tie) after
  // advancing the clock to that deadline. False when nothing is armed.
  bool fire_next() {
    FakeTimer* next = nullptr;
    for (FakeTimer* t : timers_) {
      if (!t->armed()) continue;
      if (next == nullptr || t->deadline_ < next->deadline_ ||
          (t->deadline_ == next->deadline_ && t->sequence_ < next->sequence_)) {
        next = t;
      }
    }
    if (next == nullptr) return false;
    clock_.advance_to(next->deadline_);
    auto fn = std::move(next->fn_);
    next->fn_ = nullptr;  // one-shot, like a steady_timer wait; fn may re-arm it
    fn();
    return true;
  }

  // Fires every timer whose deadline is at or before now + `d`, then leaves the clock there.
  void advance(std::chrono::nanoseconds d) {
    const Clock::time_point until = clock_.now() + d;
    while (auto deadline = next_deadline()) {
      if (*deadline > until) break;
      fire_next();
    }
    clock_.advance_to(until);
  }

  // The earliest armed deadline, if any.
  std::optional<Clock::time_point> next_deadline() const {
    std::optional<Clock::time_point> best;
    for (const FakeTimer* t : timers_) {
      if (t->armed() && (!best || t->deadline_ < *best)) best = t->deadline_;
    }
    return best;
  }

  // How long until the earliest armed deadline (nullopt when nothing is armed).
  std::optional<std::chrono::milliseconds> next_delay() const {
    auto deadline = next_deadline();
    if (!deadline) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - clock_.now());
  }

  size_t armed_count() const {
    size_t n = 0;
    for (const FakeTimer* t : timers_) n += t->armed() ? 1 : 0;
    return n;
  }

 private:
  class FakeTimer final : public daemon::Timer {
   public:
    explicit FakeTimer(FakeTimers& owner) : owner_(owner) { owner_.timers_.insert(this); }
    ~FakeTimer() override { owner_.timers_.erase(this); }
    FakeTimer(const FakeTimer&) = delete;
    FakeTimer& operator=(const FakeTimer&) = delete;

    void arm(Clock::time_point deadline, std::function<void()> fn) override {
      deadline_ = deadline;
      fn_ = std::move(fn);
      sequence_ = ++owner_.sequence_;
    }
    void cancel() override { fn_ = nullptr; }
    bool armed() const { return static_cast<bool>(fn_); }

    FakeTimers& owner_;
    Clock::time_point deadline_{};
    std::function<void()> fn_;
    uint64_t sequence_ = 0;
    friend class FakeTimers;
  };

  FakeClock& clock_;
  std::set<FakeTimer*> timers_;
  uint64_t sequence_ = 0;
};

}  // namespace bgo::test
