// SPDX-License-Identifier: MIT
// ProbeRunner on a real io_context: HTTP against a tiny server on the same loop, TCP, exec
// probes reaped by the real Reaper, deadlines and cancellation.
#include "daemon/os/probe_runner.hpp"

#include <algorithm>
#include <csignal>
#include <fstream>
#include <memory>
#include <optional>
#include <sys/prctl.h>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "daemon/os/reaper.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/daemon/os/io_wait.hpp"

namespace bgo::daemon {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// An HTTP server on the test's loop: reads one request per connection, then either answers
// with `response` and closes, or (empty `response`) says nothing and keeps the connection.
class TinyServer {
 public:
  TinyServer(asio::io_context& io, std::string response)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        response_(std::move(response)) {
    accept();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

  int accepted = 0;
  int requests = 0;
  int closed_by_peer = 0;  // connections the probe closed while the server kept them
  std::string last_request;

 private:
  struct Conn {
    explicit Conn(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::string in;
    char byte = 0;
  };

  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      ++accepted;
      auto conn = std::make_shared<Conn>(std::move(socket));
      conns_.push_back(conn);
      asio::async_read_until(conn->socket, asio::dynamic_buffer(conn->in), "\r\n\r\n",
                             [this, conn](const boost::system::error_code& e, std::size_t) {
                               if (e) return;
                               ++requests;
                               last_request = conn->in;
                               respond(conn);
                             });
      accept();
    });
  }

  void respond(const std::shared_ptr<Conn>& conn) {
    if (response_.empty()) {
      // Silent: wait for the peer to give up (end of file or reset).
      asio::async_read(conn->socket, asio::buffer(&conn->byte, 1),
                       [this, conn](const boost::system::error_code& e, std::size_t) {
                         if (e) ++closed_by_peer;
                       });
      return;
    }
    asio::async_write(conn->socket, asio::buffer(response_),
                      [conn](const boost::system::error_code&, std::size_t) {
                        boost::system::error_code ignored;
                        conn->socket.close(ignored);
                      });
  }

  tcp::acceptor acceptor_;
  std::string response_;
  std::vector<std::shared_ptr<Conn>> conns_;
};

// A port nothing listens on: bound by us a moment ago, then released.
uint16_t closed_port(asio::io_context& io) {
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

class ProbeRunnerTest : public ::testing::Test {
 protected:
  ProbeRunnerTest() {
    arm_sigchld();
    reaper_.on_sigchld();  // anything that exited before the signal_set existed
  }

  // Starts one probe and runs the loop until it answers (or 10 s pass).
  std::optional<ProbeResult> probe(const ProbeSpec& spec) {
    std::optional<ProbeResult> result;
    auto handle = runner_.run(spec, [&](ProbeResult r) { result = std::move(r); });
    EXPECT_FALSE(result) << "done ran inside run()";
    EXPECT_TRUE(test::run_until(io_, [&] { return result.has_value(); }));
    return result;
  }

  static ProbeSpec http(const std::string& url, std::chrono::milliseconds timeout = 2s) {
    ProbeSpec spec;
    spec.kind = ProbeKind::http;
    spec.target = url;
    spec.timeout = timeout;
    return spec;
  }
  static ProbeSpec tcp_spec(const std::string& target) {
    ProbeSpec spec;
    spec.kind = ProbeKind::tcp;
    spec.target = target;
    spec.timeout = 2s;
    return spec;
  }
  static ProbeSpec exec(std::vector<std::string> argv, std::chrono::milliseconds timeout = 5s) {
    ProbeSpec spec;
    spec.kind = ProbeKind::exec;
    spec.target = argv.front();
    spec.argv = std::move(argv);
    spec.env = {"PATH=/usr/bin:/bin"};
    spec.timeout = timeout;
    return spec;
  }
  std::string local(uint16_t port, const std::string& path = "/") {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }

  asio::io_context io_;
  ProbeRunner runner_{io_};
  std::vector<pid_t> not_probes_;  // pids the runner said were not its own
  Reaper reaper_{[this](pid_t pid, const ExitStatus& status) {
    if (!runner_.on_exit(pid, status)) not_probes_.push_back(pid);
  }};

 private:
  void arm_sigchld() {
    sigchld_.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      reaper_.on_sigchld();
      arm_sigchld();
    });
  }
  asio::signal_set sigchld_{io_, SIGCHLD};
};

