// SPDX-License-Identifier: MIT
// The live-upgrade hand-over format: round trip, version refusal, garbage refusal, memfd.
#include "daemon/os/handover.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

Handover sample() {
  Handover h;
  h.old_exe_fd = 9;
  h.upgrades = 3;
  h.lock_fd = 4;
  h.listen_fd = 11;
  h.listen_from_systemd = true;
  h.notify_socket = "@/org/freedesktop/systemd1/notify/1";
  h.keeper_fd = 16;
  h.keeper_pid = 4242;
  h.metrics_fd = 20;
  h.metrics_url = "http://127.0.0.1:9100/metrics";
  h.children.push_back({"web", 1234, 987654321, 17, 18});
  h.children.push_back({"worker-2", 1300, 12, 21, -1});
  h.watch.push_back({"crashy", 2, 123456789012345, 340, {5000, 5040}, {}});
  h.watch.push_back({"worker-2", 1, -1, 0, {}, {}});
  return h;
}

TEST(Handover, RoundTrip) {
  const Handover h = sample();
  auto back = decode_handover(encode_handover(h));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->version, k_handover_version);
  EXPECT_EQ(back->old_exe_fd, 9);
  EXPECT_EQ(back->upgrades, 3u);
  EXPECT_EQ(back->lock_fd, 4);
  EXPECT_EQ(back->listen_fd, 11);
  EXPECT_TRUE(back->listen_from_systemd);
  EXPECT_EQ(back->notify_socket, h.notify_socket);
  EXPECT_EQ(back->keeper_fd, 16);
  EXPECT_EQ(back->keeper_pid, 4242);
  EXPECT_EQ(back->metrics_fd, 20);
  EXPECT_EQ(back->metrics_url, h.metrics_url);
  ASSERT_EQ(back->children.size(), 2u);
  EXPECT_EQ(back->children[0].name, "web");
  EXPECT_EQ(back->children[0].pid, 1234);
  EXPECT_EQ(back->children[0].start_ticks, 987654321u);
  EXPECT_EQ(back->children[0].out_fd, 17);
  EXPECT_EQ(back->children[1].err_fd, -1);
  EXPECT_EQ(handover_fds(*back), (std::vector<int>{9, 4, 11, 16, 20, 17, 18, 21}));
  ASSERT_EQ(back->watch.size(), 2u);
  EXPECT_EQ(back->watch[0].name, "crashy");
  EXPECT_EQ(back->watch[0].streak, 2);
  EXPECT_EQ(back->watch[0].restart_at_ns, 123456789012345);
  EXPECT_EQ(back->watch[0].last_uptime_ms, 340);
  EXPECT_EQ(back->watch[0].recent_restarts_ms, (std::vector<int64_t>{5000, 5040}));
  EXPECT_EQ(back->watch[1].restart_at_ns, -1);
}

// `recent_restarts_ms` came after format 2 was out: an image that wrote none is still read.
TEST(Handover, RecentRestartsAreOptional) {
  Handover h = sample();
  h.watch.resize(1);
  h.watch[0].recent_restarts_ms.clear();
  std::string bytes = encode_handover(h);
  const std::string key = R"(,"recent_restarts_ms":[])";
  const size_t at = bytes.find(key);
  ASSERT_NE(at, std::string::npos) << bytes;
  bytes.erase(at, key.size());
  auto back = decode_handover(bytes);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->watch.size(), 1u);
  EXPECT_TRUE(back->watch[0].recent_restarts_ms.empty());
}

