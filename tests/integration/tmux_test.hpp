// SPDX-License-Identifier: MIT
// Integration tests that look at a real terminal: the real bgo in a tmux window of a chosen
// size, on this test's own tmux server (-L), its screen captured as text or its raw output.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

#include "tests/integration/daemon_harness.hpp"
#include "tests/support/text.hpp"

namespace bgo::test {

// Display columns of a captured line (tmux capture-pane has no escapes; every glyph bgo draws
// is one column wide).
size_t columns_of(const std::string& line);

class TmuxTest : public DaemonTest {
 protected:
  void TearDown() override;

  // Runs tmux on this test's server.
  RunResult tmux(std::vector<std::string> args);
  // Runs a program from PATH, stdout captured, stdin and stderr on /dev/null.
  static RunResult run(const std::vector<std::string>& argv);

  // Starts `bgo ARGS` in a new tmux window of `columns` x `rows` (then a `read`, so the pane
  // stays after bgo exits) and returns the session's name. `env` adds variables.
  std::string open(const std::vector<std::string>& bgo_args, int columns, int rows = 30,
                   const std::vector<std::string>& env = {});
  // The screen of `session` and what scrolled off it, wrapped lines joined (capture-pane -J):
  // a line that did not fit the terminal comes back longer than it.
  std::string capture(const std::string& session);
  // The screen once `ok` holds for it and it holds still (two captures in a row are the
  // same, so a screen caught halfway through a redraw is not taken); a test failure after 10 s.
  std::string screen_where(const std::string& session,
                           const std::function<bool(const std::string&)>& ok);
  // The screen once `done_marker` shows on it.
  std::string screen_when(const std::string& session, const std::string& done_marker);
  // open() and screen_when() in one.
  std::string screen(const std::vector<std::string>& bgo_args, int columns,
                     const std::string& done_marker);
  // Every byte bgo wrote to the terminal (tmux pipe-pane), colour escapes included, once
  // `done_marker` is among them. The pane's output is piped to a file before bgo starts.
  std::string raw_output(const std::vector<std::string>& bgo_args, int columns,
                         const std::string& done_marker);

  // Every line of `text` at most `columns` wide.
  void expect_fits(const std::string& text, int columns);

  std::string socket_ = "bgo-test-" + std::to_string(::getpid());
  int sessions_ = 0;
};

}  // namespace bgo::test