TEST_F(ProbeRunnerTest, Http200IsOkAndTheRequestIsAPlainGet) {
  TinyServer server(io_, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
  auto r = probe(http(local(server.port(), "/health?deep=1")));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok);
  EXPECT_EQ(r->detail, "HTTP 200");
  EXPECT_EQ(server.last_request.rfind("GET /health?deep=1 HTTP/1.1\r\n", 0), 0u)
      << server.last_request;
  EXPECT_NE(server.last_request.find("Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos)
      << server.last_request;
}

TEST_F(ProbeRunnerTest, Http3xxIsOk) {
  TinyServer server(io_, "HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n");
  auto r = probe(http(local(server.port())));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok);
  EXPECT_EQ(r->detail, "HTTP 302");
}

TEST_F(ProbeRunnerTest, Http503IsNotOk) {
  TinyServer server(io_, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
  auto r = probe(http(local(server.port())));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->detail, "HTTP 503");
}

TEST_F(ProbeRunnerTest, ClosedPortIsConnectionRefused) {
  const uint16_t port = closed_port(io_);
  auto h = probe(http(local(port)));
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->ok);
  EXPECT_EQ(h->detail, "connection refused");
  auto t = probe(tcp_spec("127.0.0.1:" + std::to_string(port)));
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->ok);
  EXPECT_EQ(t->detail, "connection refused");
}

TEST_F(ProbeRunnerTest, SilentServerTimesOutAtTheDeadline) {
  TinyServer server(io_, "");
  const auto start = std::chrono::steady_clock::now();
  auto r = probe(http(local(server.port()), 200ms));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->detail, "timed out");
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 2s);
  EXPECT_EQ(server.requests, 1);
  // The probe's connection is closed, not left open.
  EXPECT_TRUE(test::run_until(io_, [&] { return server.closed_by_peer == 1; }));
}

TEST_F(ProbeRunnerTest, TcpConnectIsOkByAddressAndByName) {
  TinyServer server(io_, "");
  auto a = probe(tcp_spec("127.0.0.1:" + std::to_string(server.port())));
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->ok);
  EXPECT_EQ(a->detail, "connected");
  // "localhost" goes through the resolver and may try ::1 first: the next address is tried.
  auto b = probe(tcp_spec("localhost:" + std::to_string(server.port())));
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->ok) << b->detail;
}

TEST_F(ProbeRunnerTest, BadTargetsFailWithTheParsersMessage) {
  auto h = probe(http("https://127.0.0.1/"));
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->ok);
  EXPECT_NE(h->detail.find("https is not supported"), std::string::npos) << h->detail;
  auto t = probe(tcp_spec("localhost"));
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->ok);
  EXPECT_NE(t->detail.find("missing port"), std::string::npos) << t->detail;
}

TEST_F(ProbeRunnerTest, ExecExitCodeDecides) {
  auto ok = probe(exec({"/bin/true"}));
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->ok);
  EXPECT_EQ(ok->detail, "exit 0");
  auto bad = probe(exec({"/bin/false"}));
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->ok);
  EXPECT_EQ(bad->detail, "exit 1");
  EXPECT_EQ(runner_.exec_children(), 0u);
  EXPECT_TRUE(not_probes_.empty());
}

TEST_F(ProbeRunnerTest, ExecGetsItsEnvironmentAndDirectoryAndNoShell) {
  test::TempDir dir("bgo_probe_cwd");
  // A shell only because the command names one; `;` in an argument is not interpreted.
  auto spec = exec({"/bin/sh", "-c", R"sh(test "$PROBE_X" = yes && test "$(pwd -P)" = "$1")sh",
                    "sh", std::filesystem::canonical(dir.path()).string()});
  spec.env.emplace_back("PROBE_X=yes");
  spec.cwd = dir.path().string();
  auto r = probe(spec);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok) << r->detail;
  auto literal = probe(exec({"/bin/echo", "a; exit 3"}));
  ASSERT_TRUE(literal);
  EXPECT_TRUE(literal->ok) << literal->detail;
}

