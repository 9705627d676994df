// SPDX-License-Identifier: MIT
// The one width rule: $COLUMNS when it is a sane number, else the terminal, else 80.
#include "client/terminal.hpp"

#include <csignal>
#include <cstdlib>
#include <optional>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include "client/arg_parser.hpp"

namespace bgo::client {
namespace {

class TerminalWidth : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* c = std::getenv("COLUMNS")) saved_ = c;
  }
  void TearDown() override {
    if (saved_) {
      ::setenv("COLUMNS", saved_->c_str(), 1);
    } else {
      ::unsetenv("COLUMNS");
    }
  }
  std::optional<std::string> saved_;
};

TEST_F(TerminalWidth, ColumnsWinsWhenItIsANumber) {
  ::setenv("COLUMNS", "123", 1);
  EXPECT_EQ(terminal_columns(), 123);
  EXPECT_EQ(help_width(), 121);  // argparse's width is the same rule minus 2
}

TEST_F(TerminalWidth, GarbageColumnsFallsBack) {
  for (const char* bad : {"", "abc", "0", "-5", "100000"}) {
    ::setenv("COLUMNS", bad, 1);
    const int w = terminal_columns();
    if (::isatty(STDOUT_FILENO) == 0) {
      EXPECT_EQ(w, 80) << bad;
    }
    EXPECT_GT(w, 0) << bad;
  }
}

TEST(InterruptGuard, ATimedWaitWithoutSignalTimesOut) {
  const InterruptGuard guard;
  EXPECT_FALSE(guard.interrupted());
  EXPECT_EQ(guard.wait_readable(-1, std::chrono::milliseconds(1)), InterruptGuard::Wait::timeout);
}

TEST(InterruptGuard, ASignalEndsTheWaitAndTheHandlerIsRestoredAfterwards) {
  struct sigaction before {};
  ::sigaction(SIGINT, nullptr, &before);
  {
    const InterruptGuard guard;
    ASSERT_EQ(::raise(SIGINT), 0);  // blocked: pending until the wait unblocks it
    EXPECT_EQ(guard.wait_readable(-1, std::chrono::seconds(30)), InterruptGuard::Wait::interrupted);
    EXPECT_TRUE(guard.interrupted());
  }
  struct sigaction after {};
  ::sigaction(SIGINT, nullptr, &after);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
  sigset_t mask;
  ::pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  EXPECT_EQ(sigismember(&mask, SIGINT), 0);
}

}  // namespace
}  // namespace bgo::client
