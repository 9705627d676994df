// SPDX-License-Identifier: MIT
// The thin ncurses view of `bgo monit`: takes over the terminal, copies frames to it, reads
// keys, follows resizes, and gives the terminal back as it found it, even on a crash. The one
// file of bgo that includes <curses.h> (tools/check_layers.sh).
#pragma once

#include <memory>
#include <optional>

#include "client/monit/frame.hpp"
#include "client/monit/keymap.hpp"
#include "common/errors.hpp"

struct screen;  // ncurses' SCREEN

namespace bgo::client::monit {

class CursesScreen {
 public:
  // Takes over the terminal on stdin and stdout: the alternate screen, keys one at a time
  // without echo (Ctrl-C and Ctrl-Z keep their signals), no cursor. `color`: colours when the
  // terminal has them (else attributes only: bold, dim, reverse). Installs the crash handler
  // (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) that gives the terminal back before the process
  // dies. Precondition: the caller's SIGINT, SIGTERM and SIGWINCH handlers are in place (ncurses
  // then leaves them alone), and setlocale(LC_CTYPE, "") was called. Errors: the terminal type
  // is unknown, or cannot move the cursor.
  static Result<std::unique_ptr<CursesScreen>> open(bool color);
  // endwin(): the terminal's modes and screen as they were; the crash handler is removed.
  ~CursesScreen();
  CursesScreen(const CursesScreen&) = delete;
  CursesScreen& operator=(const CursesScreen&) = delete;

  int columns() const;
  int rows() const;
  // After SIGWINCH: takes the terminal's new size; the next draw() repaints every cell.
  void resize();
  // Shows `frame` (only the cells that changed reach the terminal).
  void draw(const Frame& frame);
  // The next key typed, without waiting; nullopt when none is waiting.
  std::optional<Key> read_key();

 private:
  CursesScreen(::screen* screen, bool color) : screen_(screen), color_(color) {}
  ::screen* screen_;
  bool color_;
};

}  // namespace bgo::client::monit