// A child's health checks and its notify socket came after format 2 was out.
Handover with_health() {
  Handover h = sample();
  h.watch[1].health = HandoverHealth{false, 5'000'000'000, 4'200'000'000, -1, 0, {}, "warming up"};
  h.watch.push_back(
      {"pg", 0, -1, 0, {}, HandoverHealth{true, -1, -1, 9'000'000'000, 2, false, ""}});
  h.notify_sockets.push_back({"worker-2", "/home/u/.bgo/notify/3.sock", 23});
  h.notify_sockets.push_back({"pg", "/home/u/.bgo/notify/12.sock", 24});
  return h;
}

TEST(Handover, HealthAndNotifySocketsRoundTrip) {
  auto back = decode_handover(encode_handover(with_health()));
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->watch.size(), 3u);
  EXPECT_FALSE(back->watch[0].health.has_value());
  ASSERT_TRUE(back->watch[1].health.has_value());
  const HandoverHealth& starting = *back->watch[1].health;
  EXPECT_FALSE(starting.ready);
  EXPECT_EQ(starting.ready_deadline_ns, 5'000'000'000);
  EXPECT_EQ(starting.next_probe_ns, 4'200'000'000);
  EXPECT_EQ(starting.watchdog_ns, -1);
  EXPECT_FALSE(starting.live_ok.has_value());
  EXPECT_EQ(starting.detail, "warming up");
  ASSERT_TRUE(back->watch[2].health.has_value());
  const HandoverHealth& live = *back->watch[2].health;
  EXPECT_TRUE(live.ready);
  EXPECT_EQ(live.watchdog_ns, 9'000'000'000);
  EXPECT_EQ(live.live_failures, 2);
  EXPECT_EQ(live.live_ok, std::optional<bool>(false));
  ASSERT_EQ(back->notify_sockets.size(), 2u);
  EXPECT_EQ(back->notify_sockets[0].name, "worker-2");
  EXPECT_EQ(back->notify_sockets[0].path, "/home/u/.bgo/notify/3.sock");
  EXPECT_EQ(back->notify_sockets[1].fd, 24);
  // Their descriptors are cleared for the exec like every other.
  EXPECT_EQ(handover_fds(*back), (std::vector<int>{9, 4, 11, 16, 20, 17, 18, 21, 23, 24}));
}

// What an image of format 2 wrote before them is read as having none: the next image then
// treats the children as adopted, as it did then.
TEST(Handover, HealthAndNotifySocketsAreOptional) {
  std::string bytes = encode_handover(sample());
  const std::string key = R"(,"notify_sockets":[])";
  const size_t at = bytes.find(key);
  ASSERT_NE(at, std::string::npos) << bytes;
  bytes.erase(at, key.size());
  ASSERT_EQ(bytes.find("health"), std::string::npos) << bytes;
  auto back = decode_handover(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back->notify_sockets.empty());
  ASSERT_EQ(back->watch.size(), 2u);
  EXPECT_FALSE(back->watch[0].health.has_value());
  EXPECT_FALSE(back->watch[1].health.has_value());
}

// STATUS= is the child's text: bytes that are not UTF-8 must not make the hand-over unreadable.
TEST(Handover, AStatusThatIsNotUtf8KeepsTheHandOverReadable) {
  Handover h = sample();
  h.watch[0].health = HandoverHealth{true, -1, -1, -1, 0, true, "load \xff\xfe 90%"};
  auto back = decode_handover(encode_handover(h));
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_TRUE(back->watch[0].health.has_value());
  EXPECT_EQ(back->watch[0].health->detail, "load \uFFFD\uFFFD 90%");
}

TEST(Handover, MalformedHealthOrNotifySocketsAreRefused) {
  Handover h = sample();
  h.watch[0].health = HandoverHealth{false, -1, -1, -1, 0, {}, ""};  // starting, no deadline
  EXPECT_FALSE(decode_handover(encode_handover(h)));
  h = sample();
  h.notify_sockets.push_back({"pg", "/home/u/.bgo/notify/1.sock", -1});
  EXPECT_FALSE(decode_handover(encode_handover(h)));
  std::string bytes = encode_handover(with_health());
  bytes.replace(bytes.find(R"("ready":false)"), 13, R"("ready":"no" )");
  EXPECT_FALSE(decode_handover(bytes));
}

// What bgod 0.5.0 wrote (format 1, before `watch`): refused with the reason, the way back found.
TEST(Handover, TheFirstFormatIsRefused) {
  const std::string v1 =
      "bgod-handover 1 9\n"
      R"({"upgrades":1,"lock_fd":4,"listen_fd":11,"listen_from_systemd":false,)"
      R"("notify_socket":"","keeper_fd":-1,"keeper_pid":0,"metrics_fd":-1,"metrics_url":"",)"
      R"("children":[{"name":"web","pid":1234,"start_ticks":5,"out_fd":17,"err_fd":18}]})"
      "\n";
  auto back = decode_handover(v1);
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().message, "hand-over format 1 is not supported (this bgod reads 2)");
  EXPECT_EQ(handover_old_exe_fd(v1), 9);
}

TEST(Handover, OtherVersionsAreRefusedButTheWayBackIsFound) {
  for (const uint32_t version : {k_handover_version - 1, k_handover_version + 1}) {
    Handover h = sample();
    h.version = version;
    const std::string bytes = encode_handover(h);
    auto back = decode_handover(bytes);
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error().message, "hand-over format " + std::to_string(version) +
                                        " is not supported (this bgod reads " +
                                        std::to_string(k_handover_version) + ")");
    EXPECT_EQ(handover_old_exe_fd(bytes), 9);  // the header alone leads back
  }
}

TEST(Handover, GarbageIsRefused) {
  for (const std::string& bytes :
       {std::string(), std::string("hello\n{}"), std::string("bgod-handover 1\n{}"),
        std::string("bgod-handover x 9\n{}"), std::string("bgod-handover 1 9\nnot json"),
        std::string("bgod-handover 1 9\n{}"), std::string("bgod-handover 1 9\n[1,2]")}) {
    auto back = decode_handover(bytes);
    EXPECT_FALSE(back) << bytes;
  }
  EXPECT_EQ(handover_old_exe_fd("hello"), -1);
  // Well-formed but missing what the new image cannot do without.
  Handover h = sample();
  h.lock_fd = -1;
  EXPECT_FALSE(decode_handover(encode_handover(h)));
  std::string bytes = encode_handover(sample());
  bytes.replace(bytes.find("\"pid\":1234"), 10, "\"pid\":1   ");
  EXPECT_FALSE(decode_handover(bytes));
  bytes = encode_handover(sample());
  bytes.replace(bytes.find("\"streak\":2"), 10, "\"streak\":-");
  EXPECT_FALSE(decode_handover(bytes));
  // A descriptor number that is no descriptor.
  bytes = encode_handover(sample());
  bytes.replace(bytes.find("\"lock_fd\":4"), 11, R"("lock_fd":"4")");
  EXPECT_FALSE(decode_handover(bytes));
}

TEST(Handover, MemfdRoundTrip) {
  auto fd = write_handover_memfd(sample());
  ASSERT_TRUE(fd) << fd.error().message;
  EXPECT_NE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC, 0);  // until the exec clears it
  auto bytes = read_handover_bytes(fd->get());
  ASSERT_TRUE(bytes);
  auto back = decode_handover(*bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->children.size(), 2u);
  ASSERT_TRUE(set_cloexec({fd->get()}, false));
  EXPECT_EQ(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC, 0);
}

TEST(Handover, TheMemfdCannotBeChanged) {
  auto fd = write_handover_memfd(sample());
  ASSERT_TRUE(fd) << fd.error().message;
  const std::string before = *read_handover_bytes(fd->get());
  EXPECT_LT(::pwrite(fd->get(), "x", 1, 0), 0);
  EXPECT_NE(::ftruncate(fd->get(), 0), 0);
  // Nor by opening it again, as a script could through /proc/self/fd/N.
  const std::string path = "/proc/self/fd/" + std::to_string(fd->get());
  EXPECT_LT(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC), 0);
  EXPECT_EQ(*read_handover_bytes(fd->get()), before);
}

}  // namespace
}  // namespace bgo::daemon
