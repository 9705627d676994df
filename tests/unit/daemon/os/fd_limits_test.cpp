// SPDX-License-Identifier: MIT
// The descriptor budget's sizes and the refusals of a start out of descriptors or processes.
#include "daemon/os/fd_limits.hpp"

#include <cerrno>

#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(FdLimits, HeadroomAndCacheGrowWithTheLimitWithinBounds) {
  EXPECT_EQ(start_headroom(64), 16U);
  EXPECT_EQ(start_headroom(1024), 32U);
  EXPECT_EQ(start_headroom(524288), 256U);
  EXPECT_EQ(log_cache_bound(64), 4U);
  EXPECT_EQ(log_cache_bound(1024), 16U);
  EXPECT_EQ(log_cache_bound(524288), 256U);
}

TEST(FdLimits, OutOfDescriptorsNamesTheProcessTheCauseAndTheLimit) {
  const Error e = out_of_resources("w123", EMFILE, 1024);
  EXPECT_EQ(e.code, Errc::spawn_failed);
  EXPECT_EQ(e.spawn, SpawnFailure::resources);
  EXPECT_EQ(e.cause.value(), EMFILE);
  EXPECT_TRUE(has(e.message, "Cannot start 'w123': bgod is out of file descriptors (limit 1024)"))
      << e.message;
  EXPECT_TRUE(has(out_of_resources("w", ENFILE, 1024).message,
                  "the system is out of file descriptors (fs.file-max)"));
  const Error h = out_of_headroom("w9", 64, 16);
  EXPECT_EQ(h.spawn, SpawnFailure::resources);
  EXPECT_TRUE(has(h.message,
                  "Cannot start 'w9': bgod is out of file descriptors (limit 64, 16 "
                  "kept free"))
      << h.message;
}

TEST(FdLimits, OutOfProcessesNamesRlimitNproc) {
  // fork/clone/posix_spawn fail with EAGAIN at RLIMIT_NPROC (not enforced for root in the
  // initial user namespace, so only the mapping is tested here).
  const Error e = out_of_resources("w7", EAGAIN, 1024);
  EXPECT_EQ(e.spawn, SpawnFailure::resources);
  EXPECT_TRUE(has(e.message, "Cannot start 'w7': out of processes (RLIMIT_NPROC ")) << e.message;
  EXPECT_TRUE(is_out_of_resources(EAGAIN));
  EXPECT_TRUE(is_out_of_resources(EMFILE));
  EXPECT_TRUE(is_out_of_resources(ENFILE));
  EXPECT_FALSE(is_out_of_resources(ENOENT));
}

}  // namespace
}  // namespace bgo::daemon
