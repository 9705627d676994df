// SPDX-License-Identifier: MIT
// Tests for the text of the line a slow stop shows (issue #13.9).
#include "client/commands/exit_wait.hpp"

#include <gtest/gtest.h>

namespace bgo::client {
namespace {

using std::chrono::milliseconds;

TEST(ExitWaitText, CountsWholeSecondsDownToSigkill) {
  EXPECT_EQ(exit_wait_text("api", milliseconds(5000)),
            "waiting for api to exit (SIGKILL in 5s)\u2026");
  EXPECT_EQ(exit_wait_text("api", milliseconds(4500)),
            "waiting for api to exit (SIGKILL in 5s)\u2026");
  EXPECT_EQ(exit_wait_text("api", milliseconds(4000)),
            "waiting for api to exit (SIGKILL in 4s)\u2026");
  EXPECT_EQ(exit_wait_text("api", milliseconds(1)),
            "waiting for api to exit (SIGKILL in 1s)\u2026");
  EXPECT_EQ(exit_wait_text("api", milliseconds(0)), "waiting for api to exit (SIGKILL sent)\u2026");
  EXPECT_EQ(exit_wait_text("api", milliseconds(-300)),
            "waiting for api to exit (SIGKILL sent)\u2026");
  EXPECT_EQ(exit_wait_text("my app", std::nullopt), "waiting for my app to exit\u2026");
}

}  // namespace
}  // namespace bgo::client
