// SPDX-License-Identifier: MIT
// bgod's one signal_set: SIGCHLD, SIGHUP, SIGTERM and SIGINT delivered on the loop.
#pragma once

#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

class SignalLoop {
 public:
  struct Handlers {
    std::function<void()> child;      // SIGCHLD: reap
    std::function<void()> hangup;     // SIGHUP: reopen log files
    std::function<void()> terminate;  // SIGTERM, SIGINT: graceful stop
    std::function<void()> upgrade;    // SIGUSR2: live upgrade to the same binary path
  };
  SignalLoop(boost::asio::io_context& io, Handlers handlers);
  ~SignalLoop();
  SignalLoop(const SignalLoop&) = delete;
  SignalLoop& operator=(const SignalLoop&) = delete;

  // Starts delivering, and has anything that exited before now reaped too. Unblocks the
  // handled signals, which a live upgrade keeps blocked across its exec.
  void start();
  // Stops delivering (the loop can then run out).
  void cancel();

 private:
  void arm();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Handlers handlers_;
};

}  // namespace bgo::daemon