TEST_F(ProbeRunnerTest, ExecThatCannotStartFails) {
  auto r = probe(exec({"/nonexistent/probe"}));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->detail, "cannot run /nonexistent/probe: No such file or directory");
  EXPECT_EQ(runner_.exec_children(), 0u);
}

TEST_F(ProbeRunnerTest, ExecTimeoutKillsTheGroupAndTheChildIsStillReaped) {
  const auto start = std::chrono::steady_clock::now();
  auto r = probe(exec({"/bin/sleep", "10"}, 200ms));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->detail, "timed out");
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 2s);
  EXPECT_TRUE(test::run_until(
      io_, [&] { return runner_.exec_children() == 0; }, 5s));
  EXPECT_TRUE(not_probes_.empty());
}

TEST_F(ProbeRunnerTest, ExecTimeoutKillsTheWholeProcessGroup) {
  // As bgod is, this test process becomes the subreaper of its children's orphans, so the
  // Reaper sees the probe's background child die too.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  test::TempDir dir("bgo_probe_group");
  const auto pid_file = dir.path() / "grandchild.pid";
  auto r = probe(
      exec({"/bin/sh", "-c", "sleep 10 & echo $! > \"$1\"; wait", "sh", pid_file.string()}, 500ms));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->detail, "timed out");
  pid_t grandchild = 0;
  std::ifstream(pid_file) >> grandchild;
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(test::run_until(io_, [&] {
    return std::find(not_probes_.begin(), not_probes_.end(), grandchild) != not_probes_.end();
  }));
  EXPECT_TRUE(test::run_until(io_, [&] { return runner_.exec_children() == 0; }));
}

TEST_F(ProbeRunnerTest, DestroyingTheHandleKillsAnExecProbeWithoutAnAnswer) {
  bool called = false;
  auto handle =
      runner_.run(exec({"/bin/sleep", "10"}, 10s), [&](const ProbeResult&) { called = true; });
  ASSERT_EQ(runner_.exec_children(), 1u);
  handle.reset();
  EXPECT_TRUE(test::run_until(
      io_, [&] { return runner_.exec_children() == 0; }, 5s));
  EXPECT_FALSE(called);
  EXPECT_TRUE(not_probes_.empty());  // the status was taken by the runner, not passed on
}

TEST_F(ProbeRunnerTest, DestroyingTheHandleClosesAnHttpProbeWithoutAnAnswer) {
  TinyServer server(io_, "");
  bool called = false;
  auto handle =
      runner_.run(http(local(server.port()), 10s), [&](const ProbeResult&) { called = true; });
  ASSERT_TRUE(test::run_until(io_, [&] { return server.requests == 1; }));
  handle.reset();
  EXPECT_TRUE(test::run_until(io_, [&] { return server.closed_by_peer == 1; }));
  EXPECT_FALSE(called);
}

TEST_F(ProbeRunnerTest, DoneMayDestroyTheHandleAndStartTheNextAttempt) {
  TinyServer server(io_, "HTTP/1.1 204 No Content\r\n\r\n");
  std::unique_ptr<ProbeRun> handle;
  std::vector<ProbeResult> results;
  std::function<void(ProbeResult)> on_done = [&](ProbeResult r) {
    results.push_back(std::move(r));
    handle.reset();  // the running attempt's own handle
    if (results.size() < 3) handle = runner_.run(http(local(server.port())), on_done);
  };
  handle = runner_.run(http(local(server.port())), on_done);
  ASSERT_TRUE(test::run_until(io_, [&] { return results.size() == 3; }));
  for (const auto& r : results) EXPECT_EQ(r.detail, "HTTP 204");
  EXPECT_EQ(server.requests, 3);
}

}  // namespace
}  // namespace bgo::daemon
