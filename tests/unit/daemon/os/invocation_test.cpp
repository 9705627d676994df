// SPDX-License-Identifier: MIT
// BGO_INVOCATION values: written and read back; anything else is not a marker.
#include "daemon/os/invocation.hpp"

#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

TEST(Invocation, RoundTripsAndKeepsDashesInTheName) {
  Invocations ours("/home/u/.bgo");
  const Invocation first = ours.next("web-api-2");
  const Invocation second = ours.next("web-api-2");
  EXPECT_EQ(first.seq + 1, second.seq);
  EXPECT_EQ(first.home, second.home);
  EXPECT_EQ(first.bgod, second.bgod);
  const auto back = Invocation::parse(second.text());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->home, second.home);
  EXPECT_EQ(back->bgod, second.bgod);
  EXPECT_EQ(back->seq, second.seq);
  EXPECT_EQ(back->name, "web-api-2");
}

TEST(Invocation, HomesDifferAndEachBgodIsNew) {
  Invocations a("/home/u/.bgo");
  Invocations b("/home/u/.bgo");
  Invocations c("/home/u/other");
  EXPECT_EQ(a.next("x").home, b.next("x").home);
  EXPECT_NE(a.next("x").bgod, b.next("x").bgod);
  EXPECT_NE(a.next("x").home, c.next("x").home);
}

TEST(Invocation, RefusesWhatIsNotAMarker) {
  for (const char* text :
       {"", "abc", "0123456789abcdef-0123456789abcdef-1-",
        "0123456789abcdef-0123456789abcdef-x-web", "0123456789abcdef-01234567-1-web",
        "0123456789abcdef-0123456789abcdef"}) {
    EXPECT_FALSE(Invocation::parse(text)) << text;
  }
  EXPECT_TRUE(Invocation::parse("0123456789abcdef-0123456789abcdef-12-web"));
}

}  // namespace
}  // namespace bgo::daemon
