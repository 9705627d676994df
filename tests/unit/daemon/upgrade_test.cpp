// SPDX-License-Identifier: MIT
// take_handover: the image a refused upgrade execs back counts the upgrades as before, and why.
#include "daemon/upgrade.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

constexpr const char* k_env = "BGOD_HANDOVER_REFUSED";

class TakeHandover : public ::testing::Test {
 protected:
  void TearDown() override { ::unsetenv(k_env); }

  // The descriptor of a memfd holding a hand-over of `upgrades` (take_handover closes it).
  int memfd(uint64_t upgrades) {
    Handover h;
    h.upgrades = upgrades;
    h.lock_fd = lock_.get();  // real descriptors: take_handover flags them close-on-exec
    h.listen_fd = listen_.get();
    auto fd = write_handover_memfd(h);
    EXPECT_TRUE(fd) << fd.error().message;
    return fd ? fd->release() : -1;
  }

 private:
  UniqueFd lock_{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
  UniqueFd listen_{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
};

TEST_F(TakeHandover, TheImageExecdBackCountsTheUpgradesBeforeAndKeepsTheReason) {
  ASSERT_EQ(::setenv(k_env,
                     "/usr/bin/bgod cannot take over: hand-over format 2 is not supported (this "
                     "bgod reads 1)",
                     1),
            0);
  const Handover h = take_handover(memfd(3), {}, /*returned=*/true);
  EXPECT_EQ(h.upgrades, 2u);
  EXPECT_EQ(h.refused,
            "/usr/bin/bgod cannot take over: hand-over format 2 is not supported (this bgod "
            "reads 1); running the previous bgod again");
  EXPECT_EQ(std::getenv(k_env), nullptr);  // not passed on to the next upgrade's images
}

// The image that refused predates the variable: the failure is still reported, without why.
TEST_F(TakeHandover, WithoutAReasonTheFailureIsStillKnown) {
  const Handover h = take_handover(memfd(1), {}, /*returned=*/true);
  EXPECT_EQ(h.upgrades, 0u);
  EXPECT_EQ(h.refused, "the new bgod could not take over; running the previous bgod again");
}

TEST_F(TakeHandover, ANewImageTakesTheCountAsWritten) {
  const Handover h = take_handover(memfd(3), {}, /*returned=*/false);
  EXPECT_EQ(h.upgrades, 3u);
  EXPECT_TRUE(h.refused.empty());
}

}  // namespace
}  // namespace bgo::daemon
