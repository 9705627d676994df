// SPDX-License-Identifier: MIT
// Tests for LogReserve: how much output may be written, and when free space is probed.
#include "daemon/os/log_reserve.hpp"

#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

using namespace std::chrono_literals;
constexpr uint64_t k_mib = uint64_t{1} << 20;
constexpr uint64_t k_kib64 = uint64_t{64} << 10;

struct Disk {
  std::optional<uint64_t> free = 100 * k_mib;
  int probes = 0;
  LogReserve::FreeFn fn() {
    return [this] {
      ++probes;
      return free;
    };
  }
};

TEST(LogReserve, OffAdmitsEverythingWithoutProbing) {
  Disk disk;
  LogReserve r(0);
  const auto t0 = std::chrono::steady_clock::time_point{};
  EXPECT_EQ(r.admit(5 * k_mib, t0, disk.fn()), 5 * k_mib);
  EXPECT_EQ(disk.probes, 0);
}

TEST(LogReserve, ProbesOncePerMibWritten) {
  Disk disk;
  LogReserve r(8 * k_mib);
  const auto t0 = std::chrono::steady_clock::time_point{};
  for (int i = 0; i < 16; ++i) {
    const uint64_t n = r.admit(k_kib64, t0, disk.fn());
    EXPECT_EQ(n, 64u * 1024);
    r.consume(n);
  }
  EXPECT_EQ(disk.probes, 1);  // 16 x 64 KiB = the first MiB
  r.consume(r.admit(k_kib64, t0, disk.fn()));
  EXPECT_EQ(disk.probes, 2);
}

TEST(LogReserve, ProbesAgainAfterASecond) {
  Disk disk;
  LogReserve r(8 * k_mib);
  const auto t0 = std::chrono::steady_clock::time_point{};
  r.consume(r.admit(10, t0, disk.fn()));
  r.consume(r.admit(10, t0 + 999ms, disk.fn()));
  EXPECT_EQ(disk.probes, 1);
  r.consume(r.admit(10, t0 + 1s, disk.fn()));
  EXPECT_EQ(disk.probes, 2);
}

TEST(LogReserve, NeverWritesIntoTheReserve) {
  Disk disk;
  disk.free = 8 * k_mib + 1000;
  LogReserve r(8 * k_mib);
  const auto t0 = std::chrono::steady_clock::time_point{};
  const uint64_t n = r.admit(k_kib64, t0, disk.fn());
  EXPECT_EQ(n, 1000u);  // only what is above the reserve
  r.consume(n);
  // Near the reserve the next probe waits for the next second: meanwhile output is dropped.
  EXPECT_EQ(r.admit(k_kib64, t0 + 10ms, disk.fn()), 0u);
  EXPECT_EQ(r.admit(k_kib64, t0 + 500ms, disk.fn()), 0u);
  EXPECT_EQ(disk.probes, 1);
}

TEST(LogReserve, PausesAtTheReserveAndResumesWhenSpaceIsBack) {
  Disk disk;
  disk.free = 8 * k_mib;
  LogReserve r(8 * k_mib);
  const auto t0 = std::chrono::steady_clock::time_point{};
  EXPECT_EQ(r.admit(100, t0, disk.fn()), 0u);
  EXPECT_EQ(r.admit(100, t0 + 100ms, disk.fn()), 0u);
  EXPECT_EQ(disk.probes, 1);  // dropping does not probe on every chunk
  disk.free = 20 * k_mib;
  EXPECT_EQ(r.admit(100, t0 + 1100ms, disk.fn()), 100u);
  EXPECT_EQ(disk.probes, 2);
}

TEST(LogReserve, UnknownFreeSpaceDoesNotStopLogging) {
  Disk disk;
  disk.free.reset();
  LogReserve r(8 * k_mib);
  EXPECT_EQ(r.admit(100, std::chrono::steady_clock::time_point{}, disk.fn()), 100u);
}

}  // namespace
}  // namespace bgo::daemon
