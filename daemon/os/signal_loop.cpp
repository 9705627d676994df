// SPDX-License-Identifier: MIT
// SignalLoop.
#include "daemon/os/signal_loop.hpp"

#include <csignal>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace bgo::daemon {

struct SignalLoop::Impl {
  explicit Impl(boost::asio::io_context& io) : signals(io, SIGTERM, SIGINT, SIGHUP) {
    signals.add(SIGCHLD);
    signals.add(SIGUSR2);
  }
  boost::asio::signal_set signals;
};

SignalLoop::SignalLoop(boost::asio::io_context& io, Handlers handlers)
    : impl_(std::make_unique<Impl>(io)), handlers_(std::move(handlers)) {}

SignalLoop::~SignalLoop() = default;

void SignalLoop::start() {
  arm();
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR2, SIGCHLD}) sigaddset(&set, sig);
  ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
  // Reap anything that exited before the signal set was installed.
  ::kill(::getpid(), SIGCHLD);
}

void SignalLoop::cancel() { impl_->signals.cancel(); }

void SignalLoop::arm() {
  impl_->signals.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    if (sig == SIGCHLD) {
      handlers_.child();
    } else if (sig == SIGHUP) {
      handlers_.hangup();
    } else if (sig == SIGUSR2) {
      if (handlers_.upgrade) handlers_.upgrade();
    } else {
      handlers_.terminate();
    }
    // Always re-arm: children must still be reaped while the shutdown waits for them.
    arm();
  });
}

}  // namespace bgo::daemon
