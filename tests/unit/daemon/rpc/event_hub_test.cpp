// SPDX-License-Identifier: MIT
// EventHub: a removed session is reported to the close listener (bgod's MemoryTrim).
#include "daemon/rpc/event_hub.hpp"

#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

TEST(EventHub, RemovingASessionTellsTheCloseListener) {
  EventHub hub;
  int progress = 0;
  int closed = 0;
  hub.set_progress_listener([&] { ++progress; });
  hub.set_close_listener([&] { ++closed; });
  hub.remove(nullptr);  // not one of its sessions: nothing to erase, reported all the same
  EXPECT_EQ(progress, 1);
  EXPECT_EQ(closed, 1);
  EXPECT_EQ(hub.connections(), 0u);
}

}  // namespace
}  // namespace bgo::daemon
