// SPDX-License-Identifier: MIT
// ControlServer's hold (live upgrade): once held, no connection is accepted until release(),
// even when an accept had already completed as the hold came; the rest wait in the backlog.
#include "daemon/rpc/control_server.hpp"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "common/unique_fd.hpp"
#include "daemon/os/daemon_lock.hpp"
#include "daemon/rpc/dispatcher.hpp"
#include "daemon/rpc/event_hub.hpp"

namespace bgo::daemon {
namespace {

namespace fs = std::filesystem;

// A client connected to `path`: the kernel queues it in the backlog until bgod accepts.
UniqueFd connect_to(const fs::path& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string p = path.string();
  p.copy(addr.sun_path, sizeof addr.sun_path - 1);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) return {};
  return fd;
}

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "bgo-control-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    home_ = tmpl;
    lock_ = DaemonLock::try_acquire(paths());
    ASSERT_TRUE(lock_.has_value());
  }
  void TearDown() override {
    server_.reset();
    hub_.close_all();
    pump();
    std::error_code ignored;
    fs::remove_all(home_, ignored);
  }
  Paths paths() const { return Paths(home_); }
  void make_server() {
    server_.emplace(io_, *lock_, paths(), dispatcher_, hub_, -1, ServerLimits{});
  }
  void pump() {
    io_.restart();
    while (io_.poll() > 0) {
    }
  }

  fs::path home_;
  boost::asio::io_context io_;
  std::optional<DaemonLock> lock_;
  Dispatcher dispatcher_;
  EventHub hub_;
  std::optional<ControlServer> server_;
};

TEST_F(ControlServerTest, AHoldStopsAcceptingEvenAfterAnAcceptThatHadCompleted) {
  make_server();
  // A client already waiting: the first accept completes as soon as it is armed, before the
  // hold can cancel it.
  const UniqueFd first = connect_to(paths().socket());
  ASSERT_TRUE(first);
  server_->start();
  server_->hold();
  const UniqueFd second = connect_to(paths().socket());
  ASSERT_TRUE(second);
  pump();
  EXPECT_EQ(hub_.connections(), 1U) << "accepted while held";

  server_->release();
  pump();
  EXPECT_EQ(hub_.connections(), 2U) << "not accepted after the release";
}

}  // namespace
}  // namespace bgo::daemon
