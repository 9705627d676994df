// SPDX-License-Identifier: MIT
// Connection::call sends a call again on a new connection when bgod closed the first one
// without answering: any call after `daemon.upgrading` (bgod had not read it), only a read-only
// one otherwise.
#include "client/rpc_client.hpp"

#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace bgo::client {
namespace {

// A listening socket whose thread serves connections one after the other: connection i gets
// script[i] ("upgrading": the notice then close; "close": close; "answer": a result).
class ScriptedServer {
 public:
  ScriptedServer(const std::string& path, std::vector<std::string> script)
      : path_(path), script_(std::move(script)) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes an accept() still waiting
    join();
    ::close(fd_);
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  // The request lines each connection received, in order (read after join()).
  const std::vector<std::string>& requests() const { return requests_; }

 private:
  void serve() {
    for (const auto& step : script_) {
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) return;
      std::string line;
      char ch = 0;
      while (::read(c, &ch, 1) == 1 && ch != '\n') line.push_back(ch);
      requests_.push_back(line);
      std::string out;
      if (step == "upgrading") {
        out = "{\"jsonrpc\":\"2.0\",\"method\":\"daemon.upgrading\",\"params\":{}}\n";
      } else if (step == "answer") {
        out = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"ok\":true}}\n";
      }
      if (!out.empty()) (void)::write(c, out.data(), out.size());
      ::close(c);
    }
  }

  std::string path_;
  std::vector<std::string> script_;
  int fd_ = -1;
  std::thread thread_;
  std::vector<std::string> requests_;
};

TEST(ConnectionResend, AnyCallIsSentAgainAfterTheUpgradeNotice) {
  const test::TempDir dir;
  const std::string path = (dir.path() / "s.sock").string();
  ScriptedServer server(path, {"upgrading", "answer"});
  auto conn = Connection::connect(path);
  ASSERT_TRUE(conn);
  auto r = conn->call("start", boost::json::object{{"name", "web"}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->as_object().at("ok").as_bool());
  server.join();
  ASSERT_EQ(server.requests().size(), 2U);
  EXPECT_EQ(server.requests()[0], server.requests()[1]);  // the same request, sent again
}

TEST(ConnectionResend, OnlyReadOnlyCallsAreSentAgainWithoutTheNotice) {
  const test::TempDir dir;
  const std::string path = (dir.path() / "s.sock").string();
  {
    const ScriptedServer server(path, {"close", "answer"});
    auto conn = Connection::connect(path);
    ASSERT_TRUE(conn);
    auto r = conn->call("list", boost::json::object{});
    ASSERT_TRUE(r) << r.error().message;
  }
  {
    const ScriptedServer server(path + "2", {"close"});
    auto conn = Connection::connect(path + "2");
    ASSERT_TRUE(conn);
    auto r = conn->call("start", boost::json::object{{"name", "web"}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "bgod closed the connection");
  }
}

TEST(ConnectionResend, AnAnswerAfterTheNoticeCancelsIt) {
  const test::TempDir dir;
  const std::string path = (dir.path() / "s.sock").string();
  // The notice, then (the exec failed and the old image went on) an answer, then a close: the
  // request of the second call may have been carried out, so it is not sent again.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  std::thread server([fd] {
    const int c = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    char ch = 0;
    int lines = 0;
    while (lines < 1 && ::read(c, &ch, 1) == 1) lines += ch == '\n' ? 1 : 0;
    const std::string first =
        "{\"jsonrpc\":\"2.0\",\"method\":\"daemon.upgrading\",\"params\":{}}\n"
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n";
    (void)::write(c, first.data(), first.size());
    while (lines < 2 && ::read(c, &ch, 1) == 1) lines += ch == '\n' ? 1 : 0;
    ::close(c);
  });
  auto conn = Connection::connect(path);
  ASSERT_TRUE(conn);
  EXPECT_TRUE(conn->call("start", boost::json::object{{"name", "a"}}));
  auto r = conn->call("start", boost::json::object{{"name", "b"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "bgod closed the connection");
  server.join();
  ::close(fd);
}

}  // namespace
}  // namespace bgo::client
