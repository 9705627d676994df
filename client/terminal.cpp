// SPDX-License-Identifier: MIT
// Terminal size, the interrupt guard and the raw-mode session.
#include "client/terminal.hpp"

#include <cerrno>
#include <cstdlib>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace bgo::client {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int /*signo*/) { g_interrupted = 1; }

std::optional<long> env_number(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr) return std::nullopt;
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (end == text || v <= 0 || v >= 100000) return std::nullopt;
  return v;
}

std::optional<winsize> window_size() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0) return std::nullopt;
  return ws;
}

}  // namespace

int terminal_columns() {
  if (auto v = env_number("COLUMNS")) return static_cast<int>(*v);
  if (auto ws = window_size(); ws && ws->ws_col > 0) return ws->ws_col;
  return 80;
}

std::size_t terminal_rows() {
  if (auto v = env_number("LINES")) return static_cast<std::size_t>(*v);
  if (auto ws = window_size()) return ws->ws_row;
  return 0;
}

InterruptGuard::InterruptGuard() {
  g_interrupted = 0;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: ppoll must come back with EINTR.
  ::sigaction(SIGINT, &action, &saved_int_);
  ::sigaction(SIGTERM, &action, &saved_term_);
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &block, &saved_mask_);
  wait_mask_ = saved_mask_;
  sigdelset(&wait_mask_, SIGINT);
  sigdelset(&wait_mask_, SIGTERM);
}

InterruptGuard::~InterruptGuard() {
  // Unblock first so a pending signal lands in our handler, then put the old ones back.
  ::pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
  ::sigaction(SIGINT, &saved_int_, nullptr);
  ::sigaction(SIGTERM, &saved_term_, nullptr);
}

bool InterruptGuard::interrupted() const { return g_interrupted != 0; }

InterruptGuard::Wait InterruptGuard::wait_readable(
    int fd, std::optional<std::chrono::milliseconds> timeout) const {
  using clock = std::chrono::steady_clock;
  const auto deadline = timeout ? clock::now() + *timeout : clock::time_point::max();
  for (;;) {
    if (g_interrupted != 0) return Wait::interrupted;
    timespec limit{};
    if (timeout) {
      const auto left =
          std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - clock::now());
      if (left.count() <= 0) return Wait::timeout;
      limit.tv_sec = static_cast<time_t>(left.count() / 1'000'000'000);
      limit.tv_nsec = static_cast<long>(left.count() % 1'000'000'000);
    }
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    const int ready = ::ppoll(&p, fd < 0 ? 0 : 1, timeout ? &limit : nullptr, &wait_mask_);
    if (ready < 0) {
      if (errno == EINTR) continue;  // ours sets the flag (checked above); others are retried
      return Wait::interrupted;
    }
    if (ready == 0) return Wait::timeout;
    return Wait::ready;
  }
}

TerminalSession::TerminalSession() {
  if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
  active_ = true;
  termios raw = saved_;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  (void)::tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);  // a failure leaves a usable, echoing tty
  guard_.emplace();
}

TerminalSession::~TerminalSession() {
  if (!active_) return;
  (void)::tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_);  // nothing better to do on failure
  guard_.reset();
}

TerminalSession::Read TerminalSession::read_byte(char& byte, int timeout_ms) {
  std::optional<std::chrono::milliseconds> timeout;
  if (timeout_ms >= 0) timeout = std::chrono::milliseconds(timeout_ms);
  if (!guard_) return Read::cancelled;
  for (;;) {
    switch (guard_->wait_readable(STDIN_FILENO, timeout)) {
      case InterruptGuard::Wait::interrupted:
        return Read::cancelled;
      case InterruptGuard::Wait::timeout:
        return Read::timeout;
      case InterruptGuard::Wait::ready:
        break;
    }
    const ssize_t n = ::read(STDIN_FILENO, &byte, 1);
    if (n == 1) return Read::byte;
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    return Read::cancelled;  // end of input or a read error
  }
}

}  // namespace bgo::client
