// SPDX-License-Identifier: MIT
// The client's one terminal layer: the width and height rule, the interrupt guard (Ctrl-C
// while a menu, `logs -f` or `status -w` runs) and the raw-mode session of the menus.
#pragma once

#include <chrono>
#include <csignal>
#include <cstddef>
#include <optional>
#include <termios.h>

namespace bgo::client {

// The width every renderer uses: $COLUMNS when it is a number in 1..99999 (argparse's rule,
// and what tests set), else the size of the terminal on stdout, else 80.
int terminal_columns();

// The height: $LINES (1..99999), else the terminal on stdout; 0 when unknown.
std::size_t terminal_rows();

// For its lifetime, SIGINT and SIGTERM set a flag instead of ending bgo. Both stay blocked
// except while wait_readable() waits (ppoll with the saved mask minus these two), so a signal
// can never slip in between checking interrupted() and waiting: it ends the wait at once.
// The destructor puts the old handlers and mask back. One guard at a time (not nested).
class InterruptGuard {
 public:
  InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  ~InterruptGuard();

  bool interrupted() const;

  enum class Wait { ready, timeout, interrupted };
  // Waits until `fd` is readable (or, with fd < 0, only for the time), at most `timeout` when
  // given. EINTR from a signal other than ours is retried.
  Wait wait_readable(int fd, std::optional<std::chrono::milliseconds> timeout) const;

 private:
  struct sigaction saved_int_ {};
  struct sigaction saved_term_ {};
  sigset_t saved_mask_{};
  sigset_t wait_mask_{};
};

// Cbreak mode on fd 0 (no echo, byte at a time, signals still on) plus an InterruptGuard, so
// SIGINT and SIGTERM end the session's reads and the destructor restores the terminal on every
// path. When fd 0 is not a terminal, active() is false and nothing was changed.
class TerminalSession {
 public:
  TerminalSession();
  TerminalSession(const TerminalSession&) = delete;
  TerminalSession& operator=(const TerminalSession&) = delete;
  ~TerminalSession();

  bool active() const { return active_; }

  enum class Read { byte, timeout, cancelled };
  // Waits for one byte on fd 0, at most `timeout_ms` when it is non-negative. `cancelled` on
  // SIGINT/SIGTERM, end of input or a read error.
  Read read_byte(char& byte, int timeout_ms);

 private:
  termios saved_{};
  bool active_ = false;
  std::optional<InterruptGuard> guard_;
};

}  // namespace bgo::client
